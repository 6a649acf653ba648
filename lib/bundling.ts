import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';
import { handlerFile } from '../functions/http/handler-files.ts';
import { openApiDocument } from '../functions/http/openapi.ts';

export const projectRoot = join(import.meta.dirname, '..');
const functionsDir = join(projectRoot, 'functions');

/** The esbuild target follows the Lambda runtime (lib/lobby-function.ts LAMBDA_RUNTIME, Node.js 24). */
export const ESBUILD_TARGET = 'node24';

/** The entry's file name in each function's asset: the handler is `index.handler`. */
export const ENTRY_FILE = 'index.mjs';

/**
 * ESM output still meets CommonJS dependencies that call `require` (parts of the AWS SDK
 * and Powertools); this gives every output file (the entry and each chunk, since each is
 * a module scope of its own) a real `require`.
 */
export const CJS_BANNER = "import { createRequire as __lobbyCreateRequire } from 'node:module'; const require = __lobbyCreateRequire(import.meta.url);";

/**
 * Source maps stay out of the functions by default. With NODE_OPTIONS=--enable-source-maps
 * Node reads and parses the map of every module it loads: the bench (`withSourceMaps`,
 * 2026-12-01) measured +4 to +60 ms CPU per cold start for the split bundles (median +28 ms,
 * import + first call; the larger figures where the first call loads the SDK chunks), on
 * every cold start, for stack positions that matter only while debugging. Errors are logged
 * by name with the request id, and a minified frame rarely decides an incident.
 * `cdk synth -c lobby:sourceMaps=true` ships linked maps and turns them on.
 */
export interface LambdaBuild {
  /** Ship linked source maps (and the function then runs with --enable-source-maps). */
  sourceMaps?: boolean;
  /** Another entry file (the bench's hello function); default functions/handlers/<fn>.ts. */
  entry?: string;
}

/**
 * How every Lobby function is bundled, for CDK (lib/lobby-function.ts) and the bench
 * (bench/bundles.ts) alike. Everything is bundled, the AWS SDK v3 included: the functions
 * run exactly the SDK versions package-lock.json pins and the tests ran, not whatever the
 * runtime image carries (and marking it external measured 2x slower). ESM with code
 * splitting: what a function reaches only through `import()` (the stores' wiring and the
 * SDK clients on first use, the SDK's credential providers) lands in chunks read when first
 * needed, not at init. Minified, `module` before `main`.
 */
export function lambdaBuildOptions(fn: string, outdir: string, build: LambdaBuild = {}): BuildOptions {
  return {
    entryPoints: { index: build.entry ?? join(functionsDir, handlerFile(fn)) },
    define: buildTimeConstants(fn),
    absWorkingDir: projectRoot,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    splitting: true,
    target: ESBUILD_TARGET,
    mainFields: ['module', 'main'],
    minify: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: CJS_BANNER },
    sourcemap: build.sourceMaps ? 'linked' : false,
    // Stack traces map to file:line without shipping the sources.
    sourcesContent: false,
    external: [],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Computed at build time instead of at run time: the openapi function's document, from the
 * route table (functions/handlers/openapi.ts serves it; run from source, as the local stack
 * does, it builds the same document on its first request).
 */
function buildTimeConstants(fn: string): Record<string, string> {
  if (fn !== 'openapi') return {};
  return { 'process.env.LOBBY_OPENAPI_DOCUMENT': JSON.stringify(JSON.stringify(openApiDocument())) };
}

/** Bundles one function into `outdir` (synchronously: CDK's local bundling hook is synchronous). */
export function bundleFunction(fn: string, outdir: string, build: LambdaBuild = {}): Metafile {
  const result = buildSync(lambdaBuildOptions(fn, outdir, build));
  if (!result.metafile) throw new Error(`esbuild gave no metafile for ${fn}`);
  return result.metafile;
}

/**
 * What a cold start reads before the handler can run: the entry and every chunk it imports
 * statically, transitively (chunks reached only through `import()` are left out).
 * Paths in the metafile are relative to absWorkingDir (the project root).
 */
export function loadedAtInit(metafile: Metafile): { files: string[]; bytes: number } {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined && file.endsWith(`/${ENTRY_FILE}`));
  if (!entry) throw new Error(`no ${ENTRY_FILE} among ${Object.keys(outputs).join(', ')}`);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && outputs[imported.path]) visit(imported.path);
    }
  };
  visit(entry);
  const files = [...seen];
  return { files, bytes: files.reduce((sum, file) => sum + readFileSync(resolve(projectRoot, file)).length, 0) };
}
