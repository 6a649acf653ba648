/**
 * `npx tsx bench/module-load.ts <fn> [<fn>...]` (BENCH_MODULE_LOAD_RUNS, default 7)
 *
 * What runs at module load in a function's cold start, by source: each function is built as CDK
 * builds it (lib/bundling.ts) but not minified, so esbuild's `// <path>` comment heads each source
 * module's top-level code in the output; a CPU-time mark goes before each, and a fresh node
 * process imports the entry. The time from one mark to the next is that module's top-level code
 * (schemas built, clients, tables); `(load)` is what runs before any module: reading, parsing and
 * linking the files. Means of the runs, in CPU ms, grouped by npm package (our code by file).
 * The bundles bench (bundles.ts) measures the minified bundle; this says where its time goes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { lambdaBuildOptions } from '../lib/bundling.ts';

const MARK = (label: string) => `(globalThis.__lobbyMarks ??= []).push([${JSON.stringify(label)}, process.cpuUsage()]);`;

/** Builds `fn` unminified into `outdir` with a mark before each source module; returns the entry. */
function instrumentedBuild(fn: string, outdir: string): string {
  buildSync({ ...lambdaBuildOptions(fn, outdir), minify: false, metafile: false });
  const chunks = join(outdir, 'chunks');
  const files = [join(outdir, 'index.mjs'), ...(existsSync(chunks) ? readdirSync(chunks).map((f) => join(chunks, f)) : [])];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        const source = /^\/\/ ((?:node_modules|functions|iot|lib)\/\S+)$/.exec(line)?.[1];
        return source ? [MARK(source), line] : [line];
      });
    writeFileSync(file, lines.join('\n'));
  }
  return join(outdir, 'index.mjs');
}

const PROBE = `
const start = process.cpuUsage();
globalThis.__lobbyMarks = [['(load)', start]];
await import(process.env.ENTRY_URL);
const marks = [...globalThis.__lobbyMarks, ['(end)', process.cpuUsage()]];
process.stdout.write(JSON.stringify(marks.map(([label, c]) => [label, (c.user + c.system) / 1000])));
`;

/** CPU ms per source for one fresh import: the time from its mark to the next mark. */
function probe(entry: string): Map<string, number> {
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_SERVICE_NAME: 'lobby', ENTRY_URL: pathToFileURL(entry).href };
  const marks = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { env }).toString()) as Array<[string, number]>;
  const bySource = new Map<string, number>();
  marks.slice(0, -1).forEach(([label, at], i) => {
    bySource.set(label, (bySource.get(label) ?? 0) + (marks[i + 1]?.[1] ?? at) - at);
  });
  return bySource;
}

const owner = (source: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? source;

export function moduleLoad(fn: string, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'lobby-module-load-'));
  try {
    const entry = instrumentedBuild(fn, dir);
    const totals = new Map<string, number>();
    for (let run = 0; run < runs; run++) {
      for (const [source, ms] of probe(entry)) totals.set(owner(source), (totals.get(owner(source)) ?? 0) + ms);
    }
    const rows = [...totals].map(([source, ms]) => [source, Math.round((ms / runs) * 10) / 10] as const).sort((a, b) => b[1] - a[1]);
    return { fn, runs, cpuMs: Object.fromEntries(rows.filter(([, ms]) => ms >= 0.3)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('module-load.ts')) {
  const runs = Number(process.env.BENCH_MODULE_LOAD_RUNS) || 7;
  const fns = process.argv.slice(2);
  if (fns.length === 0) {
    process.stderr.write('usage: npx tsx bench/module-load.ts <fn> [<fn>...]\n');
    process.exit(2);
  }
  process.stdout.write(
    `${JSON.stringify(
      fns.map((fn) => moduleLoad(fn, runs)),
      null,
      2,
    )}\n`,
  );
}
