import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { routes } from '../functions/http/routes.ts';
import { bundleFunction, ENTRY_FILE, lambdaBuildOptions, loadedAtInit, projectRoot } from '../lib/bundling.ts';
import { log, median, ms } from './lib/stats.ts';

const HANDLERS_DIR = join(projectRoot, 'functions', 'handlers');

/** Every Lambda entry: each file of functions/handlers (CDK deploys each as a function). */
async function lambdaEntries(): Promise<string[]> {
  return (await readdir(HANDLERS_DIR))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/**
 * The first event a cold container gets, the cheapest one that still runs the handler's
 * middleware (logger context, metrics flush, the shell's routing, validation, problem
 * rendering) without AWS where the handler allows it. `stub`: the call needs DynamoDB
 * (an IoT-rule message resolves its panel first), answered by a loopback stub with
 * "no such item", so the call loads the stores and the DynamoDB client and makes one
 * request; those ratios are not comparable with the others'.
 */
interface FirstCall {
  what: string;
  event: unknown;
  stub?: boolean;
}

function firstCall(fn: string): FirstCall {
  if (fn === 'hello') return { what: 'returns 200', event: {} };
  if (fn === 'openapi') return { what: 'GET /openapi.json -> 200', event: httpEvent('GET /openapi.json') };
  const route = routes.find((r) => r.fn === fn && r.auth === 'jwt');
  if (route) return { what: `${route.method} ${route.path} without a token -> 401`, event: httpEvent(`${route.method} ${route.path}`) };
  const payload = Buffer.from('{}').toString('base64');
  switch (fn) {
    case 'panel-presence':
      return { what: 'an event that is not a lifecycle event -> logged, dropped', event: { eventType: 'bench' } };
    case 'credential-stream':
      return { what: 'an empty stream batch (stores, code secret stubbed)', event: { Records: [] }, stub: true };
    case 'panel-messages':
      return {
        what: 'a heartbeat from an unknown panel (stores: code secret + one DynamoDB read, stubbed)',
        event: { panelId: 'bench-panel', channel: 'heartbeat', payload },
        stub: true,
      };
    case 'panel-requests':
      return {
        what: 'a request from an unknown panel (stores: code secret + one DynamoDB read, stubbed)',
        event: { panelId: 'bench-panel', channel: 'sync', payload },
        stub: true,
      };
    case 'reconcile':
      return { what: 'a scheduled pass over no properties (stores: code secret + DynamoDB, stubbed)', event: { 'detail-type': 'Scheduled Event', detail: {} }, stub: true };
    case 'phone-call':
      // Builds and runs the whole invocation-event schema, like any event, without AWS: the invocation fails by design.
      return { what: 'a malformed SIP media application event -> refused (the invocation fails)', event: { SchemaVersion: '1.0', InvocationEventType: 'RINGING' } };
    // A handler this bench has no cheap event for yet: its import alone.
    default:
      return { what: 'none (import only)', event: null };
  }
}

function httpEvent(routeKey: string) {
  const [method, path] = routeKey.split(' ') as [string, string];
  const rawPath = path.replace(/\{\w+\}/g, '01BENCHBENCHBENCHBENCHBENC');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { host: 'bench.invalid' },
    isBase64Encoded: false,
    requestContext: {
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey,
      stage: '$default',
      timeEpoch: 0,
    },
  };
}

/**
 * A fresh Lambda container: load the module, then handle one event. Runs in a new `node`
 * process per measurement. Counts network attempts (sockets, DNS, fetch) other than to the
 * stub, made by the import or the first call or within 100 ms after them (there must be none).
 */
