/** Summaries of timing samples. Percentiles are nearest-rank: p99 of 200 samples is the 198th smallest. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(samples: number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export function summarize(samples: number[], digits = 2): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p99: round(percentile(sorted, 99), digits),
    mean: round(mean, digits),
    min: round(sorted[0] ?? Number.NaN, digits),
    max: round(sorted.at(-1) ?? Number.NaN, digits),
  };
}

export const ms = (x: number, digits = 2) => round(x, digits);

/** Runs `fn` and returns its result with the wall time in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

export const sleep = (msec: number) => new Promise<void>((resolve) => setTimeout(resolve, msec));

/** Polls `check` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, opts: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = performance.now() + opts.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${opts.timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 50);
  }
}

export const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
