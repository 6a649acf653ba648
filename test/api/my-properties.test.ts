import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, tokenFor, type TestProperty } from '../support/api.ts';
import type { Page } from '../support/contract.ts';

/** GET /properties: what the console's property picker and role-aware menu start from. */
interface PropertyMembership {
  propertyId: string;
  name: string;
  role: 'admin' | 'staff' | 'resident' | 'operator';
}

let p: TestProperty;
beforeAll(async () => {
  p = await newProperty('Picker Tower');
});

const mine = async (token: string) => (await expectOk(call<Page<PropertyMembership>>('GET', '/properties', { token }))).body;

describe("GET /properties (the caller's properties and role)", () => {
  it('gives each member the property with their own role', async () => {
    expect((await mine(p.tokens.admin)).items).toEqual([{ propertyId: p.id, name: 'Picker Tower', role: 'admin' }]);
    expect((await mine(p.tokens.staff)).items).toEqual([{ propertyId: p.id, name: 'Picker Tower', role: 'staff' }]);
    expect((await mine(p.tokens.resident)).items).toEqual([{ propertyId: p.id, name: 'Picker Tower', role: 'resident' }]);
  });

  it('a stranger sees no property; a member of two sees both', async () => {
    expect(await mine(await tokenFor(`stranger-${randomUUID()}`))).toEqual({ items: [], nextCursor: null });
    const q = await newProperty('Second Tower');
    await expectOk(call('PUT', `/properties/${q.id}/members/${p.users.admin}`, { token: q.tokens.admin, body: { role: 'staff' } }));
    const both = (await mine(p.tokens.admin)).items;
    expect(both).toHaveLength(2);
    expect(both).toEqual(
      expect.arrayContaining([
        { propertyId: p.id, name: 'Picker Tower', role: 'admin' },
        { propertyId: q.id, name: 'Second Tower', role: 'staff' },
      ]),
    );
  });

  it('a removed member no longer sees the property', async () => {
    const userId = `leaver-${randomUUID().slice(0, 8)}`;
    const token = await tokenFor(userId);
    await expectOk(call('PUT', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin, body: { role: 'staff' } }));
    expect((await mine(token)).items.map((item) => item.propertyId)).toEqual([p.id]);
    await expectOk(call('DELETE', `/properties/${p.id}/members/${userId}`, { token: p.tokens.admin }));
    expect((await mine(token)).items).toEqual([]);
  });

  it('pages with limit and cursor', async () => {
    const first = await mine(p.tokens.admin);
    expect(first.items.length).toBeGreaterThan(1);
    const one = (await expectOk(call<Page<PropertyMembership>>('GET', '/properties?limit=1', { token: p.tokens.admin }))).body;
    expect(one.items).toHaveLength(1);
    expect(one.nextCursor).toEqual(expect.any(String));
    const next = (await expectOk(call<Page<PropertyMembership>>('GET', `/properties?limit=1&cursor=${encodeURIComponent(one.nextCursor!)}`, { token: p.tokens.admin }))).body;
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.propertyId).not.toBe(one.items[0]!.propertyId);
    expect((await call('GET', '/properties?limit=0', { token: p.tokens.admin })).status).toBe(400);
  });

  it('an operator pages every property, as operator where not a member', async () => {
    const seen = new Map<string, PropertyMembership>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
      const page: Page<PropertyMembership> = (await expectOk(call<Page<PropertyMembership>>('GET', `/properties${query}`, { token: p.tokens.operator }))).body;
      for (const item of page.items) seen.set(item.propertyId, item);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.get(p.id)).toEqual({ propertyId: p.id, name: 'Picker Tower', role: 'operator' });
  });
});
