import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, tokenFor, type TestProperty } from '../support/api.ts';
import type {
  AuditEntry,
  CreatedDeliveryPass,
  CreatedVisitorPass,
  CredentialSync,
  DeliveryPass,
  DirectoryEntry,
  Page,
  Problem,
  Property,
  Resident,
  VisitorPass,
} from '../support/contract.ts';
import { deleteItem, getItem, scanAll } from '../support/dynamo.ts';
import { stack } from '../support/api.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

/** Issue 7, defects 1 and 2: move-out and member removal revoke everything, under races and half-done states. */
const hour = 3600_000;
const visitorBody = () => ({ visitorName: 'Guest', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + hour).toISOString() });

async function moveInResident(p: TestProperty, unit: string) {
  const userId = `res-${unit}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const made = await expectOk(call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId, name: `Resident ${unit}`, unit } }));
  return { userId, residentId: made.body.id as string, token: await tokenFor(userId) };
}

/** Items of the property in the table whose maker is `userId` and that still open doors. */
async function liveCredentialsOf(propertyId: string, userId: string) {
  const now = new Date().toISOString();
  return (await scanAll(stack().tables.lobby)).filter(
    (item) =>
      item.pk === `PROP#${propertyId}` &&
      item.createdBy === userId &&
      (item.status === 'active' || (item.status === 'used' && typeof item.graceUntil === 'string' && item.graceUntil > now)),
  );
}

