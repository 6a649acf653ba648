import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, type TestProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { startWebhookReceiver, verifies, type WebhookReceiver } from '../../local/webhooks-receiver.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import type { WebhookWorkerStores } from '../../functions/domain/webhook-events.ts';

/**
 * Webhooks end to end on the local stack: a panel's access event -> the event written in its
 * transaction -> the stack's outbox worker (table stream) fans it out and POSTs it to a receiver
 * on 127.0.0.1, which verifies the Standard Webhooks signature with `standardwebhooks`.
 * Retries are driven by a worker in this process whose clock runs ahead (the domain's `now`):
 * the stack's own schedule, on the real clock, never finds those deliveries due first.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { deliverDueWebhooks, RETRY_WINDOW_SECONDS } = await import('../../functions/domain/webhook-events.ts');
const { webhookTransport } = await import('../../functions/adapters/webhook-sender.ts');

let stores: Stores;
const open: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];
beforeAll(async () => {
  stores = await loadStores();
});
afterAll(async () => {
  for (const o of open) await ('close' in o ? o.close() : o.stop());
});

interface Delivery {
  id: string;
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
}

interface Setup {
  p: TestProperty;
  panel: RawPanel;
  panelId: string;
  receiver: WebhookReceiver;
  hookId: string;
  secret: string;
}

/** A property with a panel and a subscription to access events at a fresh receiver answering `respond(n)` to the n-th request. */
async function setup(respond: (n: number) => number = () => 204): Promise<Setup> {
  const p = await newProperty('Hook Tower');
  const receiver = await startWebhookReceiver({ respond: (_d, n) => respond(n) });
  open.push(receiver);
  const created = await expectOk(
    call<{ id: string; secret: string }>('POST', `/properties/${p.id}/webhooks`, {
      token: p.tokens.admin,
      body: { url: receiver.url, events: ['access.granted', 'access.denied'] },
    }),
  );
  receiver.secrets = [created.body.secret];
  const panelReply = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Front door', kind: 'entrance' } }));
  const panel = await connectRawPanel(panelReply.body.connection);
  open.push(panel);
  return { p, panel, panelId: panelReply.body.id, receiver, hookId: created.body.id, secret: created.body.secret };
}

/** A denied entry at the panel, stored before this returns (so several are recorded in order). */
async function deniedEntry(s: Setup): Promise<string> {
  const eventId = ulid();
  await s.panel.publish(`lobby/panels/${s.panelId}/events`, { eventId, at: new Date().toISOString(), method: 'delivery-pin', decision: 'denied', reason: 'unknown-code' });
  await eventually(() => getItem(`PROP#${s.p.id}`, `EVENT#${eventId}`));
  return eventId;
}

const deliveries = async (s: Setup) =>
  (await expectOk(call<{ items: Delivery[] }>('GET', `/properties/${s.p.id}/webhooks/${s.hookId}/deliveries?limit=100`, { token: s.p.tokens.admin }))).body.items;

/** The outbox worker of this test's property only, its clock `offsetSeconds` ahead. */
function worker(propertyId: string, offsetSeconds: number): WebhookWorkerStores {
  const webhooks = stores.webhooks;
  return {
    stores: {
      vault: stores.vault,
      webhooks: { ...webhooks, due: async (at) => (await webhooks.due(at)).filter((d) => ('event' in d ? d.event : d.delivery).propertyId === propertyId) },
    },
    send: webhookTransport({ allowLoopback: true }),
    now: () => new Date(Date.now() + offsetSeconds * 1000),
  };
}
/** Runs the worker at the delivery's next attempt time (plus a second). */
async function atNextAttempt(s: Setup, delivery: Delivery) {
  const offset = Math.ceil((Date.parse(present(delivery.nextAttemptAt, 'nextAttemptAt')) - Date.now()) / 1000) + 1;
  return deliverDueWebhooks(worker(s.p.id, offset));
}

