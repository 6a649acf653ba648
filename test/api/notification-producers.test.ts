import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, stack, type TestProperty } from '../support/api.ts';
import { getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { storedMails } from '../../local/ses.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import type { NotificationRecord, NotificationSender, OutgoingMessage } from '../../functions/domain/notifications.ts';

/**
 * Issue 11 item 5, the producers that are not packages or calls: each queues one record per
 * channel the resident chose, in the same transaction as its cause, and a retried or replayed
 * cause queues nothing more. Domain code in this process against the suite's DynamoDB Local
 * (the claim and the access event come from a panel, over MQTT in production).
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { claimPass } = await import('../../functions/domain/pass-claims.ts');
const { panelRefById } = await import('../../functions/domain/panels.ts');
const { recordAccessEvent } = await import('../../functions/domain/access-events.ts');
const { createVisitorPass, revokeVisitorPass } = await import('../../functions/domain/visitor-passes.ts');
const { deliverNotification } = await import('../../functions/domain/notifications.ts');
const { workerStores } = await import('../../functions/handlers/notifications.ts');

let stores: Stores;
let p: TestProperty;
let panelId: string;

beforeAll(async () => {
  stores = await loadStores();
  p = await newProperty('Producer Tower');
  panelId = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Front', kind: 'entrance' } }))).body.id;
  // The resident hears of deliveries by app and e-mail.
  await expectOk(
    call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { email: 'riley@example.com' }, notify: { deliveries: ['app', 'email'] } } }),
  );
});

/** Every record of the property (all pages), straight from the table: what the worker will send. */
async function records(): Promise<NotificationRecord[]> {
  const all: NotificationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.notifications.page(p.id, { limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

const claim = async (what: { credentialId?: string; code?: string }, attemptId = randomUUID(), eventId = ulid()) =>
  claimPass(stores, (await panelRefById(stores, panelId))!, { op: 'pass.claim', attemptId, eventId, at: new Date().toISOString(), ...what } as Parameters<typeof claimPass>[2]);

describe('pass-used', () => {
  it("a resident's pass used by code: one record per chosen channel, with the pass and the event; a retried claim adds none", async () => {
    const pass = (await expectOk(call<{ id: string; code: string }>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: { note: 'Books' } }))).body;
    const attemptId = randomUUID();
    const eventId = ulid();
    expect(await claim({ code: pass.code }, attemptId, eventId)).toMatchObject({ decision: 'granted', credentialId: pass.id });
    // The reply was lost: the panel asks again with the same attempt; and a second courier tries the code.
    expect(await claim({ code: pass.code }, attemptId, eventId)).toMatchObject({ decision: 'granted', credentialId: pass.id });
    expect(await claim({ credentialId: pass.id }, attemptId, eventId)).toMatchObject({ decision: 'granted', credentialId: pass.id });
    expect(await claim({ code: pass.code })).toMatchObject({ decision: 'denied', reason: 'already-used' });
    const used = (await records()).filter((n) => n.passId === pass.id);
    expect(used.map((n) => n.channel).sort()).toEqual(['app', 'email']);
    for (const n of used) expect(n).toMatchObject({ kind: 'pass-used', residentId: p.residentId, accessEventId: eventId });
    expect(used.find((n) => n.channel === 'email')?.to).toBe('riley@example.com');
    // The resident sees them (masked) in GET .../notifications.
    const mine = (await call<{ items: Array<{ kind: string; to: string }> }>('GET', `/properties/${p.id}/notifications`, { token: p.tokens.resident })).body.items;
    expect(mine.filter((n) => n.kind === 'pass-used').map((n) => n.to)).toEqual(expect.arrayContaining(['app', 'r***@example.com']));
  });

  it('by id, two claims racing for one pass: one grant, one set of records', async () => {
    const pass = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }))).body;
    const results = await Promise.all([claim({ credentialId: pass.id }), claim({ credentialId: pass.id }), claim({ credentialId: pass.id })]);
    expect(results.filter((r) => r?.decision === 'granted')).toHaveLength(1);
    expect((await records()).filter((n) => n.passId === pass.id && n.kind === 'pass-used')).toHaveLength(2);
  });

  it("a staff member's pass notifies no one", async () => {
    const pass = (await expectOk(call<{ id: string; code: string }>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.staff, body: {} }))).body;
    expect(await claim({ code: pass.code })).toMatchObject({ decision: 'granted' });
    expect((await records()).filter((n) => n.passId === pass.id)).toEqual([]);
  });
});

