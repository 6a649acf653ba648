import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLAIMS_PER_PANEL_MINUTE } from '../../functions/domain/pass-claims.ts';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { AuditEntry, ClaimReply, CreatedDeliveryPass, CreatedPanel, DeliveryPass, Page, Property } from '../support/contract.ts';
import { getItem, setAttributes } from '../support/dynamo.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { eventually } from '../support/eventually.ts';

/** Invariant 2 at the protocol level: claims from several panels over MQTT, through the topic rule and handler. */
let p: TestProperty;
const panels: RawPanel[] = [];

beforeAll(async () => {
  p = await newProperty();
  for (let i = 0; i < 5; i++) {
    const created = await expectOk(
      call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: `Door ${i}`, kind: i === 4 ? 'package-room' : 'entrance' } }),
    );
    panels.push(await connectRawPanel(created.body.connection));
  }
});
afterAll(async () => {
  await Promise.all(panels.map((panel) => panel.close()));
});

const claim = (panel: RawPanel, credentialId: string, attemptId = randomUUID(), extra: Record<string, unknown> = {}) =>
  panel.request<ClaimReply>({ op: 'pass.claim', attemptId, credentialId, eventId: ulid(), at: new Date().toISOString(), ...extra }, 20_000);

describe('single-use pass redemption', () => {
  it('50 concurrent redemptions of one pass from 5 panels: exactly one granted', async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => claim(panels[i % 5]!, pass.body.id)));
    expect(replies.filter((r) => r.decision === 'granted')).toHaveLength(1);
    expect(replies.filter((r) => r.decision === 'denied').every((r) => r.reason === 'already-used')).toBe(true);
    const stored = await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident });
    expect(stored.body).toMatchObject({ status: 'used', usedAt: expect.any(String), eventId: expect.any(String) });
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=100`, { token: p.tokens.admin })).body.items;
    expect(audit.filter((a) => a.action === 'delivery-pass.redeemed' && a.target.id === pass.body.id)).toHaveLength(1);
  });

  it('lost reply: the same attempt id twice is granted twice, one redemption recorded', async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const attemptId = randomUUID();
    const first = await claim(panels[0]!, pass.body.id, attemptId);
    const again = await claim(panels[0]!, pass.body.id, attemptId);
    expect(first.decision).toBe('granted');
    expect(again.decision).toBe('granted');
    expect((await claim(panels[1]!, pass.body.id)).reason).toBe('already-used');
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=100`, { token: p.tokens.admin })).body.items;
    expect(audit.filter((a) => a.action === 'delivery-pass.redeemed' && a.target.id === pass.body.id)).toHaveLength(1);
    const item = await getItem(`PROP#${p.id}`, `PASS#${pass.body.id}`);
    expect(item?.attemptId).toBe(attemptId);
  });

  it('cancelled, expired and unknown passes are denied with the reason', async () => {
    const cancelled = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    await call('DELETE', `/properties/${p.id}/delivery-passes/${cancelled.body.id}`, { token: p.tokens.resident });
    expect(await claim(panels[0]!, cancelled.body.id)).toMatchObject({ decision: 'denied', reason: 'cancelled' });

    const expiring = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: { validHours: 1 } }));
    // Move the pass's expiry into the past: the clock has run out.
    await setAttributes(`PROP#${p.id}`, `PASS#${expiring.body.id}`, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await claim(panels[0]!, expiring.body.id)).toMatchObject({ decision: 'denied', reason: 'expired' });
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${expiring.body.id}`, { token: p.tokens.resident })).body.status).toBe('expired');

    expect(await claim(panels[0]!, 'dp_nope')).toMatchObject({ decision: 'denied', reason: 'unknown-pass' });
  });

  it('with passGraceMinutes the courier may re-enter during the grace period: still one redemption', async () => {
    const q = await newProperty();
    await expectOk(call<Property>('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { passGraceMinutes: 5 } }));
    const door = await expectOk(call<CreatedPanel>('POST', `/properties/${q.id}/panels`, { token: q.tokens.admin, body: { name: 'Door', kind: 'entrance' } }));
    const panel = await connectRawPanel(door.body.connection);
    try {
      const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
      expect((await claim(panel, pass.body.id)).decision).toBe('granted');
      expect(await claim(panel, pass.body.id)).toMatchObject({ decision: 'granted', reason: 'grace-reentry' });
      await setAttributes(`PROP#${q.id}`, `PASS#${pass.body.id}`, { graceUntil: new Date(Date.now() - 1000).toISOString() });
      expect(await claim(panel, pass.body.id)).toMatchObject({ decision: 'denied', reason: 'already-used' });
      const audit = (await call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?limit=100`, { token: q.tokens.admin })).body.items;
      expect(audit.filter((a) => a.action === 'delivery-pass.redeemed')).toHaveLength(1);
    } finally {
      await panel.close();
    }
  });

  it("a panel of another property cannot claim this property's pass", async () => {
    const q = await newProperty('Elsewhere');
    const door = await expectOk(call<CreatedPanel>('POST', `/properties/${q.id}/panels`, { token: q.tokens.admin, body: { name: 'Their door', kind: 'entrance' } }));
    const stranger = await connectRawPanel(door.body.connection);
    try {
      const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
      expect(await claim(stranger, pass.body.id)).toMatchObject({ decision: 'denied', reason: 'unknown-pass' });
      expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body.status).toBe('active');
      expect((await claim(panels[0]!, pass.body.id)).decision).toBe('granted');
    } finally {
      await stranger.close();
    }
  });

  it('offline redemption is reconciled: recorded as used at the time of entry; a second offline use is flagged', async () => {
    // Offline grants exist only under this policy (under deny the cloud refuses them: test/panel-protocol/panel-trust.test.ts).
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { offlinePassPolicy: 'allow-once-and-reconcile' } }));
    // A panel the cloud never heard from cannot have been offline with a pass: these two have heartbeated.
    for (const panel of [panels[2]!, panels[3]!]) {
      const id = panel.client.options.clientId!;
      await panel.publish(`lobby/panels/${id}/heartbeat`, { at: new Date().toISOString(), credentials: { version: 0, digest: '0'.repeat(64) } });
      await eventually(async () => (await getItem(`PROP#${p.id}`, `PANEL#${id}`))?.heardAt);
    }
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    // Entered after the pass was made (a claim dated before that is refused: panel-trust.test.ts).
    await new Promise((r) => setTimeout(r, 50));
    const enteredAt = new Date(Date.now() - 20).toISOString();
    expect((await claim(panels[2]!, pass.body.id, randomUUID(), { offline: true, at: enteredAt })).decision).toBe('granted');
    const stored = await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.admin });
    expect(stored.body).toMatchObject({ status: 'used', usedAt: enteredAt });
    expect((await claim(panels[3]!, pass.body.id, randomUUID(), { offline: true })).decision).toBe('denied');
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=100`, { token: p.tokens.admin })).body.items;
    expect(audit.some((a) => a.action === 'delivery-pass.redeemed-offline' && a.target.id === pass.body.id)).toBe(true);
    expect(audit.some((a) => a.action === 'delivery-pass.offline-entry-refused' && a.target.id === pass.body.id)).toBe(true);
  });

  it(`the cloud throttles a panel after ${MAX_CLAIMS_PER_PANEL_MINUTE} claims within a minute`, async () => {
    const door = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Hammered door', kind: 'entrance' } }));
    const panel = await connectRawPanel(door.body.connection);
    try {
      // The count is per clock minute: start early in one so that every claim falls into it.
      const leftInMinute = 60_000 - (Date.now() % 60_000);
      if (leftInMinute < 30_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
      const minute = Math.floor(Date.now() / 60_000);
      const reasons: Array<string | undefined> = [];
      for (let i = 0; i < MAX_CLAIMS_PER_PANEL_MINUTE; i++) reasons.push((await claim(panel, `dp_none${i}`)).reason);
      expect(reasons).toEqual(Array(MAX_CLAIMS_PER_PANEL_MINUTE).fill('unknown-pass'));
      // One more, for a real active pass: throttled before it is looked at, so the pass stays active.
      const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
      expect(await claim(panel, pass.body.id)).toMatchObject({ decision: 'denied', reason: 'throttled' });
      expect(await getItem(`PROP#${p.id}`, `THROTTLE#${door.body.id}#${minute}`)).toMatchObject({ claims: MAX_CLAIMS_PER_PANEL_MINUTE + 1 });
      expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body.status).toBe('active');
      // Another panel of the property is not throttled by this one's count.
      expect((await claim(panels[0]!, pass.body.id)).decision).toBe('granted');
    } finally {
      await panel.close();
    }
  }, 180_000);
});
