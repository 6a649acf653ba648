import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../functions/http/routes.ts';
import { call, expectOk, newProperty, randomPin, tokenFor, type TestProperty } from '../support/api.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import type {
  CreatedDeliveryPass,
  CreatedDeliveryPin,
  CreatedPanel,
  CreatedVisitorPass,
  DeliveryPass,
  OpenApiDocument,
  Page,
  Property,
  Resident,
  UnlockAccepted,
  VisitorPass,
} from '../support/contract.ts';

/**
 * Every route of the foundation x every kind of caller -> the expected status.
 * Each case builds its own target so that one caller's success does not change
 * what the next caller sees.
 */
type Who = 'none' | 'bad' | 'operator' | 'admin' | 'staff' | 'resident' | 'otherAdmin';
/** The expected status, or the statuses allowed when either is right (e.g. a delete of something already gone). */
type Status = number | number[];
interface Case {
  request: (p: TestProperty) => Promise<{ method: string; path: string; body?: unknown }>;
  expect: Partial<Record<Who, Status>>;
}

const pinOf = async (p: TestProperty) =>
  (await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'target', pin: randomPin() } }))).body.id;
const staffOf = async (p: TestProperty) => {
  const userId = `staff-${randomUUID().slice(0, 8)}`;
  await expectOk(call('PUT', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin, body: { role: 'staff' } }));
  return userId;
};
const residentOf = async (p: TestProperty) =>
  (
    await expectOk(
      call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: `r-${randomUUID().slice(0, 8)}`, name: 'Temp Resident', unit: '9Z' } }),
    )
  ).body.id;

const visitWindow = () => ({ visitorName: 'Vera Visitor', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });
const passOf = async (p: TestProperty) =>
  (await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }))).body.id;
const visitorOf = async (p: TestProperty) =>
  (await expectOk(call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: p.tokens.resident, body: visitWindow() }))).body.id;
const commandOf = async (p: TestProperty) =>
  (await expectOk(call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${panelId}/unlock`, { token: p.tokens.resident }))).body.commandId;

/** Admin-only removal of a panel (when the route exists): a fresh panel per caller. */
const newPanelOf = async (p: TestProperty) =>
  (await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Doomed door', kind: 'entrance' } }))).body.id;

/** A call ringing unit 4B (the property's resident), started by the matrix panel; or one the resident accepted. A panel rings one call at a time: the last one ends first. */
let lastCall: string | undefined;
const callOf = async () => {
  if (lastCall) await panel.request({ op: 'call.end', callId: lastCall });
  lastCall = (await panel.request<{ callId: string }>({ op: 'call.start', target: { unit: '4B' } })).callId;
  return lastCall;
};
const acceptedCallOf = async (p: TestProperty) => {
  const callId = await callOf();
  await expectOk(call('POST', `/properties/${p.id}/calls/${callId}/accept`, { token: p.tokens.resident }));
  return callId;
};
const deviceOf = async (p: TestProperty) =>
  (
    await expectOk(
      call<{ id: string }>('POST', `/properties/${p.id}/me/devices`, { token: p.tokens.resident, body: { platform: 'fcm', token: `fcm-${randomUUID()}-${randomUUID()}` } }),
    )
  ).body.id;

/** A package waiting for 4B, logged at the front desk. */
const packageOf = async (p: TestProperty) =>
  (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body: { unit: '4B', carrier: 'UPS' } }))).body.id;

const integrationOf = async (p: TestProperty) =>
  (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/integrations`, { token: p.tokens.admin, body: { name: 'Target', scopes: ['lobby/events.read'] } }))).body.id;

/** A webhook subscription of the property's admin. */
const webhookOf = async (p: TestProperty) =>
  (
    await expectOk(
      call<{ id: string }>('POST', `/properties/${p.id}/webhooks`, { token: p.tokens.admin, body: { url: 'http://127.0.0.1:9/matrix', events: ['credential.sync-failed'] } }),
    )
  ).body.id;
