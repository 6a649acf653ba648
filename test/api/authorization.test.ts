import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, tokenFor, type TestProperty } from '../support/api.ts';

/**
 * Every route of the foundation x every kind of caller -> the expected status.
 * Each case builds its own target so that one caller's success does not change
 * what the next caller sees.
 */
type Who = 'none' | 'bad' | 'operator' | 'admin' | 'staff' | 'resident' | 'otherAdmin';
interface Case { name: string; request: (p: TestProperty) => Promise<{ method: string; path: string; body?: unknown }>; expect: Partial<Record<Who, number>> }

const pinOf = async (p: TestProperty) => (await expectOk(call('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'target', pin: randomPin() } }))).body.id;
const staffOf = async (p: TestProperty) => {
  const userId = `staff-${randomUUID().slice(0, 8)}`;
  await expectOk(call('PUT', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin, body: { role: 'staff' } }));
  return userId;
};
const residentOf = async (p: TestProperty) =>
  (await expectOk(call('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: `r-${randomUUID().slice(0, 8)}`, name: 'Temp Resident', unit: '9Z' } }))).body.id;

const memberOnly = { operator: 404, otherAdmin: 404 };
const adminOnly = (ok: number) => ({ admin: ok, staff: 403, resident: 403, ...memberOnly });
const cases: Case[] = [
  { name: 'POST /properties', request: async () => ({ method: 'POST', path: '/properties', body: { name: 'New', timezone: 'Europe/Paris' } }), expect: { operator: 201, admin: 403, staff: 403, resident: 403, otherAdmin: 403 } },
  { name: 'GET property', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}` }), expect: { admin: 200, staff: 200, resident: 200, ...memberOnly } },
  { name: 'PATCH settings', request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/settings`, body: { passValidHours: 12 } }), expect: adminOnly(200) },
  { name: 'GET audit', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/audit` }), expect: adminOnly(200) },
  { name: 'GET members', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/members` }), expect: adminOnly(200) },
  { name: 'PUT member', request: async (p) => ({ method: 'PUT', path: `/properties/${p.id}/members/u-${randomUUID().slice(0, 8)}`, body: { role: 'staff' } }), expect: { admin: 200, staff: 403, resident: 403, operator: 403, otherAdmin: 404 } },
  { name: 'DELETE member', request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/members/${await staffOf(p)}` }), expect: adminOnly(204) },
  { name: 'POST resident (move-in)', request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/residents`, body: { userId: `r-${randomUUID().slice(0, 8)}`, name: 'New Resident', unit: '2A' } }), expect: { admin: 201, staff: 201, resident: 403, ...memberOnly } },
  { name: 'GET residents', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/residents` }), expect: { admin: 200, staff: 200, resident: 403, ...memberOnly } },
  { name: 'DELETE resident (move-out)', request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/residents/${await residentOf(p)}` }), expect: { admin: 204, staff: 204, resident: 403, ...memberOnly } },
  { name: 'GET directory', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/directory?q=riley` }), expect: { admin: 200, staff: 200, resident: 200, ...memberOnly } },
  { name: 'POST delivery PIN', request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-pins`, body: { description: 'x', pin: randomPin() } }), expect: adminOnly(201) },
  { name: 'GET delivery PINs', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-pins` }), expect: adminOnly(200) },
  { name: 'GET delivery PIN', request: async (p) => ({ method: 'GET', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}` }), expect: adminOnly(200) },
  { name: 'PATCH delivery PIN', request: async (p) => ({ method: 'PATCH', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}`, body: { description: 'y' } }), expect: adminOnly(200) },
  { name: 'DELETE delivery PIN', request: async (p) => ({ method: 'DELETE', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}` }), expect: adminOnly(204) },
  { name: 'POST reveal delivery PIN', request: async (p) => ({ method: 'POST', path: `/properties/${p.id}/delivery-pins/${await pinOf(p)}/reveal` }), expect: adminOnly(200) },
];

let p: TestProperty;
let other: TestProperty;
beforeAll(async () => { [p, other] = await Promise.all([newProperty('Matrix Tower'), newProperty('Elsewhere')]); });

async function tokenOf(who: Who): Promise<string | undefined> {
  switch (who) {
    case 'none': return undefined;
    case 'bad': return `${p.tokens.admin.slice(0, -4)}AAAA`;
    case 'otherAdmin': return other.tokens.admin;
    default: return p.tokens[who];
  }
}

describe('authorization matrix', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const expected: Record<Who, number> = { none: 401, bad: 401, ...c.expect } as Record<Who, number>;
      const seen: Record<string, number> = {};
      for (const who of Object.keys(expected) as Who[]) {
        const req = await c.request(p);
        const reply = await call(req.method, req.path, { token: await tokenOf(who), body: req.body });
        seen[who] = reply.status;
        if (who === 'otherAdmin' && reply.status >= 400) {
          // Nothing of the property leaks to a stranger: not its name, not its members.
          expect(JSON.stringify(reply.body)).not.toMatch(/Matrix Tower|Riley|staff-|resident-/);
        }
      }
      expect(seen).toEqual(expected);
    });
  }

  it('a token for an unknown user sees no property', async () => {
    const stranger = await tokenFor(`stranger-${randomUUID()}`);
    expect((await call('GET', `/properties/${p.id}`, { token: stranger })).status).toBe(404);
  });

  it('a removed membership stops working on the next request', async () => {
    const userId = await staffOf(p);
    const token = await tokenFor(userId);
    expect((await call('GET', `/properties/${p.id}`, { token })).status).toBe(200);
    expect((await call('DELETE', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call('GET', `/properties/${p.id}`, { token })).status).toBe(404);
  });

  it('an operator appoints only the first admin', async () => {
    const created = await expectOk(call('POST', '/properties', { token: p.tokens.operator, body: { name: 'Fresh', timezone: 'UTC' } }));
    expect((await call('PUT', `/properties/${created.body.id}/members/first-admin`, { token: p.tokens.operator, body: { role: 'admin' } })).status).toBe(200);
    expect((await call('PUT', `/properties/${created.body.id}/members/second-admin`, { token: p.tokens.operator, body: { role: 'admin' } })).status).toBe(403);
  });

  it('the last admin cannot be removed', async () => {
    const q = await newProperty();
    expect((await call('DELETE', `/properties/${q.id}/members/${q.users.admin}`, { token: q.tokens.admin })).status).toBe(409);
  });

  it('GET /openapi.json needs no token and describes every route', async () => {
    const { routes } = await import('../../functions/http/routes.ts');
    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    for (const route of routes) {
      expect(doc.body.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    expect(doc.body.paths['/properties/{propertyId}/delivery-pins'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['description', 'pin']));
  });
});
