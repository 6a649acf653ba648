import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build, type BuildOptions } from 'esbuild';
import { routes } from '../functions/http/routes.ts';
import { handlerFile } from '../functions/http/handler-files.ts';
import { panelRules } from '../functions/iot/rules.ts';
import { log, median, ms } from './lib/stats.ts';

const FUNCTIONS_DIR = join(import.meta.dirname, '..', 'functions');

/**
 * esbuild options as CDK's NodejsFunction runs them for a Lobby function (lib/lobby-function.ts):
 * everything bundled (AWS SDK v3 included: externalModules []), ESM with a real `require`
 * for CommonJS dependencies, minified, source map next to the bundle.
 */
export const CDK_LIKE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // what CDK passes for ESM output
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  external: [],
  logLevel: 'silent',
};

/** Every Lambda entry: each `fn` of the route table, each topic-rule handler, and the stream handler. */
export function lambdaEntries(): string[] {
  return [...new Set<string>([...routes.map((r) => r.fn), ...panelRules.map((r) => r.fn), 'credential-stream'])].sort();
}

/**
 * What a fresh Lambda container does before the first event: load the module. Runs in a new
 * `node` process per measurement; counts network attempts (sockets, DNS, fetch) made by the
 * import or within 100 ms after it (there must be none).
 */
const PROBE = `
import net from 'node:net';
import dns from 'node:dns';
let attempts = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { attempts++; return connect.apply(this, args); };
const lookup = dns.lookup;
dns.lookup = function (...args) { attempts++; return lookup.apply(this, args); };
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => { attempts++; return realFetch(...args); };
const start = performance.now();
const mod = await import(process.env.BENCH_BUNDLE_URL);
const initMs = performance.now() - start;
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write(JSON.stringify({ initMs, handler: typeof mod.handler, networkAttempts: attempts }));
process.exit(0);
`;

