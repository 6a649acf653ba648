import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, tokenFor, type TestProperty } from '../support/api.ts';
import type { CreatedDeliveryPass, CreatedVisitorPass, DeliveryPass, Page, Problem, Resident, VisitorPass } from '../support/contract.ts';

let p: TestProperty;
beforeAll(async () => {
  p = await newProperty();
});
const passes = () => `/properties/${p.id}/delivery-passes`;
const visitors = () => `/properties/${p.id}/visitor-passes`;

describe('delivery passes', () => {
  it('a resident makes a pass: generated code, shareText, default validity from the property', async () => {
    const made = await call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.resident, body: { note: 'Pizza' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'active', note: 'Pizza', createdBy: p.users.resident });
    expect(made.body.code).toMatch(/^[0-9]{6}$/);
    expect(made.body.shareText).toContain(made.body.code);
    expect(made.body.shareText).toContain('Test Tower');
    const hours = (Date.parse(made.body.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const shorter = await call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.resident, body: { validHours: 2 } });
    expect((Date.parse(shorter.body.expiresAt) - Date.now()) / 3600_000).toBeLessThanOrEqual(2);
  });

  it("codes are unique among the property's active codes, and never trivial", async () => {
    const made = await Promise.all(Array.from({ length: 30 }, () => call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.staff, body: {} })));
    const codes = made.map((m) => m.body.code);
    expect(new Set(codes).size).toBe(30);
    for (const code of codes) expect(code).not.toMatch(/^(\d)\1+$|^(012345|123456|234567|345678|456789|987654|876543|765432|654321|543210)$/);
  });

  it("residents see only their own passes; staff see all; a resident cannot cancel another's", async () => {
    const neighbour = await expectOk(
      call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: `neighbour-${Date.now()}`, name: 'Nia Neighbour', unit: '5C' } }),
    );
    const neighbourToken = await tokenFor(neighbour.body.userId);
    const mine = await expectOk(call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.resident, body: { note: 'mine' } }));
    const theirs = await expectOk(call<CreatedDeliveryPass>('POST', passes(), { token: neighbourToken, body: { note: 'theirs' } }));
    const myList = await call<Page<DeliveryPass>>('GET', `${passes()}?limit=100`, { token: p.tokens.resident });
    const ids = myList.body.items.map((i) => i.id);
    expect(ids).toContain(mine.body.id);
    expect(ids).not.toContain(theirs.body.id);
    expect(JSON.stringify(myList.body)).not.toMatch(/"code"/);
    const staffIds = (await call<Page<DeliveryPass>>('GET', `${passes()}?limit=100`, { token: p.tokens.staff })).body.items.map((i) => i.id);
    expect(staffIds).toEqual(expect.arrayContaining([mine.body.id, theirs.body.id]));
    expect((await call('GET', `${passes()}/${theirs.body.id}`, { token: p.tokens.resident })).status).toBe(404);
    expect((await call('DELETE', `${passes()}/${theirs.body.id}`, { token: p.tokens.resident })).status).toBe(404);
    expect((await call<DeliveryPass>('GET', `${passes()}/${theirs.body.id}`, { token: neighbourToken })).body.status).toBe('active');
  });

  it('cancel: 204, status cancelled, code freed', async () => {
    const made = await expectOk(call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.resident, body: {} }));
    expect((await call('DELETE', `${passes()}/${made.body.id}`, { token: p.tokens.resident })).status).toBe(204);
    const got = await call<DeliveryPass>('GET', `${passes()}/${made.body.id}`, { token: p.tokens.resident });
    expect(got.body).toMatchObject({ status: 'cancelled' });
    expect(got.body.code).toBeUndefined();
    // The code is free again: an admin may now choose it as a PIN.
    expect((await call('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'reuse', pin: made.body.code } })).status).toBe(201);
  });

  it('the property switch turns resident passes off (403); staff and admins still can', async () => {
    const q = await newProperty();
    await expectOk(call('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { residentPassesEnabled: false } }));
    const refused = await call('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('problem+json');
    expect((await call('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.staff, body: {} })).status).toBe(201);
    expect((await call('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.admin, body: {} })).status).toBe(201);
  });

  it('bad input is refused and creates nothing', async () => {
    const before = (await call<Page<DeliveryPass>>('GET', `${passes()}?limit=100`, { token: p.tokens.admin })).body.items.length;
    for (const body of [{ validHours: 0 }, { validHours: '2' }, { validHours: 1000 }, { note: 'x'.repeat(201) }, { code: '123456' }, { note: 'a\u202Eb' }]) {
      const r = await call<Problem>('POST', passes(), { token: p.tokens.resident, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors?.length).toBeGreaterThan(0);
    }
    expect((await call('POST', passes(), { token: p.tokens.resident, rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await call<Page<DeliveryPass>>('GET', `${passes()}?limit=100`, { token: p.tokens.admin })).body.items.length).toBe(before);
  });
});

describe('visitor passes', () => {
  const window = (fromNowMinutes: number, hours: number) => ({
    startsAt: new Date(Date.now() + fromNowMinutes * 60_000).toISOString(),
    endsAt: new Date(Date.now() + fromNowMinutes * 60_000 + hours * 3600_000).toISOString(),
  });

  it('makes a time-boxed pass with a code and a QR token', async () => {
    const made = await call<CreatedVisitorPass>('POST', visitors(), {
      token: p.tokens.resident,
      body: { visitorName: 'Grandma', visitorEmail: 'gran@example.com', ...window(0, 3) },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ visitorName: 'Grandma', status: 'active' });
    expect(made.body.code).toMatch(/^[0-9]{6}$/);
    expect(made.body.qr).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const claims = JSON.parse(Buffer.from(made.body.qr.split('.')[0] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ v: 1, p: p.id, id: made.body.id, nbf: Math.floor(Date.parse(made.body.startsAt) / 1000), exp: Math.floor(Date.parse(made.body.endsAt) / 1000) });
  });

  it('caps the window at visitorMaxHours and refuses windows that are over or backwards', async () => {
    expect((await call('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Long', ...window(0, 25) } })).status).toBe(400);
    expect((await call('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Past', ...window(-300, 2) } })).status).toBe(400);
    const backwards = window(60, -1);
    expect((await call('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Back', ...backwards } })).status).toBe(400);
    expect((await call('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Bad', startsAt: 'tomorrow', endsAt: 'later' } })).status).toBe(400);
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { visitorMaxHours: 48 } }));
    expect((await call('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Long', ...window(0, 25) } })).status).toBe(201);
  });

  it('revocation: 204, status revoked, code and QR no longer handed out', async () => {
    const made = await expectOk(call<CreatedVisitorPass>('POST', visitors(), { token: p.tokens.resident, body: { visitorName: 'Tom', ...window(0, 2) } }));
    expect((await call('DELETE', `${visitors()}/${made.body.id}`, { token: p.tokens.resident })).status).toBe(204);
    const got = await call<VisitorPass>('GET', `${visitors()}/${made.body.id}`, { token: p.tokens.resident });
    expect(got.body).toMatchObject({ status: 'revoked' });
    expect(got.body.qr).toBeUndefined();
  });
});