describe('webhook delivery', () => {
  it('an access event at a panel reaches the receiver, signed (verified with standardwebhooks), ids only; the log says delivered', async () => {
    const s = await setup();
    const eventId = await deniedEntry(s);
    const got = await eventually(() => s.receiver.received[0]);
    expect(got.verifiedWith).toEqual([true]);
    expect(got.id).toMatch(/^evt_/);
    expect(got.payload).toMatchObject({
      type: 'access.denied',
      timestamp: expect.any(String),
      data: { accessEventId: eventId, decision: 'denied', method: 'delivery-pin', reason: 'unknown-code' },
    });
    expect(got.body).not.toMatch(/photo|https?:/);
    const [logged] = await eventually(async () => ((await deliveries(s))[0]?.status === 'delivered' ? deliveries(s) : undefined));
    expect(logged).toMatchObject({ eventId: got.id, type: 'access.denied', status: 'delivered', attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(s.receiver.received).toHaveLength(1);
  });

  it('a receiver answering 500 then 200: retried after its backoff with the same webhook-id, delivered once, attempts 2', async () => {
    const s = await setup((n) => (n === 0 ? 500 : 200));
    await deniedEntry(s);
    const first = await eventually(async () => ((await deliveries(s))[0]?.status === 'retrying' ? (await deliveries(s))[0] : undefined));
    expect(first).toMatchObject({ attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    // The backoff counts from when the attempt ended (a send takes a little while).
    const wait = Date.parse(present(first.nextAttemptAt, 'next')) - Date.parse(present(first.lastAttemptAt, 'last'));
    expect(wait).toBeGreaterThanOrEqual(30_000);
    expect(wait).toBeLessThan(35_000);
    // Not due yet: nothing is sent.
    await deliverDueWebhooks(worker(s.p.id, 0));
    expect(s.receiver.received).toHaveLength(1);
    await atNextAttempt(s, first);
    expect(s.receiver.received.map((r) => r.status)).toEqual([500, 200]);
    expect(s.receiver.received[1]?.id).toBe(s.receiver.received[0]?.id);
    expect(s.receiver.received[1]?.body).toBe(s.receiver.received[0]?.body);
    expect((await deliveries(s))[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });
    await deliverDueWebhooks(worker(s.p.id, 7200));
    expect(s.receiver.received).toHaveLength(2);
  });

  it('always 500: attempts back off (30 s doubling, capped at 1 h) until 24 h after the first, then parked; a manual retry delivers it; a second retry is 409', async () => {
    let answer = 500;
    const s = await setup(() => answer);
    await deniedEntry(s);
    let d = await eventually(async () => ((await deliveries(s))[0]?.status === 'retrying' ? (await deliveries(s))[0] : undefined));
    for (let i = 0; i < 60 && d.status === 'retrying'; i++) {
      await atNextAttempt(s, d);
      d = present((await deliveries(s))[0], 'delivery');
    }
    expect(d).toMatchObject({ status: 'parked', lastStatusCode: 500, nextAttemptAt: null });
    const times = s.receiver.received.map((r) => r.timestamp);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // Each gap: the backoff after the attempt ended, plus the second this worker waits past it.
    [30, 60, 120, 240, 480, 960, 1920].forEach((backoff, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(backoff);
      expect(gaps[i]).toBeLessThanOrEqual(backoff + 4);
    });
    for (const gap of gaps.slice(7)) {
      expect(gap).toBeGreaterThanOrEqual(3600);
      expect(gap).toBeLessThanOrEqual(3604);
    }
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(RETRY_WINDOW_SECONDS);
    expect((times.at(-2) ?? 0) - (times[0] ?? 0)).toBeLessThan(RETRY_WINDOW_SECONDS);
    expect(d.attempts).toBe(times.length);
    // Parked: nothing more, however late.
    await deliverDueWebhooks(worker(s.p.id, 3 * 86400));
    expect(s.receiver.received).toHaveLength(d.attempts);

    answer = 204;
    const retried = await call<Delivery>('POST', `/properties/${s.p.id}/webhooks/${s.hookId}/deliveries/${d.id}/retry`, { token: s.p.tokens.admin });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: d.id, status: 'queued' });
    // The stack's schedule or this worker sends it (a claim each: once).
    await deliverDueWebhooks(worker(s.p.id, 1));
    const done = await eventually(async () => ((await deliveries(s))[0]?.status === 'delivered' ? (await deliveries(s))[0] : undefined));
    expect(done.attempts).toBe(d.attempts + 1);
    expect(s.receiver.received.at(-1)).toMatchObject({ id: s.receiver.received[0]?.id, status: 204, verifiedWith: [true] });
    expect((await call('POST', `/properties/${s.p.id}/webhooks/${s.hookId}/deliveries/${d.id}/retry`, { token: s.p.tokens.admin })).status).toBe(409);
    expect((await call('POST', `/properties/${s.p.id}/webhooks/${s.hookId}/deliveries/${d.id}/retry`, { token: s.p.tokens.staff })).status).toBe(403);
  });

  it('secret rotation: both signatures verify during the 24 h overlap, only the new one after it', async () => {
    const s = await setup((n) => (n === 1 ? 500 : 204));
    const rotated = await expectOk(call<{ secret: string }>('POST', `/properties/${s.p.id}/webhooks/${s.hookId}/rotate-secret`, { token: s.p.tokens.admin }));
    s.receiver.secrets = [s.secret, rotated.body.secret];
    await deniedEntry(s);
    const during = await eventually(() => s.receiver.received[0]);
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(during.verifiedWith).toEqual([true, true]);
    // The second event's first attempt fails; its retry comes 25 h later, after the overlap.
    await deniedEntry(s);
    const second = await eventually(async () => (await deliveries(s)).find((x) => x.status === 'retrying'));
    expect(s.receiver.received[1]?.verifiedWith).toEqual([true, true]);
    await deliverDueWebhooks(worker(s.p.id, 25 * 3600));
    const after = present(s.receiver.received[2], 'the retry after the overlap');
    expect(after.id).toBe(second.eventId);
    expect(after.signature.split(' ')).toHaveLength(1);
    const headers = { 'webhook-id': after.id, 'webhook-timestamp': String(after.timestamp), 'webhook-signature': after.signature };
    expect(verifies(rotated.body.secret, after.body, headers, true)).toBe(true);
    expect(verifies(s.secret, after.body, headers, true)).toBe(false);
  });

  it('in order per subscription: three events in a row arrive in order although the first needed a retry', async () => {
    const s = await setup((n) => (n === 0 ? 503 : 204));
    const events = [await deniedEntry(s), await deniedEntry(s), await deniedEntry(s)];
    // All three fanned out; only the first was tried (and failed): the others wait behind it.
    const listed = await eventually(async () => {
      const all = await deliveries(s);
      return all.length === 3 && all.some((x) => x.status === 'retrying') ? all : undefined;
    });
    expect(s.receiver.received).toHaveLength(1);
    expect(listed.map((x) => x.status)).toEqual(['queued', 'queued', 'retrying']);
    const retrying = present(
      listed.find((x) => x.status === 'retrying'),
      'retrying',
    );
    await atNextAttempt(s, retrying);
    const order = s.receiver.received.map((r) => r.payload?.data.accessEventId);
    expect(order).toEqual([events[0], ...events]);
    expect(s.receiver.received.map((r) => r.status)).toEqual([503, 204, 204, 204]);
    expect((await deliveries(s)).map((x) => x.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('a subscription to other types gets nothing; a disabled one gets nothing', async () => {
    const s = await setup();
    await expectOk(call('PATCH', `/properties/${s.p.id}/webhooks/${s.hookId}`, { token: s.p.tokens.admin, body: { events: ['package.delivered'] } }));
    const other = await startWebhookReceiver();
    open.push(other);
    const disabled = await expectOk(
      call<{ id: string }>('POST', `/properties/${s.p.id}/webhooks`, { token: s.p.tokens.admin, body: { url: other.url, events: ['access.denied'] } }),
    );
    await expectOk(call('PATCH', `/properties/${s.p.id}/webhooks/${disabled.body.id}`, { token: s.p.tokens.admin, body: { enabled: false } }));
    const eventId = await deniedEntry(s);
    // The event was recorded without a webhook event (no enabled subscription wants it).
    await deliverDueWebhooks(worker(s.p.id, 60));
    expect(await getItem(`PROP#${s.p.id}`, `EVENT#${eventId}`)).toBeDefined();
    expect(s.receiver.received).toHaveLength(0);
    expect(other.received).toHaveLength(0);
  });
});
