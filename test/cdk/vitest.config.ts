import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The CDK tests alone, without the suite's global setup (which starts the whole local
 * stack they do not need): `npx vitest run --config test/cdk/vitest.config.ts`.
 * `npm test` runs them too, under the root config.
 */
export default defineConfig({
  test: {
    root: join(import.meta.dirname, '..', '..'),
    include: ['test/cdk/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { CDK_DISABLE_VERSION_CHECK: '1' },
  },
});