describe('visitor-arrived', () => {
  const visitorPass = async (token: string) => {
    const now = Date.now();
    const body = { visitorName: 'Vera', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString() };
    return (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/visitor-passes`, { token, body }))).body;
  };
  const entry = async (credentialId: string, decision: 'granted' | 'denied' = 'granted', eventId = ulid()) => {
    const panel = (await stores.panelRecords.get({ id: panelId, propertyId: p.id }))!;
    return recordAccessEvent(stores, panel, { protocolVersion: '1.2', eventId, at: new Date().toISOString(), method: 'visitor', decision, credentialId });
  };

  it('the first granted entry tells the inviting resident once per chosen channel; a re-sent event and later entries add none', async () => {
    const pass = await visitorPass(p.tokens.resident);
    expect(await entry(pass.id, 'denied')).toBe('recorded');
    expect((await records()).filter((n) => n.passId === pass.id)).toEqual([]);
    const first = ulid();
    // Two panels report entries at once, and the first is re-sent (a lost PUBACK).
    const results = await Promise.all([entry(pass.id, 'granted', first), entry(pass.id, 'granted', first), entry(pass.id)]);
    expect(results.sort()).toEqual(['duplicate', 'recorded', 'recorded']);
    expect(await entry(pass.id)).toBe('recorded');
    const arrived = (await records()).filter((n) => n.passId === pass.id);
    expect(arrived.map((n) => n.channel).sort()).toEqual(['app', 'email']);
    for (const n of arrived) expect(n).toMatchObject({ kind: 'visitor-arrived', residentId: p.residentId });
    // Both records name the one event that was the first, which the pass remembers.
    const stored = await stores.passes.get('visitor-pass', p.id, pass.id);
    expect(new Set(arrived.map((n) => n.accessEventId))).toEqual(new Set([stored?.arrivedEventId]));
    // Every entry is on the record (the denied one, two grants reported at once, the later one).
    const events = (await stores.accessEvents.page(p.id, { fromId: '', toId: '~', limit: 100 })).items.filter((e) => e.credentialId === pass.id);
    expect(events).toHaveLength(4);
  });

  it("a staff member's visitor pass notifies no one", async () => {
    const pass = await visitorPass(p.tokens.staff);
    expect(await entry(pass.id)).toBe('recorded');
    expect((await records()).filter((n) => n.passId === pass.id)).toEqual([]);
  });
});

describe('visitor-invitation', () => {
  const suffix = ulid().slice(-8).toLowerCase();

  it('POST visitor-passes with visitorEmail: one e-mail record with the pass; the code and QR token are sealed at rest, mailed, then dropped', async () => {
    const visitorEmail = `vera.${suffix}@example.com`;
    const now = Date.now();
    const body = { visitorName: 'Vera Visitor', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3 * 3600_000).toISOString(), visitorEmail };
    const pass = (await expectOk(call<{ id: string; code: string; qr: string }>('POST', `/properties/${p.id}/visitor-passes`, { token: p.tokens.resident, body }))).body;
    const invited = (await records()).filter((n) => n.passId === pass.id);
    expect(invited).toEqual([expect.objectContaining({ kind: 'visitor-invitation', channel: 'email', to: visitorEmail, residentId: p.residentId })]);
    const key = [`PROP#${p.id}`, `NOTIF#${invited[0]?.id}`] as const;
    // At rest: neither the code nor the QR token in the clear (sealed while queued, gone once sent).
    const stored = JSON.stringify(await getItem(...key));
    expect(stored).not.toContain(pass.code);
    expect(stored).not.toContain(pass.qr);
    // The stack's worker mails it through the SES stand-in: the property, the visitor, when, the code, the token.
    await eventually(async () => (await getItem(...key))?.status === 'sent', 45_000);
    const mails = (await storedMails(stack().sesEndpoint)).filter((m) => m.destination.to.includes(visitorEmail));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Producer Tower: you are invited');
    for (const part of ['Vera Visitor', 'Producer Tower', pass.code, pass.qr, ' until ']) expect(mails[0]?.body.text).toContain(part);
    expect(await getItem(...key)).not.toHaveProperty('sealed');
    // GET .../notifications shows the record, masked, and no secret.
    const listed = await call('GET', `/properties/${p.id}/notifications?limit=100`, { token: p.tokens.admin });
    expect(JSON.stringify(listed.body)).toContain(invited[0]?.id);
    expect(JSON.stringify(listed.body)).not.toContain(pass.code);
    expect(JSON.stringify(listed.body)).not.toContain(visitorEmail);
  });

  it('no visitorEmail, no invitation', async () => {
    const now = Date.now();
    const body = { visitorName: 'Nia', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString() };
    const pass = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/visitor-passes`, { token: p.tokens.resident, body }))).body;
    expect((await records()).filter((n) => n.passId === pass.id)).toEqual([]);
  });

  it('a pass revoked before the worker gets to its invitation: not sent; a live one is', async () => {
    // Records made an hour ahead: the stack's worker leaves them (not due), this worker runs two hours ahead.
    const ahead = (ms: number) => ({ ...stores, now: () => new Date(Date.now() + ms) });
    const sent: OutgoingMessage[] = [];
    const email: NotificationSender = {
      idempotent: false,
      async send(m) {
        sent.push(m);
        return { messageId: `m-${sent.length}` };
      },
    };
    const worker = workerStores(ahead(2 * 3600_000), { email });
    const caller = { userId: p.users.resident, operator: false };
    const make = async (name: string) => {
      const start = Date.now() + 3600_000;
      const body = {
        visitorName: name,
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 4 * 3600_000).toISOString(),
        visitorEmail: `${name}.${suffix}@example.com`,
      };
      const pass = await createVisitorPass(ahead(3600_000), caller, p.id, body);
      const record = (await records()).find((n) => n.passId === pass.id);
      return { pass, record: record! };
    };
    const revoked = await make('rex');
    const live = await make('liv');
    await revokeVisitorPass(stores, caller, p.id, revoked.pass.id);
    expect(await deliverNotification(worker, revoked.record)).toBe('failed');
    expect(await getItem(`PROP#${p.id}`, `NOTIF#${revoked.record.id}`)).toMatchObject({ status: 'failed', lastError: 'no longer wanted' });
    expect(await getItem(`PROP#${p.id}`, `NOTIF#${revoked.record.id}`)).not.toHaveProperty('sealed');
    expect(await deliverNotification(worker, live.record)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: `liv.${suffix}@example.com` });
    expect(sent[0]?.text).toContain(live.pass.code);
  });
});
