import { defineConfig } from 'vitest/config';

/**
 * The panel tests need no local stack: `npx vitest run --config test/panel-agent/vitest.config.ts`
 * runs them without the global setup (the root config runs them too, with the stack up).
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/panel-agent/**/*.test.ts'],
    testTimeout: 60_000,
    maxWorkers: 2,
  },
});