const memberOnly = { operator: 404, otherAdmin: 404 };
const adminOnly = (ok: number) => ({ admin: ok, staff: 403, resident: 403, ...memberOnly });
const managersOnly = (ok: number) => ({ admin: ok, staff: ok, resident: 403, ...memberOnly });
const anyMember = (ok: number) => ({ admin: ok, staff: ok, resident: ok, ...memberOnly });
const props = '/properties/{propertyId}';
/** Keyed by the route table's `METHOD path`: a route without an entry here fails the matrix. */
const cases: Record<string, Case> = {
  'GET /openapi.json': {
    request: async () => ({ method: 'GET', path: '/openapi.json' }),
    expect: { none: 200, bad: 200, operator: 200, admin: 200, staff: 200, resident: 200, otherAdmin: 200 },
  },
  'GET /': {
    request: async () => ({ method: 'GET', path: '/' }),
    expect: { none: 200, bad: 200, operator: 200, admin: 200, staff: 200, resident: 200, otherAdmin: 200 },
  },
  'GET /health': {
    request: async () => ({ method: 'GET', path: '/health' }),
    expect: { none: 200, bad: 200, operator: 200, admin: 200, staff: 200, resident: 200, otherAdmin: 200 },
  },
  'POST /properties': {
    request: async () => ({ method: 'POST', path: '/properties', body: { name: 'New', timezone: 'Europe/Paris' } }),
    expect: { operator: 201, admin: 403, staff: 403, resident: 403, otherAdmin: 403 },
  },
  // Anyone signed in: the list holds only their own properties (test/api/my-properties.test.ts).
  'GET /properties': {
    request: async () => ({ method: 'GET', path: '/properties' }),
    expect: { operator: 200, admin: 200, staff: 200, resident: 200, otherAdmin: 200 },
  },
  [`GET ${props}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}` }), expect: anyMember(200) },
  [`PATCH ${props}/settings`]: { request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/settings`, body: { passValidHours: 12 } }), expect: adminOnly(200) },
  [`GET ${props}/audit`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/audit` }), expect: adminOnly(200) },
  [`GET ${props}/members`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/members` }), expect: adminOnly(200) },
  [`PUT ${props}/members/{userId}`]: {
    request: async (p) => ({ method: 'PUT', path: `/properties/${p.id}/members/u-${randomUUID().slice(0, 8)}`, body: { role: 'staff' } }),
    expect: { admin: 200, staff: 403, resident: 403, operator: 403, otherAdmin: 404 },
  },
  [`DELETE ${props}/members/{userId}`]: { request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/members/${await staffOf(p)}` }), expect: adminOnly(204) },
  [`POST ${props}/residents`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: `r-${randomUUID().slice(0, 8)}`, name: 'New Resident', unit: '2A' } }),
    expect: managersOnly(201),
  },
  [`GET ${props}/residents`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/residents` }), expect: managersOnly(200) },
  [`DELETE ${props}/residents/{residentId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/residents/${await residentOf(p)}` }),
    expect: managersOnly(204),
  },
  // An empty roster: no roster residents here, and the hand-made ones are never the roster's (test/api/roster.test.ts).
  [`PUT ${props}/roster`]: { request: async (p) => ({ method: 'PUT', path: `/properties/${p.id}/roster`, body: { residents: [] } }), expect: adminOnly(200) },
  [`GET ${props}/directory`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/directory?q=riley` }), expect: anyMember(200) },
  [`POST ${props}/delivery-pins`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-pins`, body: { description: 'x', pin: randomPin() } }),
    expect: adminOnly(201),
  },
  [`GET ${props}/delivery-pins`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-pins` }), expect: adminOnly(200) },
  [`GET ${props}/delivery-pins/{pinId}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}` }), expect: adminOnly(200) },
  [`PATCH ${props}/delivery-pins/{pinId}`]: {
    request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}`, body: { description: 'y' } }),
    expect: adminOnly(200),
  },
  [`DELETE ${props}/delivery-pins/{pinId}`]: { request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}` }), expect: adminOnly(204) },
  [`POST ${props}/delivery-pins/{pinId}/reveal`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}/reveal` }),
    expect: adminOnly(200),
  },
  // Passes made by the property's resident: they, staff and admins may act on them (a neighbour may not: see below).
  [`POST ${props}/delivery-passes`]: { request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-passes`, body: {} }), expect: anyMember(201) },
  [`GET ${props}/delivery-passes`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-passes` }), expect: anyMember(200) },
  [`GET ${props}/delivery-passes/{passId}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-passes/${await passOf(p)}` }), expect: anyMember(200) },
  [`POST ${props}/delivery-passes/{passId}/reveal`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-passes/${await passOf(p)}/reveal` }),
    expect: anyMember(200),
  },
  [`DELETE ${props}/delivery-passes/{passId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/delivery-passes/${await passOf(p)}` }),
    expect: anyMember(204),
  },
  [`POST ${props}/visitor-passes`]: { request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/visitor-passes`, body: visitWindow() }), expect: anyMember(201) },
  [`GET ${props}/visitor-passes`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/visitor-passes` }), expect: anyMember(200) },
  [`GET ${props}/visitor-passes/{passId}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/visitor-passes/${await visitorOf(p)}` }), expect: anyMember(200) },
  [`POST ${props}/visitor-passes/{passId}/reveal`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/visitor-passes/${await visitorOf(p)}/reveal` }),
    expect: anyMember(200),
  },
  [`DELETE ${props}/visitor-passes/{passId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/visitor-passes/${await visitorOf(p)}` }),
    expect: anyMember(204),
  },
  // Creating a panel hands out a certificate (and through sync the panel key and code hashes): admins only.
  [`POST ${props}/panels`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/panels`, body: { name: 'New door', kind: 'entrance' } }),
    expect: adminOnly(201),
  },
  [`GET ${props}/panels`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/panels` }), expect: managersOnly(200) },
  [`GET ${props}/panels/{panelId}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/panels/${panelId}` }), expect: managersOnly(200) },
  [`DELETE ${props}/panels/{panelId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/panels/${await newPanelOf(p)}` }),
    expect: { admin: [204, 404], staff: 403, resident: 403, ...memberOnly },
  },
  [`POST ${props}/panels/{panelId}/unlock`]: { request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/panels/${panelId}/unlock` }), expect: anyMember(202) },
  [`GET ${props}/panels/{panelId}/commands/{commandId}`]: {
    request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/panels/${panelId}/commands/${await commandOf(p)}` }),
    expect: anyMember(200),
  },
  [`POST ${props}/panel-keys/rotate`]: { request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/panel-keys/rotate` }), expect: adminOnly(202) },
  [`GET ${props}/access-events`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/access-events` }), expect: managersOnly(200) },
  // Calls ring unit 4B: its resident answers; admins and staff see calls but do not take a unit's call.
  [`GET ${props}/calls`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/calls` }), expect: anyMember(200) },
  [`GET ${props}/calls/{callId}`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/calls/${await callOf()}` }), expect: anyMember(200) },
  [`POST ${props}/calls/{callId}/accept`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/calls/${await callOf()}/accept` }),
    expect: { admin: 403, staff: 403, resident: 200, ...memberOnly },
  },
  [`POST ${props}/calls/{callId}/decline`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/calls/${await callOf()}/decline` }),
    expect: { admin: 403, staff: 403, resident: 200, ...memberOnly },
  },
  [`POST ${props}/calls/{callId}/open-door`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/calls/${await acceptedCallOf(p)}/open-door` }),
    expect: { admin: 403, staff: 403, resident: 202, ...memberOnly },
  },
  [`GET ${props}/notifications`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/notifications` }), expect: anyMember(200) },
  [`GET ${props}/me`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/me` }), expect: { admin: 403, staff: 403, resident: 200, ...memberOnly } },
  [`PATCH ${props}/me`]: {
    request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/me`, body: { notify: { calls: ['app'] } } }),
    expect: { admin: 403, staff: 403, resident: 200, ...memberOnly },
  },
  [`POST ${props}/me/devices`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/me/devices`, body: { platform: 'fcm', token: `fcm-${randomUUID()}-${randomUUID()}` } }),
    expect: { admin: 403, staff: 201, resident: 201, ...memberOnly },
  },
  // A door PIN is the resident's own: only a resident (with a resident record) sets or removes theirs.
  [`PUT ${props}/me/door-pin`]: {
    request: async (p) => ({ method: 'PUT', path: `/properties/${p.id}/me/door-pin`, body: { pin: '481937' } }),
    expect: { admin: 403, staff: 403, resident: 204, ...memberOnly },
  },
  [`DELETE ${props}/me/door-pin`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/me/door-pin` }),
    expect: { admin: 403, staff: 403, resident: 204, ...memberOnly },
  },
  // Phone verification is the resident's own; the matrix resident reaches the domain (a code is sent, or a refusal
  // such as no-phone/too-many-codes), and a confirmation with a code never sent is refused by the domain, not by role.
  [`POST ${props}/me/phone-verification`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/me/phone-verification` }),
    expect: { admin: 403, staff: 403, resident: [202, 409], ...memberOnly },
  },
  [`POST ${props}/me/phone-verification/confirm`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/me/phone-verification/confirm`, body: { code: '000000' } }),
    expect: { admin: 403, staff: 403, resident: 409, ...memberOnly },
  },
  // Packages: staff and admins log and hand over; a resident lists their unit's.
  [`GET ${props}/packages`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/packages` }), expect: anyMember(200) },
  [`POST ${props}/packages`]: { request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/packages`, body: { unit: '4B', count: 2 } }), expect: managersOnly(201) },
  [`POST ${props}/packages/{packageId}/picked-up`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/packages/${await packageOf(p)}/picked-up` }),
    expect: managersOnly(200),
  },
  // A device is its owner's: staff asking for the resident's device find none.
  [`DELETE ${props}/me/devices/{deviceId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/me/devices/${await deviceOf(p)}` }),
    expect: { admin: 403, staff: 404, resident: 204, ...memberOnly },
  },
  // Integration clients: admins only (test/api/integrations.test.ts covers integration tokens).
  [`POST ${props}/integrations`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/integrations`, body: { name: 'Matrix PMS', scopes: ['lobby/residents.read'] } }),
    expect: adminOnly(201),
  },
  [`GET ${props}/integrations`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/integrations` }), expect: adminOnly(200) },
  [`GET ${props}/integrations/{integrationId}`]: {
    request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/integrations/${await integrationOf(p)}` }),
    expect: adminOnly(200),
  },
  [`DELETE ${props}/integrations/{integrationId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/integrations/${await integrationOf(p)}` }),
    expect: adminOnly(204),
  },
  // Webhook subscriptions: admins only (a URL on loopback passes locally; nothing subscribes it to events that happen here).
  [`POST ${props}/webhooks`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/webhooks`, body: { url: 'http://127.0.0.1:9/matrix', events: ['credential.sync-failed'] } }),
    expect: adminOnly(201),
  },
  [`GET ${props}/webhooks`]: { request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/webhooks` }), expect: adminOnly(200) },
  [`GET ${props}/webhooks/{webhookId}`]: {
    request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}` }),
    expect: adminOnly(200),
  },
  [`PATCH ${props}/webhooks/{webhookId}`]: {
    request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}`, body: { enabled: false } }),
    expect: adminOnly(200),
  },
  [`DELETE ${props}/webhooks/{webhookId}`]: {
    request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}` }),
    expect: adminOnly(204),
  },
  [`POST ${props}/webhooks/{webhookId}/rotate-secret`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}/rotate-secret` }),
    expect: adminOnly(200),
  },
  [`GET ${props}/webhooks/{webhookId}/deliveries`]: {
    request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}/deliveries` }),
    expect: adminOnly(200),
  },
  // No delivery exists: an admin gets 404 from the domain, after the role check everyone else fails (test/e2e/webhooks.test.ts retries a real one).
  [`POST ${props}/webhooks/{webhookId}/deliveries/{deliveryId}/retry`]: {
    request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/webhooks/${await webhookOf(p)}/deliveries/wdl_none/retry` }),
    expect: adminOnly(404),
  },
};

let p: TestProperty;
let other: TestProperty;
let panelId: string;
let panel: RawPanel;
beforeAll(async () => {
  [p, other] = await Promise.all([newProperty('Matrix Tower'), newProperty('Elsewhere')]);
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Matrix door', kind: 'entrance' } }));
  panelId = created.body.id;
  panel = await connectRawPanel(created.body.connection);
  // The matrix rings 4B once per caller and call route: more than the default calls per unit in 10 minutes.
  await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { maxCallsPerUnit: 200, maxCallsPerPanel: 200 } }));
});
afterAll(async () => {
  await panel?.close();
});

/** The same token with one signature character changed: well-formed, wrongly signed. */
function tampered(token: string): string {
  const i = token.length - 2; // not the last character, whose low bits base64url may ignore
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

async function tokenOf(who: Who): Promise<string | undefined> {
  switch (who) {
    case 'none':
      return undefined;
    case 'bad':
      return tampered(p.tokens.admin);
    case 'otherAdmin':
      return other.tokens.admin;
    default:
      return p.tokens[who];
  }
}

describe('authorization matrix', () => {
  it('has an expectation for every route of the route table', () => {
    expect(routes.map(routeKey).filter((key) => !cases[key])).toEqual([]);
    expect(Object.keys(cases).filter((key) => !routes.some((route) => routeKey(route) === key) && !key.startsWith('DELETE /properties/{propertyId}/panels/'))).toEqual([]);
  });

  for (const route of routes) {
    const key = routeKey(route);
    it(key, async () => {
      const c = cases[key];
      expect(c, `no expectation for ${key}`).toBeDefined();
      const expected = { none: 401, bad: 401, ...c!.expect } as Record<Who, Status>;
      const seen: Record<string, number> = {};
      for (const who of Object.keys(expected) as Who[]) {
        const req = await c!.request(p);
        const reply = await call(req.method, req.path, { token: await tokenOf(who), body: req.body });
        seen[who] = reply.status;
        if (who === 'otherAdmin' && reply.status >= 400) {
          // Nothing of the property leaks to a stranger: not its name, not its members.
          expect(JSON.stringify(reply.body)).not.toMatch(/Matrix Tower|Riley|staff-|resident-/);
        }
      }
      const allowed = Object.fromEntries(Object.entries(expected).map(([who, s]) => [who, Array.isArray(s) ? expect.toBeOneOf(s) : s]));
      expect(seen).toEqual(allowed);
    });
  }

  it('a token for an unknown user sees no property', async () => {
    const stranger = await tokenFor(`stranger-${randomUUID()}`);
    expect((await call<Property>('GET', `/properties/${p.id}`, { token: stranger })).status).toBe(404);
  });

  it('a removed membership stops working on the next request', async () => {
    const userId = await staffOf(p);
    const token = await tokenFor(userId);
    expect((await call<Property>('GET', `/properties/${p.id}`, { token })).status).toBe(200);
    expect((await call('DELETE', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call<Property>('GET', `/properties/${p.id}`, { token })).status).toBe(404);
  });

  it('an operator appoints only the first admin', async () => {
    const created = await expectOk(call<Property>('POST', '/properties', { token: p.tokens.operator, body: { name: 'Fresh', timezone: 'UTC' } }));
    expect((await call('PUT', `/properties/${created.body.id}/members/first-admin`, { token: p.tokens.operator, body: { role: 'admin' } })).status).toBe(200);
    expect((await call('PUT', `/properties/${created.body.id}/members/second-admin`, { token: p.tokens.operator, body: { role: 'admin' } })).status).toBe(403);
  });

  it('the last admin cannot be removed', async () => {
    const q = await newProperty();
    expect((await call('DELETE', `/properties/${q.id}/members/${q.users.admin}`, { token: q.tokens.admin })).status).toBe(409);
  });

  it('GET /openapi.json needs no token and describes every route', async () => {
    const { routes } = await import('../../functions/http/routes.ts');
    const doc = await call<OpenApiDocument>('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    for (const route of routes) {
      expect(doc.body.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    expect(doc.body.paths['/properties/{propertyId}/delivery-pins']?.post?.requestBody?.content['application/json']?.schema.required).toEqual(
      expect.arrayContaining(['description', 'pin']),
    );
  });
});

describe('a neighbour (another resident of the same property)', () => {
  it("cannot get, reveal, list or cancel another resident's delivery pass, and never sees its code", async () => {
    const neighbour = await tokenFor(
      (
        await expectOk(
          call<Resident>('POST', `/properties/${p.id}/residents`, {
            token: p.tokens.admin,
            body: { userId: `neighbour-${randomUUID().slice(0, 8)}`, name: 'Nia Neighbour', unit: '5C' },
          }),
        )
      ).body.userId,
    );
    const made = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: { note: 'mine' } }));
    const path = `/properties/${p.id}/delivery-passes/${made.body.id}`;
    const replies = [await call('GET', path, { token: neighbour }), await call('POST', `${path}/reveal`, { token: neighbour }), await call('DELETE', path, { token: neighbour })];
    expect(replies.map((r) => r.status)).toEqual([404, 404, 404]);
    const list = await expectOk(call<Page<DeliveryPass>>('GET', `/properties/${p.id}/delivery-passes?limit=100`, { token: neighbour }));
    expect(list.body.items.map((i) => i.id)).not.toContain(made.body.id);
    for (const reply of [...replies, list]) expect(JSON.stringify(reply.body)).not.toContain(made.body.code);
    // Positive control: the maker still sees it, active, with its code.
    expect((await call('GET', path, { token: p.tokens.resident })).body).toMatchObject({ status: 'active', code: made.body.code });
  });

  it("cannot get, reveal, list or revoke another resident's visitor pass, and never sees its code or QR", async () => {
    const neighbour = await tokenFor(
      (
        await expectOk(
          call<Resident>('POST', `/properties/${p.id}/residents`, {
            token: p.tokens.admin,
            body: { userId: `neighbour-${randomUUID().slice(0, 8)}`, name: 'Nia Neighbour', unit: '5D' },
          }),
        )
      ).body.userId,
    );
    const made = await expectOk(call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: p.tokens.resident, body: visitWindow() }));
    expect(made.body.code).toMatch(/^[0-9]+$/);
    const path = `/properties/${p.id}/visitor-passes/${made.body.id}`;
    const replies = [await call('GET', path, { token: neighbour }), await call('POST', `${path}/reveal`, { token: neighbour }), await call('DELETE', path, { token: neighbour })];
    expect(replies.map((r) => r.status)).toEqual([404, 404, 404]);
    const list = await expectOk(call<Page<VisitorPass>>('GET', `/properties/${p.id}/visitor-passes?limit=100`, { token: neighbour }));
    expect(list.body.items.map((i) => i.id)).not.toContain(made.body.id);
    for (const reply of [...replies, list]) {
      expect(JSON.stringify(reply.body)).not.toContain(made.body.code);
      expect(JSON.stringify(reply.body)).not.toContain(made.body.qr.split('.')[0]);
    }
    expect((await call('GET', path, { token: p.tokens.resident })).body).toMatchObject({ status: 'active', code: made.body.code });
  });

  it("cannot read the status of another resident's unlock command", async () => {
    const neighbour = await tokenFor(
      (
        await expectOk(
          call<Resident>('POST', `/properties/${p.id}/residents`, {
            token: p.tokens.admin,
            body: { userId: `neighbour-${randomUUID().slice(0, 8)}`, name: 'Nia Neighbour', unit: '5E' },
          }),
        )
      ).body.userId,
    );
    const path = `/properties/${p.id}/panels/${panelId}/commands/${await commandOf(p)}`;
    expect((await call('GET', path, { token: neighbour })).status).toBe(404);
    expect((await call('GET', path, { token: p.tokens.resident })).status).toBe(200);
  });
});
