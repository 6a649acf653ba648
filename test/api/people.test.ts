import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, tokenFor, type TestProperty } from '../support/api.ts';
import type { AuditEntry, DirectoryEntry, Member, Page, Property, Resident } from '../support/contract.ts';

let p: TestProperty;
beforeAll(async () => {
  p = await newProperty();
});

describe('properties, residents and the directory', () => {
  it('a property has the documented default settings, and admins change them', async () => {
    const got = await call<Property>('GET', `/properties/${p.id}`, { token: p.tokens.resident });
    expect(got.body).toMatchObject({
      id: p.id,
      name: 'Test Tower',
      timezone: 'America/New_York',
      settings: {
        residentPassesEnabled: true,
        codeLength: 6,
        visitorMaxHours: 24,
        photoRetentionDays: 90,
        passValidHours: 24,
        passGraceMinutes: 0,
      },
    });
    const patched = await call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { passGraceMinutes: 5, residentPassesEnabled: false } });
    expect(patched.body.settings).toMatchObject({ passGraceMinutes: 5, residentPassesEnabled: false, codeLength: 6 });
  });

  it('refuses a property with an unknown time zone', async () => {
    expect((await call('POST', '/properties', { token: p.tokens.operator, body: { name: 'X', timezone: 'Mars/Olympus' } })).status).toBe(400);
  });

  it('moves a resident in and out; the directory shows name and unit only', async () => {
    const userId = `mover-${Date.now()}`;
    const moved = await call<Resident>('POST', `/properties/${p.id}/residents`, {
      token: p.tokens.staff,
      body: { userId, name: 'Ana Ñúñez', unit: '12C', email: 'ana@example.com', phone: '+15555550123', notify: ['sms'] },
    });
    expect(moved).toMatchObject({ status: 201, body: { userId, name: 'Ana Ñúñez', unit: '12C', notify: ['sms'] } });
    const token = await tokenFor(userId);
    expect((await call<Property>('GET', `/properties/${p.id}`, { token })).status).toBe(200);

    const byName = await call<Page<DirectoryEntry>>('GET', `/properties/${p.id}/directory?q=${encodeURIComponent('ñúñez')}`, { token: p.tokens.resident });
    expect(byName.body.items).toEqual([{ residentId: moved.body.id, name: 'Ana Ñúñez', unit: '12C' }]);
    const byUnit = await call<Page<DirectoryEntry>>('GET', `/properties/${p.id}/directory?q=12c`, { token: p.tokens.resident });
    expect(byUnit.body.items.map((i) => i.residentId)).toContain(moved.body.id);
    expect(JSON.stringify(byUnit.body)).not.toContain('example.com');

    expect((await call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.staff, body: { userId, name: 'Again', unit: '1A' } })).status).toBe(409);

    expect((await call('DELETE', `/properties/${p.id}/residents/${moved.body.id}`, { token: p.tokens.staff })).status).toBe(204);
    expect((await call<Property>('GET', `/properties/${p.id}`, { token })).status).toBe(404);
    const after = await call<Page<DirectoryEntry>>('GET', `/properties/${p.id}/directory?q=12c`, { token: p.tokens.admin });
    expect(after.body.items.map((i) => i.residentId)).not.toContain(moved.body.id);
    expect((await call('DELETE', `/properties/${p.id}/residents/${moved.body.id}`, { token: p.tokens.staff })).status).toBe(204); // move-out is safe to run again
  });

  it('admins and staff are listed as members; residents are not', async () => {
    const members = await call<Page<Member>>('GET', `/properties/${p.id}/members`, { token: p.tokens.admin });
    const ids = members.body.items.map((m) => m.userId);
    expect(ids).toEqual(expect.arrayContaining([p.users.admin, p.users.staff]));
    expect(ids).not.toContain(p.users.resident);
  });

  it('a resident cannot be made staff without moving out first', async () => {
    expect((await call('PUT', `/properties/${p.id}/members/${p.users.resident}`, { token: p.tokens.admin, body: { role: 'staff' } })).status).toBe(409);
  });

  it('every change is on the audit trail, newest first', async () => {
    const audit = await expectOk(call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=50`, { token: p.tokens.admin }));
    const actions = audit.body.items.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['property.created', 'member.admin-set', 'member.staff-set', 'resident.moved-in', 'resident.moved-out', 'property.settings-changed']),
    );
    const times = audit.body.items.map((a) => a.at);
    expect([...times].sort().reverse()).toEqual(times);
  });
});
