import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { routes } from '../../functions/http/routes.ts';
import { call, expectOk, newProperty, randomPin, stack, type TestProperty } from '../support/api.ts';
import { contractViolations, type SeenResponse } from '../support/contract-check.ts';
import type { CreatedDeliveryPin } from '../support/contract.ts';

/*
 * The OpenAPI document is exact: every response the API tests see is checked against it
 * (test/support/api.ts `call` -> contract-check.ts). These tests check the checker (it refuses
 * what the document does not describe, on real responses) and the parts of the document the
 * issue found missing: bodies, nextCursor, the gateway's 401, 415, 422, 503, servers, PATCH {}.
 */

type Doc = ReturnType<typeof openApiDocument>;
type Operation = {
  operationId: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
};
const doc: Doc = openApiDocument();
const operation = (method: string, path: string) => (doc.paths[path] as Record<string, Operation | undefined>)[method.toLowerCase()] as Operation;

/** A real response, raw, as the API sent it (fetch directly: `call` would check it already). */
async function raw(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<SeenResponse> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack().apiUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return { method, path, status: res.status, headers: res.headers, text: await res.text() };
}

let p: TestProperty;
beforeAll(async () => {
  p = await newProperty('OpenAPI Tower');
});

describe('the document', () => {
  it('describes a success body for every operation that sends one, and none for 204', () => {
    for (const route of routes) {
      const success = operation(route.method, route.path).responses[String(route.status)];
      expect(success, `${route.operationId} ${route.status}`).toBeDefined();
      if (route.status === 204) expect(success?.content, route.operationId).toBeUndefined();
      else expect(success?.content?.['application/json']?.schema, route.operationId).toBeDefined();
    }
  });

  it('describes nextCursor on every list', () => {
    const lists = routes.filter((route) => route.method === 'GET' && route.query && 'cursor' in (route.query as unknown as { shape: object }).shape);
    expect(lists.length).toBeGreaterThan(5);
    for (const route of lists) {
      const ref = operation(route.method, route.path).responses['200']?.content?.['application/json']?.schema.$ref ?? '';
      const page = (doc.components.schemas as Record<string, { properties?: Record<string, unknown>; required?: string[] }>)[ref.replace('#/components/schemas/', '')];
      expect(page?.properties?.nextCursor, route.operationId).toMatchObject({ type: ['string', 'null'] });
      expect(page?.required, route.operationId).toEqual(['items', 'nextCursor']);
    }
  });

  it('declares 401 as API Gateway sends it ({ message }, application/json), and 415, 422, 429, 503 where they can happen; has servers', () => {
    const unauthorized = doc.components.responses.Unauthorized.content;
    expect(Object.keys(unauthorized)).toEqual(['application/json', 'application/problem+json']);
    const create = operation('POST', '/properties/{propertyId}/delivery-pins');
    expect(Object.keys(create.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503']);
    expect(Object.keys(operation('GET', '/properties/{propertyId}/delivery-pins').responses)).toEqual(['200', '400', '401', '403', '404', '429', '500', '503']);
    expect(doc.servers.map((s) => s.url)).toEqual(['https://{apiId}.execute-api.{region}.amazonaws.com', 'http://127.0.0.1:4700']);
  });

  it('is served as built: GET /openapi.json is openApiDocument()', async () => {
    const served = await expectOk(call('GET', '/openapi.json'));
    expect(served.body).toEqual(doc);
  });
});

describe('what the API sends is what the document says', () => {
  it('401 without a token: {"message":"Unauthorized"}, as API Gateway sends it', async () => {
    const res = await call('GET', `/properties/${p.id}/delivery-pins`);
    expect(res.status).toBe(401);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: 'Unauthorized' });
  });

  it('PATCH with {} is refused with 400 on every PATCH route, and the document says minProperties 1', async () => {
    const pin = await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'UPS', pin: randomPin() } }));
    const hook = await expectOk(
      call<{ id: string }>('POST', `/properties/${p.id}/webhooks`, { token: p.tokens.admin, body: { url: 'http://127.0.0.1:9/hook', events: ['access.granted'] } }),
    );
    const paths: Record<string, [string, string]> = {
      '/properties/{propertyId}/webhooks/{webhookId}': [`/properties/${p.id}/webhooks/${hook.body.id}`, p.tokens.admin],
      '/properties/{propertyId}/settings': [`/properties/${p.id}/settings`, p.tokens.admin],
      '/properties/{propertyId}/delivery-pins/{pinId}': [`/properties/${p.id}/delivery-pins/${pin.body.id}`, p.tokens.admin],
      '/properties/{propertyId}/me': [`/properties/${p.id}/me`, p.tokens.resident],
    };
    const patches = routes.filter((route) => route.method === 'PATCH');
    expect(patches.map((route) => route.path).sort()).toEqual(Object.keys(paths).sort());
    for (const route of patches) {
      expect(operation('PATCH', route.path).requestBody?.content['application/json']?.schema.minProperties, route.path).toBe(1);
      const [path, token] = paths[route.path] as [string, string];
      const res = await call('PATCH', path, { token, body: {} });
      expect(res.status, route.path).toBe(400);
    }
  });

  it('415 for a body that is not JSON, 422 for an Idempotency-Key reused with another body', async () => {
    const path = `/properties/${p.id}/delivery-pins`;
    const text = await call('POST', path, { token: p.tokens.admin, rawBody: 'description=UPS', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const key = `k-${randomPin(8)}`;
    await expectOk(call('POST', path, { token: p.tokens.admin, body: { description: 'UPS', pin: randomPin() }, headers: { 'idempotency-key': key } }));
    const reused = await call('POST', path, { token: p.tokens.admin, body: { description: 'FedEx', pin: randomPin() }, headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'urn:lobby:problem:idempotency-key-reused' });
  });
});