const PROBE = `
import net from 'node:net';
import dns from 'node:dns';
import http from 'node:http';
let attempts = 0;
const seen = [];
let stubPort = -1;
let stubRequests = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect hands over its normalized arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const port = typeof first === 'object' ? (first.port ?? first.path) : first;
  if (Number(port) !== stubPort) { attempts++; seen.push('connect ' + (first?.host ?? args[1] ?? '') + ':' + port); }
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (...args) {
  // The stub's own listen and the SDK look the stub's address up.
  if (!(process.env.BENCH_STUB === '1' && args[0] === '127.0.0.1')) { attempts++; seen.push('dns ' + args[0]); }
  return lookup.apply(this, args); };
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => { attempts++; seen.push('fetch ' + String(args[0])); return realFetch(...args); };
if (process.env.BENCH_STUB === '1') {
  // The code secret (Secrets Manager), and DynamoDB's "nothing there": no Item for a get, no Items for a query.
  const server = http.createServer((req, res) => {
    stubRequests++;
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      if (target === 'secretsmanager.GetSecretValue') res.end(JSON.stringify({ Name: 'bench', SecretString: 'bench-code-secret-'.repeat(3) }));
      else res.end(/\\.(Query|Scan)$/.test(target) ? '{"Items":[],"Count":0,"ScannedCount":0}' : '{}');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  server.unref();
  stubPort = server.address().port;
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:' + stubPort;
}
const deadline = Date.now() + 10000;
const context = {
  callbackWaitsForEmptyEventLoop: false, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', memoryLimitInMB: '1024', awsRequestId: 'bench-request',
  logGroupName: '/aws/lambda/bench', logStreamName: 'bench', getRemainingTimeInMillis: () => deadline - Date.now(),
};
const cpu0 = process.cpuUsage();
const start = performance.now();
const mod = await import(process.env.BENCH_BUNDLE_URL);
const initMs = performance.now() - start;
const cpu1 = process.cpuUsage(cpu0);
let result;
let error;
const callStart = performance.now();
const event = JSON.parse(process.env.BENCH_EVENT);
try { if (event !== null) result = await mod.handler(event, context); } catch (e) { error = (e?.name ?? 'Error') + ': ' + String(e?.message).slice(0, 200); }
const firstCallMs = performance.now() - callStart;
const cpu2 = process.cpuUsage(cpu0);
const cpuMs = (u) => (u.user + u.system) / 1000;
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write('\\n@@' + JSON.stringify({ initMs, firstCallMs, initCpuMs: cpuMs(cpu1), totalCpuMs: cpuMs(cpu2), handler: typeof mod.handler, networkAttempts: attempts, networkTargets: [...new Set(seen)].slice(0, 5), stubRequests, status: result?.statusCode, error }));
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
    LOBBY_STAGE: 'bench',
    IDEMPOTENCY_TABLE: 'lobby-bench-Idempotency',
    PHOTOS_BUCKET: 'lobby-bench-photos',
    CODE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lobby-bench-code-secret',
    POWERTOOLS_SERVICE_NAME: 'lobby',
    // The functions' log lines would only measure this terminal.
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...extra,
  };
}

interface Probe {
  initMs: number;
  firstCallMs: number;
  initCpuMs: number;
  totalCpuMs: number;
  handler: string;
  networkAttempts: number;
  networkTargets: string[];
  stubRequests: number;
  status?: number;
  error?: string;
}

function probe(entry: string, env: Record<string, string>, call: FirstCall): Promise<Probe> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE],
      {
        env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(entry).href, BENCH_EVENT: JSON.stringify(call.event), ...(call.stub ? { BENCH_STUB: '1' } : {}) },
        timeout: 30_000,
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`import of ${entry} failed: ${stderr.trim().split('\n').slice(-5).join(' | ') || error.message}`));
        const line = stdout.split('\n').find((l) => l.startsWith('@@'));
        try {
          resolvePromise(JSON.parse(line?.slice(2) ?? '') as Probe);
        } catch {
          reject(new Error(`probe of ${entry}: unexpected output ${stdout.slice(-200)}`));
        }
      },
    );
  });
}

interface Target {
  name: string;
  dir: string;
  entry: string;
  meta: Metafile;
  assetBytes: number;
  initBytes: number;
  initFiles: number;
  initInputs: Record<string, number>;
  buildMs: number;
}

async function build(name: string, outdir: string, opts: { sourceMaps: boolean; entry?: string }): Promise<Target> {
  const start = performance.now();
  const meta = bundleFunction(name, outdir, opts);
  const buildMs = performance.now() - start;
  const init = loadedAtInit(meta);
  const js = Object.keys(meta.outputs).filter((f) => f.endsWith('.mjs'));
  const sizes = await Promise.all(js.map((f) => stat(resolve(projectRoot, f)).then((s) => s.size)));
  return {
    name,
    dir: outdir,
    entry: join(outdir, ENTRY_FILE),
    meta,
    assetBytes: sizes.reduce((a, b) => a + b, 0),
    initBytes: init.bytes,
    initFiles: init.files.length,
    initInputs: initInputs(meta, init.files),
    buildMs,
  };
}

/** What the init files hold, in KB of output by npm package (our own code by top folder), largest first. */
function initInputs(meta: Metafile, files: string[]): Record<string, number> {
  const bytes = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[file]?.inputs ?? {})) {
      const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytes.set(owner, (bytes.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...bytes].sort((a, b) => b[1] - a[1]).map(([owner, b]) => [owner, ms(b / 1024, 1)]));
}

/**
 * Cold starts of every Lambda entry, built exactly as CDK builds it (lib/bundling.ts, the one
 * options function), against a hello function built the same way: bytes loaded at init
 * (entry + static chunks), import time, and import + first call, medians over `runs` fresh
 * processes; and the same with linked source maps and --enable-source-maps.
 * BENCH_BUNDLES_RUNS overrides the number of runs; BENCH_BUNDLES_ONLY=a,b limits the functions.
 */
export async function bundlesBench(opts: { runs?: number; keep?: boolean } = {}) {
  const runs = opts.runs ?? (Number(process.env.BENCH_BUNDLES_RUNS) || 7);
  const dir = await mkdtemp(join(tmpdir(), 'lobby-bench-bundles-'));
  try {
    const only = process.env.BENCH_BUNDLES_ONLY?.split(',').filter(Boolean);
    const fns = (await lambdaEntries()).filter((fn) => !only || only.includes(fn));
    const helloSource = join(dir, 'hello.ts');
    await writeFile(helloSource, 'export const handler = async () => ({ statusCode: 200 });\n');
    log(`bundles: esbuild ${fns.length} Lambda entries + hello into ${dir} (lib/bundling.ts, with and without source maps)`);
    const names = [...fns, 'hello'];
    const plain = new Map<string, Target>();
    const mapped = new Map<string, Target>();
    for (const name of names) {
      const entry = name === 'hello' ? helloSource : undefined;
      plain.set(name, await build(name, join(dir, 'plain', name), { sourceMaps: false, entry }));
      mapped.set(name, await build(name, join(dir, 'maps', name), { sourceMaps: true, entry }));
    }

    log(`bundles: cold starts, ${runs} fresh node processes per bundle (x2: without / with source maps)`);
    const samples = new Map<string, { plain: Probe[]; maps: Probe[] }>(names.map((n) => [n, { plain: [], maps: [] }]));
    for (let run = 0; run < runs; run++) {
      // Rotate the order every run so slow drift of the machine spreads over all bundles.
      const order = names.map((_, i) => names[(i + run) % names.length] as string);
      for (const name of order) {
        const call = firstCall(name);
        const s = samples.get(name) as { plain: Probe[]; maps: Probe[] };
        s.plain.push(await probe((plain.get(name) as Target).entry, lambdaEnvironment(name), call));
        s.maps.push(await probe((mapped.get(name) as Target).entry, lambdaEnvironment(name, { NODE_OPTIONS: '--enable-source-maps' }), call));
      }
    }

    const medians = (probes: Probe[]) => ({
      initMs: median(probes.map((p) => p.initMs)),
      firstCallMs: median(probes.map((p) => p.firstCallMs)),
      totalMs: median(probes.map((p) => p.initMs + p.firstCallMs)),
      initCpuMs: median(probes.map((p) => p.initCpuMs)),
      totalCpuMs: median(probes.map((p) => p.totalCpuMs)),
    });
    const hello = samples.get('hello') as { plain: Probe[]; maps: Probe[] };
    const helloPlain = medians(hello.plain);
    const helloMaps = medians(hello.maps);
    const row = (name: string) => {
      const t = plain.get(name) as Target;
      const s = samples.get(name) as { plain: Probe[]; maps: Probe[] };
      const p = medians(s.plain);
      const m = medians(s.maps);
      const last = s.plain.at(-1) as Probe;
      return {
        initKB: ms(t.initBytes / 1024, 0),
        initFiles: t.initFiles,
        initKBBySource: t.initInputs,
        assetKB: ms(t.assetBytes / 1024, 0),
        files: Object.keys(t.meta.outputs).filter((f) => f.endsWith('.mjs')).length,
        buildMs: ms(t.buildMs, 0),
        importMs: ms(p.initMs),
        importRatio: ms(p.initMs / helloPlain.initMs, 1),
        firstCall: firstCall(name).what,
        firstCallResult: last.error ?? last.status ?? 'returned',
        importAndFirstCallMs: ms(p.totalMs),
        importAndFirstCallRatio: ms(p.totalMs / helloPlain.totalMs, 1),
        cpu: {
          importMs: ms(p.initCpuMs),
          importRatio: ms(p.initCpuMs / helloPlain.initCpuMs, 1),
          importAndFirstCallMs: ms(p.totalCpuMs),
          importAndFirstCallRatio: ms(p.totalCpuMs / helloPlain.totalCpuMs, 1),
        },
        withSourceMaps: {
          importMs: ms(m.initMs),
          importRatio: ms(m.initMs / helloMaps.initMs, 1),
          importAndFirstCallMs: ms(m.totalMs),
          addedMs: ms(m.totalMs - p.totalMs),
          addedCpuMs: ms(m.totalCpuMs - p.totalCpuMs),
        },
        runs,
        networkAttemptsBesidesStub: [...s.plain, ...s.maps].reduce((sum, x) => sum + x.networkAttempts, 0),
        networkTargets: [...new Set([...s.plain, ...s.maps].flatMap((x) => x.networkTargets))],
        exportsHandler: s.plain.every((x) => x.handler === 'function'),
      };
    };
    const options = lambdaBuildOptions('<fn>', '<asset dir>');
    return {
      unit: { KB: 'KiB', ms: 'ms, median' },
      machine: { node: process.version, cpus: availableParallelism(), loadAverage1m: ms(loadavg()[0] ?? 0, 2) },
      esbuild: { version: (await import('esbuild')).version, options: { ...options, define: undefined, entryPoints: undefined, absWorkingDir: undefined } },
      functions: Object.fromEntries(fns.map((fn) => [fn, row(fn)])),
      hello: row('hello'),
      details: {
        initKB: 'the entry and every chunk it imports statically, transitively (what Node reads before the handler exists); chunks behind import() are left out',
        initKBBySource: 'the same, by npm package (our code by top folder): esbuild metafile bytesInOutput',
        importMs: 'performance.now() around `await import(entry)` in a fresh node process (Node of this machine, not the Lambda runtime); median of the runs',
        importAndFirstCallMs: 'import + the first event (firstCall) handled, per run, median; ratio to hello built and called the same way',
        cpu: 'the same spans in CPU time of the process (user + system): less disturbed than wall time when the machine is loaded',
        withSourceMaps: 'the same function built with linked source maps and run with NODE_OPTIONS=--enable-source-maps (lobby:sourceMaps=true)',
      },
    };
  } finally {
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