describe('move-out racing pass creation', () => {
  let p: TestProperty;
  let door: LivePanel;
  beforeAll(async () => {
    p = await newProperty();
    door = await livePanel(p);
  });
  afterAll(async () => {
    await door?.stop();
  });

  it('20 concurrent creates racing a move-out leave 0 active credentials, and the panel denies every code that was handed out', async () => {
    const resident = await moveInResident(p, '7A');
    // Creates spread over ~200 ms, the move-out starting among them: some win before its fence, the rest must fail.
    const creates = Array.from({ length: 20 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 10));
      return i % 2 === 0
        ? call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} })
        : call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: resident.token, body: visitorBody() });
    });
    await new Promise((r) => setTimeout(r, 50));
    const moveOut = call('DELETE', `/properties/${p.id}/residents/${resident.residentId}`, { token: p.tokens.admin });
    const replies = await Promise.all(creates);
    expect((await moveOut).status).toBe(204);
    for (const reply of replies) expect([201, 404]).toContain(reply.status);
    expect(await liveCredentialsOf(p.id, resident.userId)).toEqual([]);
    const handedOut = replies.filter((r) => r.status === 201);
    // Whatever was handed out is off the door: wait until the door reports the set that has the revocations.
    for (const made of handedOut) {
      const kind = made.body.id.startsWith('vp_') ? 'visitor-passes' : 'delivery-passes';
      await eventually(
        async () => (await call<{ sync: CredentialSync }>('GET', `/properties/${p.id}/${kind}/${made.body.id}`, { token: p.tokens.admin })).body.sync.state === 'removed',
        15_000,
      );
    }
    for (const made of handedOut) {
      expect(knows(door, made.body.code)).toBe(false);
      expect(await door.agent.enter(made.body.code)).toMatchObject({ decision: 'denied' });
    }
    console.info(`race: ${handedOut.length} of 20 creates won before the fence, all revoked`);
  });

  it('a pass created after the move-out began is refused (404), not kept', async () => {
    const resident = await moveInResident(p, '7B');
    expect((await call('DELETE', `/properties/${p.id}/residents/${resident.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} })).status).toBe(404);
  });
});

describe('move-out is one resumable operation', () => {
  let p: TestProperty;
  beforeAll(async () => {
    p = await newProperty();
  });

  it('completes over a pass whose code record TTL already removed, revokes the rest (visitor passes too), and a retry is 204', async () => {
    const resident = await moveInResident(p, '8C');
    const lost = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} }));
    const other = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} }));
    const guest = await expectOk(call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: resident.token, body: visitorBody() }));
    const item = await getItem(`PROP#${p.id}`, `PASS#${lost.body.id}`);
    await deleteItem(`PROP#${p.id}`, `CODE#${item!.codeKey}`);
    expect((await call('DELETE', `/properties/${p.id}/residents/${resident.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    for (const [path, status] of [
      [`delivery-passes/${lost.body.id}`, 'cancelled'],
      [`delivery-passes/${other.body.id}`, 'cancelled'],
      [`visitor-passes/${guest.body.id}`, 'revoked'],
    ] as const) {
      expect((await call<{ status: string }>('GET', `/properties/${p.id}/${path}`, { token: p.tokens.admin })).body.status).toBe(status);
    }
    expect(await liveCredentialsOf(p.id, resident.userId)).toEqual([]);
    // Safe to run again: the resident record remembers the move-out.
    expect((await call('DELETE', `/properties/${p.id}/residents/${resident.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    const listed = (await call<Page<Resident>>('GET', `/properties/${p.id}/residents?limit=100`, { token: p.tokens.admin })).body.items.map((r) => r.id);
    expect(listed).not.toContain(resident.residentId);
    const directory = (await call<Page<DirectoryEntry>>('GET', `/properties/${p.id}/directory?q=8c`, { token: p.tokens.admin })).body.items;
    expect(directory).toEqual([]);
  });

  it("a code another credential took after a pass expired is not freed by the pass's move-out", async () => {
    const resident = await moveInResident(p, '8D');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} }));
    const item = await getItem(`PROP#${p.id}`, `PASS#${pass.body.id}`);
    // The pass's sentinel now belongs to someone else (as after expiry and reuse).
    const { setAttributes } = await import('../support/dynamo.ts');
    await setAttributes(`PROP#${p.id}`, `CODE#${item!.codeKey}`, { credentialId: 'pin_someone_else' });
    expect((await call('DELETE', `/properties/${p.id}/residents/${resident.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await getItem(`PROP#${p.id}`, `CODE#${item!.codeKey}`))?.credentialId).toBe('pin_someone_else');
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.admin })).body.status).toBe('cancelled');
  });

  it('a used pass still in its grace window stops re-opening at move-out', async () => {
    const q = await newProperty();
    await expectOk(call<Property>('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { passGraceMinutes: 10 } }));
    const resident = await moveInResident(q, '9A');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: resident.token, body: {} }));
    const { setAttributes } = await import('../support/dynamo.ts');
    const graceUntil = new Date(Date.now() + 10 * 60_000).toISOString();
    await setAttributes(`PROP#${q.id}`, `PASS#${pass.body.id}`, { status: 'used', usedAt: new Date().toISOString(), graceUntil, validUntil: graceUntil });
    expect(await liveCredentialsOf(q.id, resident.userId)).toHaveLength(1);
    expect((await call('DELETE', `/properties/${q.id}/residents/${resident.residentId}`, { token: q.tokens.admin })).status).toBe(204);
    expect(await liveCredentialsOf(q.id, resident.userId)).toEqual([]);
  });
});

describe('removing a staff member revokes the passes they made', () => {
  it('their active passes are cancelled and they can no longer act', async () => {
    const p = await newProperty();
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.staff, body: {} }));
    expect((await call('DELETE', `/properties/${p.id}/members/${p.users.staff}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.admin })).body.status).toBe('cancelled');
    expect((await call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.staff, body: {} })).status).toBe(404);
  });
});

describe('a removal under way is not undone', () => {
  it('PUT members on a member being removed is refused (409), so the fence holds', async () => {
    const p = await newProperty();
    const { setAttributes } = await import('../support/dynamo.ts');
    await setAttributes(`PROP#${p.id}`, `MEMBER#${p.users.staff}`, { leaving: new Date().toISOString() });
    const reply = await call<Problem>('PUT', `/properties/${p.id}/members/${p.users.staff}`, { token: p.tokens.admin, body: { role: 'admin' } });
    expect(reply.status).toBe(409);
    expect(reply.body.type).toMatch(/member-leaving$/);
    expect((await getItem(`PROP#${p.id}`, `MEMBER#${p.users.staff}`))?.leaving).toEqual(expect.any(String));
    // Finishing the removal works.
    expect((await call('DELETE', `/properties/${p.id}/members/${p.users.staff}`, { token: p.tokens.admin })).status).toBe(204);
  });
});