describe('move-out revokes everything the resident made', () => {
  it('passes and visitor passes stop, membership ends', async () => {
    const q = await newProperty();
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    const visitor = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${q.id}/visitor-passes`, {
        token: q.tokens.resident,
        body: { visitorName: 'V', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    expect((await call('DELETE', `/properties/${q.id}/residents/${q.residentId}`, { token: q.tokens.staff })).status).toBe(204);
    expect((await call<DeliveryPass>('GET', `/properties/${q.id}/delivery-passes/${pass.body.id}`, { token: q.tokens.admin })).body.status).toBe('cancelled');
    expect((await call<VisitorPass>('GET', `/properties/${q.id}/visitor-passes/${visitor.body.id}`, { token: q.tokens.admin })).body.status).toBe('revoked');
    expect((await call('GET', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident })).status).toBe(404);
  });
});

describe('authorization for pass routes', () => {
  it('strangers and unauthenticated callers get nothing', async () => {
    const other = await newProperty('Elsewhere');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', passes(), { token: p.tokens.resident, body: {} }));
    const visitor = await expectOk(
      call<CreatedVisitorPass>('POST', visitors(), {
        token: p.tokens.resident,
        body: { visitorName: 'V', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    const routes = [
      ['POST', passes(), {}],
      ['GET', passes()],
      ['GET', `${passes()}/${pass.body.id}`],
      ['DELETE', `${passes()}/${pass.body.id}`],
      ['POST', visitors(), { visitorName: 'x', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() }],
      ['GET', visitors()],
      ['GET', `${visitors()}/${visitor.body.id}`],
      ['DELETE', `${visitors()}/${visitor.body.id}`],
    ] as Array<[string, string, unknown?]>;
    for (const [method, path, body] of routes) {
      expect((await call(method, path, { body })).status, `${method} ${path} no token`).toBe(401);
      const stranger = await call(method, path, { token: other.tokens.admin, body });
      expect(stranger.status, `${method} ${path} other admin`).toBe(404);
      expect(JSON.stringify(stranger.body)).not.toContain(pass.body.id.slice(3));
      expect((await call(method, path, { token: p.tokens.operator, body })).status, `${method} ${path} operator`).toBe(404);
    }
    expect((await call('GET', `${passes()}/${pass.body.id}`, { token: p.tokens.staff })).status).toBe(200);
    expect((await call('DELETE', `${passes()}/${pass.body.id}`, { token: p.tokens.staff })).status).toBe(204);
    expect((await call('DELETE', `${visitors()}/${visitor.body.id}`, { token: p.tokens.admin })).status).toBe(204);
  });
});
