import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { routes } from '../../functions/http/routes.ts';
import { call, newProperty } from '../support/api.ts';

/**
 * The local stack runs every function in one process, sharing the one Powertools logger. Its
 * runtime (local/lambda-runtime.ts) gives each invocation its own context, as Lambda does, so a
 * log line names the function and request it came from even when many run at once, and
 * `cold_start` is true on each function's first invocation only.
 */
interface LogLine {
  message?: string;
  route?: string;
  function_name?: string;
  function_request_id?: string;
  cold_start?: boolean;
}

async function stackLogLines(): Promise<LogLine[]> {
  const text = await readFile(inject('stackLog'), 'utf8');
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

const fnOfRoute = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.fn]));

describe('local Lambda runtime: per-invocation log context', () => {
  it('names the right function and a request id of its own on every line, under concurrency', async () => {
    const p = await newProperty('Runtime Tower');
    const base = `/properties/${p.id}`;
    const paths = [
      base,
      `${base}/members`,
      `${base}/delivery-pins`,
      `${base}/delivery-passes`,
      `${base}/panels`,
      `${base}/access-events`,
      `${base}/calls`,
      `${base}/me`,
      `${base}/packages`,
    ];
    // Nine functions, four calls each, all at once: a shared logger context would mix them up.
    const replies = await Promise.all(paths.flatMap((path) => [0, 1, 2, 3].map(() => call('GET', path, { token: path.endsWith('/me') ? p.tokens.resident : p.tokens.admin }))));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const requests = (await stackLogLines()).filter((l) => l.message === 'request' && l.route?.includes(p.id) === false && l.function_name);
    const ours = requests.filter((l) => paths.some((path) => l.route === `GET ${path.replace(p.id, '{propertyId}')}`));
    expect(ours.length).toBeGreaterThanOrEqual(paths.length * 4);
    for (const line of ours) expect(line.function_name, line.route).toBe(`lobby-${fnOfRoute.get(line.route ?? '')}`);
    // One "request" line per invocation: a request id seen twice is two invocations logging under one context.
    const ids = requests.map((l) => l.function_request_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks cold_start on the first invocation of each function only', async () => {
    const lines = (await stackLogLines()).filter((l) => l.function_name && l.function_request_id);
    const byFunction = new Map<string, LogLine[]>();
    for (const line of lines) byFunction.set(line.function_name!, [...(byFunction.get(line.function_name!) ?? []), line]);
    expect(byFunction.size).toBeGreaterThanOrEqual(5);
    // HTTP functions log a line on every request, so their first invocation is in the log; a stream or
    // IoT function may have had nothing to say on its first one (then its cold lines are simply absent).
    const httpFunctions = new Set(routes.map((r) => `lobby-${r.fn}`));
    for (const [fn, fnLines] of byFunction) {
      const coldIds = new Set(fnLines.filter((l) => l.cold_start === true).map((l) => l.function_request_id));
      // One cold invocation per function (concurrent first calls finish in any order, so not "the first line")...
      if (httpFunctions.has(fn)) expect(coldIds.size, fn).toBe(1);
      else expect(coldIds.size, fn).toBeLessThanOrEqual(1);
      // ...and every line of that invocation says so, no line of another.
      for (const line of fnLines) expect(line.cold_start, fn).toBe(coldIds.has(line.function_request_id));
    }
  });
});
