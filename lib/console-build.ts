import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * How the console is built (vite build of console/): one definition for the CDK asset's bundling
 * step (lib/console.ts, at synth) and the local stack's cached build (local/console.ts). The
 * sources are console/ and the typed client it imports (clients/typescript/src), so their hash is
 * the build's identity: the CDK asset hash and the local cache key.
 */
export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const CONSOLE_DIR = join(REPO_ROOT, 'console');
const SOURCES = [CONSOLE_DIR, join(REPO_ROOT, 'clients', 'typescript', 'src')];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'dist' && e.name !== 'node_modules' && !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** sha256 over the sources' paths (relative) and contents, hex, 16 characters. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256').update('console-build-v1');
  for (const file of SOURCES.flatMap(files)) hash.update(file.slice(REPO_ROOT.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** `vite build` of the console into outDir, as a command for spawn/spawnSync (production mode whatever NODE_ENV the caller has). */
export function viteBuildCommand(outDir: string): { command: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string } {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  return {
    command: process.execPath,
    args: [vite, 'build', '--config', join(CONSOLE_DIR, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--mode', 'production', '--logLevel', 'warn'],
    // A stand-in in the local stack's process may have set NODE_ENV=development (React would build its dev bundle).
    env: { ...process.env, NODE_ENV: 'production' },
    cwd: REPO_ROOT,
  };
}
