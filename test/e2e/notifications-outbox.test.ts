import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import type { NotificationSender, OutgoingMessage } from '../../functions/domain/notifications.ts';
import type { QueuedNotification } from '../../functions/domain/notifications.ts';

/**
 * The outbox worker (functions/domain/notifications.ts) on the suite's DynamoDB Local: records
 * written as calls.ts writes them, delivered through scripted senders (the provider's side;
 * the e-mail adapter has its own test against the SES stand-in). Clocks are the worker's own.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { queuedNotificationItem } = await import('../../functions/adapters/notification-repository.ts');
const { LobbyTable } = await import('../../functions/adapters/lobby-table.ts');
const { documents } = await import('../../functions/adapters/dynamo-client.ts');
const { deliverDue, deliverNotification, NotificationSendError, MAX_ATTEMPTS } = await import('../../functions/domain/notifications.ts');
const { workerStores } = await import('../../functions/handlers/notifications.ts');

let p: TestProperty;
let stores: Stores;
/**
 * The stack runs its own worker on every new record (stream) and on due ones (schedule). This
 * file's records are queued a day ahead (not due yet: the stack's worker skips them) and its
 * worker's clock runs a day ahead, so only the scripted providers here ever see them.
 */
const AHEAD_SECONDS = 86_400;
beforeAll(async () => {
  p = await newProperty('Outbox Tower');
  stores = await loadStores();
});

async function queued(channel: QueuedNotification['channel'] = 'email', to = 'riley@example.com'): Promise<QueuedNotification> {
  const n: QueuedNotification = {
    id: `ntf_${ulid()}`,
    propertyId: p.id,
    residentId: p.residentId,
    kind: 'call-missed',
    channel,
    to,
    status: 'queued',
    attempts: 0,
    createdAt: new Date(Date.now() + AHEAD_SECONDS * 1000).toISOString(),
    callId: `call_${ulid()}`,
  };
  await new LobbyTable(documents(), process.env.LOBBY_TABLE ?? '').put(queuedNotificationItem(n));
  return n;
}

/** A provider scripted per call: 'ok', 'down' (refused before accepting), 'timeout' (accepted, then no answer). */
function provider(script: Array<'ok' | 'down' | 'timeout'>, idempotent = false) {
  const accepted: OutgoingMessage[] = [];
  let calls = 0;
  const sender: NotificationSender = {
    idempotent,
    async send(message) {
      const step = script[calls++] ?? 'ok';
      if (step === 'down') throw new NotificationSendError('unavailable', 'ServiceUnavailable');
      // An idempotent provider takes the same token once.
      if (!(idempotent && accepted.some((m) => m.id === message.id))) accepted.push(message);
      if (step === 'timeout') throw new NotificationSendError('unknown', 'TimeoutError');
      return { messageId: `msg-${accepted.length}` };
    },
  };
  return { sender, accepted, calls: () => calls };
}

/** The worker with its clock at `offsetSeconds` from now. */
const worker = (sender: NotificationSender, offsetSeconds = 0) => ({
  ...workerStores(stores, { email: sender }),
  // The due list spans every property: this file's worker takes only its own property's records.
  notifications: { ...stores.notifications, due: async (at: string) => (await stores.notifications.due(at)).filter((r) => r.propertyId === p.id) },
  now: () => new Date(Date.now() + (AHEAD_SECONDS + offsetSeconds) * 1000),
});

const listed = async (id: string) => {
  const page = await expectOk(
    call<{ items: Array<{ id: string; status: string; attempts: number; sentAt?: string }> }>('GET', `/properties/${p.id}/notifications?limit=50`, { token: p.tokens.admin }),
  );
  return page.body.items.find((i) => i.id === id);
};

