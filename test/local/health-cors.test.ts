import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway } from '../../local/api-gateway.ts';
import { isPortFree } from '../../local/listen.ts';
import { call } from '../support/api.ts';

/**
 * GET / and GET /health answer without a token, with pointers (route table entries, so CDK
 * provisions them and the OpenAPI document describes them: `call` checks every reply against it).
 * CORS on the local gateway follows the same rules as the deployed HTTP API (lib/settings.ts CORS,
 * lib/cors.ts): a preflight from an allowed origin gets 204 with the headers, from any other origin
 * none; responses to an allowed origin carry Allow-Origin and the exposed headers; without origins,
 * no CORS at all.
 */
describe('GET / and GET /health', () => {
  it.each(['/', '/health'])('%s: 200 JSON with the service, version and where the OpenAPI document is, no token needed', async (path) => {
    const reply = await call<Record<string, unknown>>('GET', path);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/json');
    expect(reply.body).toMatchObject({ service: 'lobby', status: 'ok', openapi: '/openapi.json' });
    expect(typeof reply.body.version).toBe('string');
    expect(typeof reply.body.docs).toBe('string');
    const doc = (await call<{ info: { version: string } }>('GET', reply.body.openapi as string)).body;
    expect(reply.body.version).toBe(doc.info.version);
  });
});

const CONSOLE = 'http://console.example.test:5173';

async function freePort(): Promise<number> {
  for (;;) {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    if (await isPortFree(port)) return port;
  }
}

describe('CORS on the local gateway', () => {
  let withCors: Awaited<ReturnType<typeof startApiGateway>>;
  let without: Awaited<ReturnType<typeof startApiGateway>>;
  beforeAll(async () => {
    withCors = await startApiGateway({ port: await freePort(), corsOrigins: [CONSOLE] });
    without = await startApiGateway({ port: await freePort() });
  });
  afterAll(async () => {
    await withCors?.stop();
    await without?.stop();
  });
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/properties/prop_x/delivery-pins`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });

  it('answers a preflight from an allowed origin: 204 with exactly its origin, the methods and the allowed headers', async () => {
    const res = await preflight(withCors.url, CONSOLE);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(res.headers.get('access-control-allow-headers')?.split(',').sort()).toEqual(['authorization', 'content-type', 'idempotency-key']);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gives no CORS headers to another origin, preflight or not', async () => {
    const res = await preflight(withCors.url, 'http://evil.example.test');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
    const get = await fetch(`${withCors.url}/health`, { headers: { origin: 'http://evil.example.test' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds Allow-Origin and the exposed headers to a response for an allowed origin', async () => {
    const res = await fetch(`${withCors.url}/health`, { headers: { origin: CONSOLE } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-expose-headers')?.split(',')).toEqual(expect.arrayContaining(['retry-after', 'location']));
    // Gateway answers too (401 without a token): a browser must be able to read them.
    const unauthorized = await fetch(`${withCors.url}/properties/prop_x`, { headers: { origin: CONSOLE } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(CONSOLE);
  });

  it('without origins: no CORS (a preflight is 404, as on an HTTP API without CORS)', async () => {
    const res = await preflight(without.url, CONSOLE);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
