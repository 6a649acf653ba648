import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, type TestProperty } from '../support/api.ts';

let p: TestProperty;
let pinId: string;
beforeAll(async () => {
  p = await newProperty();
  pinId = (await expectOk(call('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'Existing', pin: randomPin() } }))).body.id;
});

/** Everything a bad request could have changed: PINs, residents, members, settings and the audit trail. */
async function snapshot() {
  const get = async (path: string) => (await call('GET', path, { token: p.tokens.admin })).body;
  return JSON.stringify([
    await get(`/properties/${p.id}/delivery-pins?limit=100`),
    await get(`/properties/${p.id}/residents?limit=100`),
    await get(`/properties/${p.id}/members?limit=100`),
    await get(`/properties/${p.id}`),
    await get(`/properties/${p.id}/audit?limit=100`),
  ]);
}

const pinsPath = () => `/properties/${p.id}/delivery-pins`;
const badRequests: Array<[string, () => { method: string; path: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }, number]> = [
  ['missing pin', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x' } }), 400],
  ['missing description', () => ({ method: 'POST', path: pinsPath(), body: { pin: randomPin() } }), 400],
  ['extra field', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: randomPin(), admin: true } }), 400],
  ['pin as number', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: 48213 } }), 400],
  ['pin with letters', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: '48a213' } }), 400],
  ['pin too short', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: '4821' } }), 400],
  ['pin too long', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: '4821390' } }), 400],
  ['trivial pin', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: '777777' } }), 400],
  ['straight run pin', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: '345678' } }), 400],
  ['description wrong type', () => ({ method: 'POST', path: pinsPath(), body: { description: ['x'], pin: randomPin() } }), 400],
  ['empty description', () => ({ method: 'POST', path: pinsPath(), body: { description: '   ', pin: randomPin() } }), 400],
  ['bidi override in description', () => ({ method: 'POST', path: pinsPath(), body: { description: 'USPS\u202Egnp.exe', pin: randomPin() } }), 400],
  ['control character in description', () => ({ method: 'POST', path: pinsPath(), body: { description: 'US\u0000PS', pin: randomPin() } }), 400],
  ['lone surrogate in description', () => ({ method: 'POST', path: pinsPath(), rawBody: `{"description":"bad \\ud800 text","pin":"${randomPin()}"}`, headers: { 'content-type': 'application/json' } }), 400],
  ['zero-width characters in description', () => ({ method: 'POST', path: pinsPath(), body: { description: 'U\u200BSPS', pin: randomPin() } }), 400],
  ['description too long', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x'.repeat(101), pin: randomPin() } }), 400],
  ['bad schedule day', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: randomPin(), schedule: { days: ['funday'], from: '08:00', to: '17:00' } } }), 400],
  ['bad schedule time', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: randomPin(), schedule: { days: ['mon'], from: '8am', to: '17:00' } } }), 400],
  ['malformed JSON', () => ({ method: 'POST', path: pinsPath(), rawBody: '{"description": "x", "pin": ', headers: { 'content-type': 'application/json' } }), 400],
  ['JSON that is not an object', () => ({ method: 'POST', path: pinsPath(), body: ['x'] }), 400],
  ['empty body', () => ({ method: 'POST', path: pinsPath(), rawBody: '', headers: { 'content-type': 'application/json' } }), 400],
  ['not JSON content type', () => ({ method: 'POST', path: pinsPath(), rawBody: 'description=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415],
  ['1 MiB body', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x'.repeat(1024 * 1024), pin: randomPin() } }), 413],
  ['empty PATCH', () => ({ method: 'PATCH', path: `${pinsPath()}/${pinId}`, body: {} }), 400],
  ['PATCH to trivial pin', () => ({ method: 'PATCH', path: `${pinsPath()}/${pinId}`, body: { pin: '000000' } }), 400],
  ['PATCH unknown field', () => ({ method: 'PATCH', path: `${pinsPath()}/${pinId}`, body: { pinHint: '**00' } }), 400],
  ['unknown PIN id', () => ({ method: 'PATCH', path: `${pinsPath()}/pin_nope`, body: { description: 'x' } }), 404],
  ['bad limit', () => ({ method: 'GET', path: `${pinsPath()}?limit=0` }), 400],
  ['unknown query parameter', () => ({ method: 'GET', path: `${pinsPath()}?sort=pin` }), 400],
  ['settings: code length 4', () => ({ method: 'PATCH', path: `/properties/${p.id}/settings`, body: { codeLength: 4 } }), 400],
  ['settings: string boolean', () => ({ method: 'PATCH', path: `/properties/${p.id}/settings`, body: { residentPassesEnabled: 'yes' } }), 400],
  ['settings: empty', () => ({ method: 'PATCH', path: `/properties/${p.id}/settings`, body: {} }), 400],
  ['member: unknown role', () => ({ method: 'PUT', path: `/properties/${p.id}/members/someone`, body: { role: 'owner' } }), 400],
  ['move-in: missing unit', () => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: 'u1', name: 'Sam' } }), 400],
  ['move-in: bad email', () => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: 'u1', name: 'Sam', unit: '1A', email: 'not-an-email' } }), 400],
  ['move-in: bad notify channel', () => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: 'u1', name: 'Sam', unit: '1A', notify: ['pager'] } }), 400],
  ['move-in: user id with spaces', () => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: 'a b', name: 'Sam', unit: '1A' } }), 400],
  ['bad Idempotency-Key', () => ({ method: 'POST', path: pinsPath(), body: { description: 'x', pin: randomPin() }, headers: { 'idempotency-key': 'k'.repeat(200) } }), 400],
];

describe('bad input gets a clear problem+json and changes nothing', () => {
  it.each(badRequests)('%s', async (_name, build, status) => {
    const before = await snapshot();
    const req = build();
    const reply = await call(req.method, req.path, { token: p.tokens.admin, body: req.body, rawBody: req.rawBody, headers: req.headers });
    expect(reply.status).toBe(status);
    expect(reply.contentType).toContain('application/problem+json');
    expect(reply.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    if (status === 400 && req.body !== undefined && !Array.isArray(req.body) && Object.keys(req.body as object).length > 0) {
      expect(reply.body.errors?.length ?? 0).toBeGreaterThan(0);
    }
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    expect(await snapshot()).toBe(before);
  });

  it('accepts emoji and accents in descriptions, normalised', async () => {
    const r = await call('POST', pinsPath(), { token: p.tokens.admin, body: { description: '  Café 📦 courier  ', pin: randomPin() } });
    expect(r.status).toBe(201);
    expect(r.body.description).toBe('Café 📦 courier');
  });

  it('an unknown route is 404', async () => {
    expect((await call('GET', '/nope', { token: p.tokens.admin })).status).toBe(404);
  });
});
