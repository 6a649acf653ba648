import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes.ts';
import { startApiGateway } from '../../local/api-gateway.ts';
import { type RequestLogEntry, requestLine, routeTable } from '../../local/gateway-edge.ts';
import { isPortFree } from '../../local/listen.ts';

/**
 * What `npm start` prints: one line per request naming the route (its path template, not the ids
 * in the URL), the status and the time; and the route table, one `METHOD path -> function` line per
 * route. The gateway here runs in this process; only public routes and the gateway's own answers
 * are called, so no handler needs the stack's environment.
 */
let gateway: Awaited<ReturnType<typeof startApiGateway>>;
const entries: RequestLogEntry[] = [];
beforeAll(async () => {
  let port = 0;
  do port = 30_000 + Math.floor(Math.random() * 20_000);
  while (!(await isPortFree(port)));
  gateway = await startApiGateway({ port, onRequest: (entry) => entries.push(entry) });
});
afterAll(() => gateway?.stop());

describe('the request log', () => {
  it('one entry per request: the route template, status, milliseconds and function', async () => {
    await fetch(`${gateway.url}/health`);
    await fetch(`${gateway.url}/properties/prop_secret123/delivery-pins`, { method: 'POST', body: '{"pin":"480213"}' });
    await fetch(`${gateway.url}/no/such/route`);
    expect(entries.map(({ ms: _ms, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/health', status: 200, fn: 'openapi' },
      { method: 'POST', path: '/properties/{propertyId}/delivery-pins', status: 401, fn: 'delivery-pins' },
      { method: 'GET', path: '/no/such/route', status: 404, fn: undefined },
    ]);
    expect(entries.every((e) => Number.isInteger(e.ms) && e.ms >= 0)).toBe(true);
    // Ids, bodies and codes never reach the line.
    const lines = entries.map(requestLine);
    expect(lines[1]).toMatch(/^POST \/properties\/\{propertyId\}\/delivery-pins 401 \d+ ms$/);
    expect(lines.join('\n')).not.toMatch(/prop_secret123|480213/);
  });
});

describe('the route table', () => {
  it('one line per route: method, path, function; public routes marked', () => {
    const lines = routeTable(routes).split('\n');
    expect(lines).toHaveLength(routes.length);
    expect(lines.find((l) => /^\s+GET\s+\/health\s/.test(l))).toMatch(/-> openapi \*$/);
    expect(lines.find((l) => /^\s+POST\s+\/properties\/\{propertyId\}\/delivery-pins\s/.test(l))).toMatch(/-> delivery-pins$/);
  });
});
