import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, randomPin, tokenFor, type TestProperty } from '../support/api.ts';
import type {
  AccessEvent,
  AuditEntry,
  CreatedDeliveryPass,
  CreatedDeliveryPin,
  DeliveryPass,
  DeliveryPin,
  Member,
  Page,
  Problem,
  Property,
  Resident,
} from '../support/contract.ts';
import { getItem } from '../support/dynamo.ts';

let p: TestProperty;
let pinId: string;
beforeAll(async () => {
  p = await newProperty();
  pinId = (await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'Existing', pin: randomPin() } })))
    .body.id;
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
const eventsPath = () => `/properties/${p.id}/access-events`;
/** A cursor as the API used to issue them: base64 of a table key, which a client could edit. */
const forgedCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
/** A JSON body whose description holds a Latin-1 byte (0xE9), which is not UTF-8. */
const latin1Body = () => Buffer.concat([Buffer.from('{"description":"Caf'), Buffer.from([0xe9]), Buffer.from(`","pin":"${randomPin()}"}`)]);
const badRequests: Array<[string, () => { method: string; path: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }, number]> = [
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
  [
    'lone surrogate in description',
    () => ({ method: 'POST', path: pinsPath(), rawBody: `{"description":"bad \\ud800 text","pin":"${randomPin()}"}`, headers: { 'content-type': 'application/json' } }),
    400,
  ],
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
  ['invalid UTF-8 in a JSON body', () => ({ method: 'POST', path: pinsPath(), rawBody: latin1Body(), headers: { 'content-type': 'application/json' } }), 400],
  ["cursor holding another list's key", () => ({ method: 'GET', path: `${pinsPath()}?cursor=${forgedCursor({ pk: `PROP#${p.id}`, sk: 'RESIDENT#res_x' })}` }), 400],
  ['cursor with an extra attribute', () => ({ method: 'GET', path: `${pinsPath()}?cursor=${forgedCursor({ pk: `PROP#${p.id}`, sk: 'PIN#pin_x', gsi1pk: 'USER#x' })}` }), 400],
  ['cursor without a sort key', () => ({ method: 'GET', path: `${pinsPath()}?cursor=${forgedCursor({ pk: `PROP#${p.id}` })}` }), 400],
  ['access events from 1960', () => ({ method: 'GET', path: `${eventsPath()}?from=1960-01-01T00:00:00Z` }), 400],
  ['access events to year 0', () => ({ method: 'GET', path: `${eventsPath()}?to=0000-01-01T00:00:00Z` }), 400],
  ['access events from after to', () => ({ method: 'GET', path: `${eventsPath()}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z` }), 400],
  ['path id over 1 KB', () => ({ method: 'GET', path: `/properties/${'p'.repeat(1100)}/delivery-pins` }), 400],
  ['PIN id over 1 KB', () => ({ method: 'PATCH', path: `${pinsPath()}/${'x'.repeat(1100)}`, body: { description: 'x' } }), 400],
  ['member: user id that is a key (x#META)', () => ({ method: 'PUT', path: `/properties/${p.id}/members/x%23META`, body: { role: 'staff' } }), 400],
  ['member: user id with a space', () => ({ method: 'PUT', path: `/properties/${p.id}/members/a%20b`, body: { role: 'staff' } }), 400],
  ['member: the last admin demotes themselves', () => ({ method: 'PUT', path: `/properties/${p.id}/members/${p.users.admin}`, body: { role: 'staff' } }), 409],
];

describe('bad input gets a clear problem+json and changes nothing', () => {
  it.each(badRequests)('%s', async (_name, build, status) => {
    const before = await snapshot();
    const req = build();
    // fetch sends a Buffer body byte for byte (the helper's type says string).
    const reply = await call<Problem>(req.method, req.path, { token: p.tokens.admin, body: req.body, rawBody: req.rawBody as string | undefined, headers: req.headers });
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
    const r = await call<CreatedDeliveryPin>('POST', pinsPath(), { token: p.tokens.admin, body: { description: '  Café 📦 courier  ', pin: randomPin() } });
    expect(r.status).toBe(201);
    expect(r.body.description).toBe('Café 📦 courier');
  });

  it('an unknown route is 404', async () => {
    expect((await call('GET', '/nope', { token: p.tokens.admin })).status).toBe(404);
  });
});

describe('list cursors are sealed and bound to their list', () => {
  let q: TestProperty;
  let pinsCursor: string;
  beforeAll(async () => {
    q = await newProperty();
    for (const description of ['A', 'B', 'C'])
      await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description, pin: randomPin() } }));
    pinsCursor = present((await expectOk(call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=1`, { token: q.tokens.admin }))).body.nextCursor, 'a next cursor');
  });

  it('a cursor reveals no table key and still pages', async () => {
    expect(pinsCursor).toEqual(expect.any(String));
    expect(Buffer.from(pinsCursor, 'base64url').toString('latin1')).not.toMatch(/PIN#|PROP#|"pk"/);
    const next = await call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=1&cursor=${pinsCursor}`, { token: q.tokens.admin });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
  });

  it('a cursor of one list is refused by another list of the same property', async () => {
    const reply = await call<Page<Resident>>('GET', `/properties/${q.id}/residents?cursor=${pinsCursor}`, { token: q.tokens.admin });
    expect(reply.status).toBe(400);
    expect(reply.contentType).toContain('application/problem+json');
    expect((await call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?cursor=${pinsCursor}`, { token: q.tokens.admin })).status).toBe(400);
  });

  it('a cursor a client built itself is refused, even one naming a real item of this very list', async () => {
    const [first] = (await expectOk(call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=1`, { token: q.tokens.admin }))).body.items;
    const forged = Buffer.from(JSON.stringify({ pk: `PROP#${q.id}`, sk: `PIN#${first.id}` })).toString('base64url');
    const reply = await call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=1&cursor=${forged}`, { token: q.tokens.admin });
    expect(reply.status).toBe(400);
    expect(reply.contentType).toContain('application/problem+json');
    // So is an issued one altered in one character.
    const i = Math.floor(pinsCursor.length / 2);
    const altered = pinsCursor.slice(0, i) + (pinsCursor[i] === 'A' ? 'B' : 'A') + pinsCursor.slice(i + 1);
    expect((await call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=1&cursor=${altered}`, { token: q.tokens.admin })).status).toBe(400);
  });

  it("a resident pages their own passes (an index) with its cursor; the staff list's cursor is not theirs", async () => {
    for (let i = 0; i < 2; i++) await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    const first = await expectOk(call<Page<DeliveryPass>>('GET', `/properties/${q.id}/delivery-passes?limit=1`, { token: q.tokens.resident }));
    const second = await call<Page<DeliveryPass>>('GET', `/properties/${q.id}/delivery-passes?limit=1&cursor=${first.body.nextCursor}`, { token: q.tokens.resident });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const staffCursor = (await expectOk(call<Page<DeliveryPass>>('GET', `/properties/${q.id}/delivery-passes?limit=1`, { token: q.tokens.staff }))).body.nextCursor;
    expect((await call<Page<DeliveryPass>>('GET', `/properties/${q.id}/delivery-passes?limit=1&cursor=${staffCursor}`, { token: q.tokens.resident })).status).toBe(400);
  });

  it('access events refuse a cursor of another list', async () => {
    const reply = await call<Page<AccessEvent>>('GET', `/properties/${q.id}/access-events?cursor=${pinsCursor}`, { token: q.tokens.admin });
    expect(reply.status).toBe(400);
  });
});

describe('members: the last admin stays an admin', () => {
  it('refuses a self-demotion of the only admin with 409 last-admin, and allows it once there is another admin', async () => {
    const q = await newProperty();
    const path = `/properties/${q.id}/members/${q.users.admin}`;
    const refused = await call<Problem>('PUT', path, { token: q.tokens.admin, body: { role: 'staff' } });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:lobby:problem:last-admin');
    const members = (await call<Page<Member>>('GET', `/properties/${q.id}/members`, { token: q.tokens.admin })).body.items;
    expect(members.find((m) => m.userId === q.users.admin)?.role).toBe('admin');
    // Positive control: with a second admin, the same request succeeds.
    await expectOk(call('PUT', `/properties/${q.id}/members/second-admin-${q.id.slice(-6)}`, { token: q.tokens.admin, body: { role: 'admin' } }));
    expect((await call('PUT', path, { token: q.tokens.admin, body: { role: 'staff' } })).status).toBe(200);
  });

  it('two admins demoting each other at once: one of them stays admin (5 rounds)', async () => {
    const q = await newProperty();
    let admin = { id: q.users.admin, token: q.tokens.admin };
    for (let round = 0; round < 5; round++) {
      const newcomer = { id: `admin-${round}-${q.id.slice(-6)}`, token: '' };
      newcomer.token = await tokenFor(newcomer.id);
      await expectOk(call('PUT', `/properties/${q.id}/members/${newcomer.id}`, { token: admin.token, body: { role: 'admin' } }));
      const pair = [admin, newcomer];
      const replies = await Promise.all(pair.map((a) => call('PUT', `/properties/${q.id}/members/${a.id}`, { token: a.token, body: { role: 'staff' } })));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const roles = await Promise.all(pair.map(async (a) => (await getItem(`PROP#${q.id}`, `MEMBER#${a.id}`))?.role));
      expect(roles.filter((r) => r === 'admin')).toHaveLength(1);
      admin = pair[roles.indexOf('admin')]!;
    }
  });
});

describe('audit retention', () => {
  it('an audit item written after a settings change expires after the new auditRetentionDays', async () => {
    const q = await newProperty();
    await expectOk(call<Property>('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { auditRetentionDays: 45 } }));
    const before = Math.floor(Date.now() / 1000);
    await expectOk(call('PUT', `/properties/${q.id}/members/new-staff-${q.id.slice(-6)}`, { token: q.tokens.admin, body: { role: 'staff' } }));
    const after = Math.ceil(Date.now() / 1000);
    const [latest] = (await expectOk(call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?limit=1`, { token: q.tokens.admin }))).body.items;
    expect(latest.action).toBe('member.staff-set');
    const item = await getItem(`PROP#${q.id}`, `AUDIT#${latest.id}`);
    expect(item?.expiresAtEpoch).toBeGreaterThanOrEqual(before + 45 * 86400);
    expect(item?.expiresAtEpoch).toBeLessThanOrEqual(after + 45 * 86400);
  });

  it("move-in, the passes a move-out revokes, the move-out and a member removal all keep the property's auditRetentionDays", async () => {
    const q = await newProperty();
    await expectOk(call<Property>('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { auditRetentionDays: 45 } }));
    const before = Math.floor(Date.now() / 1000);
    const moved = await expectOk(
      call<Resident>('POST', `/properties/${q.id}/residents`, { token: q.tokens.admin, body: { userId: `ret-${q.id.slice(-6)}`, name: 'Retention', unit: '2A' } }),
    );
    const token = await tokenFor(`ret-${q.id.slice(-6)}`);
    await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token, body: {} }));
    expect((await call('DELETE', `/properties/${q.id}/residents/${moved.body.id}`, { token: q.tokens.admin })).status).toBe(204);
    expect((await call('DELETE', `/properties/${q.id}/members/${q.users.staff}`, { token: q.tokens.admin })).status).toBe(204);
    const after = Math.ceil(Date.now() / 1000);
    const items = (await expectOk(call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?limit=10`, { token: q.tokens.admin }))).body.items;
    const actions = ['resident.moved-in', 'delivery-pass.cancelled', 'resident.moved-out', 'member.removed'];
    for (const action of actions) {
      const record = items.find((i) => i.action === action);
      expect(record, action).toBeDefined();
      const item = await getItem(`PROP#${q.id}`, `AUDIT#${record?.id}`);
      expect(item?.expiresAtEpoch, action).toBeGreaterThanOrEqual(before + 45 * 86400);
      expect(item?.expiresAtEpoch, action).toBeLessThanOrEqual(after + 45 * 86400);
    }
  });

  it('every audit item has a TTL, also where the settings are not at hand (default 400 days)', async () => {
    const q = await newProperty();
    const items = (await expectOk(call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?limit=100`, { token: q.tokens.admin }))).body.items;
    expect(items.length).toBeGreaterThan(0);
    const now = Date.now() / 1000;
    for (const record of items) {
      const item = await getItem(`PROP#${q.id}`, `AUDIT#${record?.id}`);
      expect(item?.expiresAtEpoch).toBeGreaterThan(now + 29 * 86400);
      expect(item?.expiresAtEpoch).toBeLessThan(now + 3651 * 86400);
    }
  });
});