/** The variables the functions get from CDK (lib/lobby-stack.ts), with dummy values; endpoints point at a closed loopback port. */
function lambdaEnvironment(fn: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHDUMMY',
    AWS_SECRET_ACCESS_KEY: 'bench-dummy-secret',
    AWS_SESSION_TOKEN: 'bench-dummy-session',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: `lobby-${fn}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOBBY_TABLE: 'lobby-bench-Lobby',
    IDEMPOTENCY_TABLE: 'lobby-bench-Idempotency',
    PHOTOS_BUCKET: 'lobby-bench-photos',
    CODE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lobby-bench-code-secret',
    POWERTOOLS_SERVICE_NAME: 'lobby',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...extra,
  };
}

interface Probe { initMs: number; handler: string; networkAttempts: number }

function probe(bundle: string, env: Record<string, string>): Promise<Probe> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', PROBE], {
      env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle).href },
      timeout: 30_000,
      maxBuffer: 1024 * 1024,
    }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`import of ${bundle} failed: ${stderr.trim().split('\n').slice(-5).join(' | ') || error.message}`));
      try { resolve(JSON.parse(stdout) as Probe); } catch { reject(new Error(`import of ${bundle}: unexpected output ${stdout.slice(0, 200)}`)); }
    });
  });
}

interface Target { name: string; entry: string; outfile: string; bytes: number; gzipBytes: number; mapBytes: number; buildMs: number }

async function bundle(name: string, entry: string, outdir: string, options: BuildOptions = {}): Promise<Target> {
  const outfile = join(outdir, name, 'index.mjs');
  await mkdir(join(outdir, name), { recursive: true });
  const start = performance.now();
  await build({ ...CDK_LIKE, ...options, entryPoints: [entry], outfile });
  const buildMs = performance.now() - start;
  const mapBytes = await stat(`${outfile}.map`).then((s) => s.size, () => 0);
  return { name, entry, outfile, bytes: (await stat(outfile)).size, gzipBytes: gzipSync(readFileSync(outfile)).length, mapBytes, buildMs };
}

export async function bundlesBench(opts: { runs?: number; keep?: boolean } = {}) {
  const runs = opts.runs ?? 7;
  const dir = await mkdtemp(join(tmpdir(), 'lobby-bench-bundles-'));
  try {
    const fns = lambdaEntries();
    const handlerFiles = (await readdir(join(FUNCTIONS_DIR, 'handlers'))).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts'));
    const notAnEntry = handlerFiles.filter((f) => !fns.includes(f));
    log(`bundles: esbuild ${fns.length} Lambda entries + hello into ${dir}`);
    const targets: Target[] = [];
    for (const fn of fns) targets.push(await bundle(fn, join(FUNCTIONS_DIR, handlerFile(fn)), join(dir, 'external-map')));
    const helloSource = join(dir, 'hello.ts');
    await writeFile(helloSource, 'export const handler = async () => ({ statusCode: 200 });\n');
    const hello = await bundle('hello', helloSource, join(dir, 'external-map'));

    // As deployed by lib/lobby-function.ts: a linked source map (CDK's sourceMap: true is
    // esbuild --sourcemap) and NODE_OPTIONS=--enable-source-maps, which makes Node read
    // and parse the map while it loads the module.
    const deployed: Target[] = [];
    for (const fn of [...fns, 'hello']) {
      deployed.push(await bundle(fn, fn === 'hello' ? helloSource : join(FUNCTIONS_DIR, handlerFile(fn)), join(dir, 'linked-map'), { sourcemap: 'linked' }));
    }

    log(`bundles: cold-start imports, ${runs} fresh node processes per bundle (x2: without / with --enable-source-maps)`);
    const all = [...targets, hello];
    const samples = new Map<string, number[]>(all.map((t) => [t.name, []]));
    const samplesDeployed = new Map<string, number[]>(all.map((t) => [t.name, []]));
    const network = new Map<string, number>(all.map((t) => [t.name, 0]));
    const handlerTypes = new Map<string, string>();
    for (let run = 0; run < runs; run++) {
      // Rotate the order every run so slow drift of the machine spreads over all bundles.
      const order = all.map((_, i) => all[(i + run) % all.length]!);
      for (const target of order) {
        const plain = await probe(target.outfile, lambdaEnvironment(target.name));
        samples.get(target.name)!.push(plain.initMs);
        network.set(target.name, network.get(target.name)! + plain.networkAttempts);
        handlerTypes.set(target.name, plain.handler);
        const linked = deployed.find((d) => d.name === target.name)!;
        const withMaps = await probe(linked.outfile, lambdaEnvironment(target.name, { NODE_OPTIONS: '--enable-source-maps' }));
        samplesDeployed.get(target.name)!.push(withMaps.initMs);
        network.set(target.name, network.get(target.name)! + withMaps.networkAttempts);
      }
    }
    const helloMs = median(samples.get('hello')!);
    const helloDeployedMs = median(samplesDeployed.get('hello')!);
    const row = (t: Target) => {
      const initMs = median(samples.get(t.name)!);
      const deployedMs = median(samplesDeployed.get(t.name)!);
      return {
        bytes: t.bytes,
        gzipBytes: t.gzipBytes,
        mapBytes: t.mapBytes,
        buildMs: ms(t.buildMs, 0),
        initMs: ms(initMs),
        ratioToHello: ms(initMs / helloMs, 1),
        withSourceMaps: { initMs: ms(deployedMs), ratioToHello: ms(deployedMs / helloDeployedMs, 1) },
        runs,
        networkAttemptsOnImport: network.get(t.name)!,
        exportsHandler: handlerTypes.get(t.name) === 'function',
      };
    };
    return {
      unit: { bytes: 'bytes', initMs: 'ms, median' },
      esbuild: {
        version: (await import('esbuild')).version,
        options: { ...CDK_LIKE, logLevel: undefined },
      },
      functions: Object.fromEntries(targets.map((t) => [t.name, row(t)])),
      hello: row(hello),
      handlerFilesNotBundled: notAnEntry,
      details: {
        initMs: 'performance.now() around `await import(bundle)` in a fresh node process (Node of this machine, not the Lambda runtime); median of the runs',
        withSourceMaps: 'the same bundle built with a linked source map and imported with NODE_OPTIONS=--enable-source-maps, as lib/lobby-function.ts deploys it',
        gzipBytes: 'gzip -6 of the bundle, roughly what the deployment zip adds for it',
      },
    };
  } finally {
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