describe('the notifications outbox worker', () => {
  it('delivers a queued record once, names the property, records the message id; a second run sends nothing', async () => {
    const n = await queued();
    const mail = provider(['ok']);
    expect(await deliverNotification(worker(mail.sender), n)).toBe('sent');
    expect(await deliverNotification(worker(mail.sender), n)).toBe('skipped');
    expect(await deliverDue(worker(mail.sender, 3600))).toMatchObject({ sent: 0 });
    expect(mail.accepted).toHaveLength(1);
    expect(mail.accepted[0]).toMatchObject({ id: n.id, to: 'riley@example.com' });
    expect(mail.accepted[0]?.text).toContain('Outbox Tower');
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: 'msg-1' });
    expect(await listed(n.id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: expect.any(String) });
  });

  it('a provider failing twice then succeeding: retried after its backoff, delivered once with attempts 3', async () => {
    const n = await queued();
    const mail = provider(['down', 'down', 'ok']);
    expect(await deliverNotification(worker(mail.sender), n)).toBe('retry');
    expect(await listed(n.id)).toMatchObject({ status: 'queued', attempts: 1 });
    // Not before the backoff: the schedule leaves it.
    expect(await deliverNotification(worker(mail.sender), n)).toBe('skipped');
    expect(mail.calls()).toBe(1);
    expect(await deliverDue(worker(mail.sender, 31))).toMatchObject({ retry: 1 });
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'queued', attempts: 2 });
    expect(await deliverDue(worker(mail.sender, 31 + 61))).toMatchObject({ sent: 1 });
    expect(mail.accepted).toHaveLength(1);
    expect(mail.calls()).toBe(3);
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'sent', attempts: 3, providerMessageId: 'msg-1' });
    expect(await listed(n.id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('a provider that times out after accepting: still one message (no idempotency token: not asked again)', async () => {
    const n = await queued();
    const mail = provider(['timeout', 'ok']);
    expect(await deliverNotification(worker(mail.sender), n)).toBe('sent');
    expect(await deliverDue(worker(mail.sender, 7200))).toMatchObject({ sent: 0 });
    expect(mail.accepted).toHaveLength(1);
    expect(mail.calls()).toBe(1);
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'sent', unconfirmed: true, attempts: 1 });
  });

  it('a provider that takes the record id as an idempotency token is asked again after a timeout, and sends once', async () => {
    const n = await queued();
    const mail = provider(['timeout', 'ok'], true);
    expect(await deliverNotification(worker(mail.sender), n)).toBe('retry');
    await deliverDue(worker(mail.sender, 31));
    expect(mail.calls()).toBe(2);
    expect(mail.accepted).toHaveLength(1);
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('two workers at once (stream and schedule): one claims, one message', async () => {
    const n = await queued();
    const mail = provider(['ok', 'ok']);
    const outcomes = await Promise.all([deliverNotification(worker(mail.sender), n), deliverNotification(worker(mail.sender), n)]);
    expect(outcomes.sort()).toEqual(['sent', 'skipped']);
    expect(mail.accepted).toHaveLength(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: failed, with the error name and not the address`, async () => {
    const n = await queued();
    const mail = provider(Array(MAX_ATTEMPTS).fill('down'));
    await deliverNotification(worker(mail.sender), n);
    for (let hour = 1; hour < MAX_ATTEMPTS; hour++) await deliverDue(worker(mail.sender, hour * 3600));
    expect(mail.calls()).toBe(MAX_ATTEMPTS);
    const record = await stores.notifications.get(p.id, n.id);
    expect(record).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'ServiceUnavailable' });
    expect(await listed(n.id)).toMatchObject({ status: 'failed' });
  });

  it('a channel the deployment has not set up: failed with "channel not configured", nothing sent', async () => {
    const n = await queued('sms', '+15551234567');
    const mail = provider(['ok']);
    expect(await deliverNotification(worker(mail.sender), n)).toBe('failed');
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'failed', lastError: 'channel not configured: sms' });
    expect(mail.calls()).toBe(0);
  });
});
