/**
 * The Lobby Console's production bundle size: builds console/ with its own vite config into a
 * temporary directory (the same build CloudFront and `npm start` serve) and reports every asset's
 * raw and gzip size in KB, with totals per kind. No stack needed.
 * `npm run -s bench -- --only consoleBundle`, or alone: `npx tsx bench/console-bundle.ts` (prints JSON).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { log, ms } from './lib/stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const kb = (bytes: number) => ms(bytes / 1024, 1);

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

export async function consoleBundleBench() {
  const outDir = await mkdtemp(join(tmpdir(), 'lobby-bench-console-'));
  try {
    const { build } = await import('vite');
    const t = performance.now();
    await build({ configFile: join(ROOT, 'console', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const buildMs = ms(performance.now() - t, 0);
    log(`console built in ${buildMs} ms`);
    const assets = [];
    const totals: Record<string, { raw: number; gzip: number }> = {};
    let raw = 0;
    let gzip = 0;
    for (const path of await files(outDir)) {
      const body = await readFile(path);
      const zipped = gzipSync(body, { level: 9 }).length;
      const kind = extname(path).slice(1) || 'other';
      raw += body.length;
      gzip += zipped;
      const total = totals[kind] ?? { raw: 0, gzip: 0 };
      totals[kind] = total;
      total.raw += body.length;
      total.gzip += zipped;
      assets.push({ file: relative(outDir, path), rawKB: kb(body.length), gzipKB: kb(zipped) });
    }
    return {
      what: 'console production build (vite build), every file served',
      buildMs,
      totalRawKB: kb(raw),
      totalGzipKB: kb(gzip),
      byKind: Object.fromEntries(Object.entries(totals).map(([kind, t]) => [kind, { rawKB: kb(t.raw), gzipKB: kb(t.gzip) }])),
      assets,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await consoleBundleBench(), null, 2)}\n`);
}