describe('pass limits and audited reveals (defects 12, 13)', () => {
  let p: TestProperty;
  beforeAll(async () => {
    p = await newProperty();
  });

  it('a visitor pass may not start more than a year ahead', async () => {
    const far = new Date(Date.now() + 400 * 86400_000);
    const reply = await call<Problem>('POST', `/properties/${p.id}/visitor-passes`, {
      token: p.tokens.resident,
      body: { visitorName: 'Later', startsAt: far.toISOString(), endsAt: new Date(far.getTime() + hour).toISOString() },
    });
    expect(reply.status).toBe(400);
    expect(reply.contentType).toContain('application/problem+json');
    expect(reply.body.errors?.[0]?.path).toBe('startsAt');
    const year9999 = await call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
      token: p.tokens.resident,
      body: { visitorName: 'Later', startsAt: '9999-01-01T00:00:00Z', endsAt: '9999-01-01T01:00:00Z' },
    });
    expect(year9999.status).toBe(400);
  });

  it('a resident holds at most maxActivePassesPerResident active passes (delivery and visitor together)', async () => {
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { maxActivePassesPerResident: 3 } }));
    const resident = await moveInResident(p, '10A');
    await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} }));
    const second = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} }));
    await expectOk(call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: resident.token, body: visitorBody() }));
    const refused = await eventually(async () => {
      const r = await call<Problem>('POST', `/properties/${p.id}/delivery-passes`, { token: resident.token, body: {} });
      return r.status === 409 ? r : undefined;
    }, 5_000);
    expect(refused.body.type).toMatch(/too-many-passes$/);
    // Cancelling one makes room; staff are not capped.
    expect((await call('DELETE', `/properties/${p.id}/delivery-passes/${second.body.id}`, { token: resident.token })).status).toBe(204);
    await eventually(
      async () => (await call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: resident.token, body: visitorBody() })).status === 201,
      5_000,
    );
    for (let i = 0; i < 4; i++) await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.staff, body: {} }));
  });

  it("staff and admins see a resident's pass masked on GET; the reveal is audited; the maker sees the code", async () => {
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { maxActivePassesPerResident: 50 } }));
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const guest = await expectOk(call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, { token: p.tokens.resident, body: visitorBody() }));
    for (const token of [p.tokens.staff, p.tokens.admin]) {
      const got = await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token });
      expect(got.body.code).toBeUndefined();
      expect(got.body.codeHint).toBe(`**${pass.body.code.slice(-2)}`);
      const visitor = await call<VisitorPass>('GET', `/properties/${p.id}/visitor-passes/${guest.body.id}`, { token });
      expect(visitor.body.code).toBeUndefined();
      expect(visitor.body.qr).toBeUndefined();
    }
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body.code).toBe(pass.body.code);
    expect((await call<VisitorPass>('GET', `/properties/${p.id}/visitor-passes/${guest.body.id}`, { token: p.tokens.resident })).body.code).toBe(guest.body.code);
    const revealed = await call('POST', `/properties/${p.id}/delivery-passes/${pass.body.id}/reveal`, { token: p.tokens.staff });
    expect(revealed).toMatchObject({ status: 200, body: { code: pass.body.code } });
    const revealedGuest = await call('POST', `/properties/${p.id}/visitor-passes/${guest.body.id}/reveal`, { token: p.tokens.admin });
    expect(revealedGuest.body).toMatchObject({ code: guest.body.code, qr: expect.any(String) });
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=20`, { token: p.tokens.admin })).body.items;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: p.users.staff, action: 'delivery-pass.revealed', target: { type: 'delivery-pass', id: pass.body.id } }),
        expect.objectContaining({ actor: p.users.admin, action: 'visitor-pass.revealed', target: { type: 'visitor-pass', id: guest.body.id } }),
      ]),
    );
    // A neighbour cannot reveal another resident's pass.
    const neighbour = await moveInResident(p, '11B');
    expect((await call('POST', `/properties/${p.id}/delivery-passes/${pass.body.id}/reveal`, { token: neighbour.token })).status).toBe(404);
  });
});