describe('the contract check refuses what the document does not describe', () => {
  it('a real response passes; the same with an extra field, a missing field, another status or media type fails', async () => {
    const created = await raw('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'DHL', pin: randomPin() } });
    expect(created.status).toBe(201);
    expect(contractViolations(created)).toEqual([]);
    const body = JSON.parse(created.text) as Record<string, unknown>;
    const variant = (change: Partial<SeenResponse>) => contractViolations({ ...created, ...change });

    expect(variant({ text: JSON.stringify({ ...body, secret: 'x' }) })?.join()).toMatch(/must NOT have additional properties \(secret\)/);
    const { pinHint: _, ...withoutHint } = body;
    expect(variant({ text: JSON.stringify(withoutHint) })?.join()).toMatch(/must have required property 'pinHint'/);
    expect(variant({ text: JSON.stringify({ ...body, createdAt: 'yesterday' }) })?.join()).toMatch(/createdAt must match format "date-time"/);
    expect(variant({ status: 200 })?.join()).toMatch(/status 200 is not in the document/);
    expect(variant({ headers: new Headers({ 'content-type': 'text/plain', 'cache-control': 'no-store' }) })?.join()).toMatch(/media type "text\/plain"/);
    expect(variant({ headers: new Headers({ 'content-type': 'application/json' }) })?.join()).toMatch(/Cache-Control/);
  });

  it('a problem must be a problem; a 204 must have no body; an undocumented status on any route fails', async () => {
    const missing = await raw('GET', `/properties/${p.id}/delivery-pins/pin_nope`, { token: p.tokens.admin });
    expect(missing.status).toBe(404);
    expect(contractViolations(missing)).toEqual([]);
    expect(contractViolations({ ...missing, text: JSON.stringify({ error: 'not found' }) })?.join()).toMatch(/required property 'type'/);
    const pin = await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'USPS', pin: randomPin() } }));
    const deleted = await raw('DELETE', `/properties/${p.id}/delivery-pins/${pin.body.id}`, { token: p.tokens.admin });
    expect(deleted.status).toBe(204);
    expect(contractViolations(deleted)).toEqual([]);
    expect(contractViolations({ ...deleted, text: '{}' })?.join()).toMatch(/no body/);
    expect(contractViolations({ ...deleted, status: 418 })?.join()).toMatch(/status 418 is not in the document/);
    // Paths the document does not have (the gateway's own 404) are not checked.
    expect(contractViolations({ ...deleted, path: '/nowhere' })).toBeUndefined();
  });
});
