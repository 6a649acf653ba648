import { ulid } from 'ulid';
import { inBatches } from './concurrency.ts';
import { claimRecord, exponentialBackoff, plusSeconds } from './outbox.ts';
import type { Write } from './records.ts';
import type { Stores } from './stores.ts';
import { type DeliveryRef, enabledSubscriptions, liveSecrets, type WebhookDelivery, type WebhookEvent, type WebhookEventType, type WebhookRecord } from './webhooks.ts';

/*
 * Webhook events and their delivery, on the shared outbox (outbox.ts).
 *
 * Producing: a cause that is a DynamoDB write adds `webhookEventWrites(...)` to its transaction:
 * ONE event record per property event, and only when an enabled subscription wants its type.
 * Fan-out: the outbox worker (handlers/notifications.ts, on the table stream and its schedule)
 * turns an event into one delivery per subscription, each a conditional put (idempotent: a
 * replayed event or a second worker adds nothing).
 * Order per subscription: every delivery also gets a queue entry under its subscription, keyed by
 * the event's ULID; the worker sends only the head of that queue (the oldest not delivered or
 * parked) and, after delivering it, goes on with the next. A delivery that is not the head
 * waits, however due it is: a retry of the first holds back the second and third.
 * Delivery: signed with every live secret (Standard Webhooks; the adapter signs), `webhook-id` =
 * the event id on every attempt, `webhook-timestamp` = the send time. Any 2xx is delivered;
 * anything else (an error status, a timeout, a refused address) is retried with backoff (30 s
 * doubling, capped at an hour) until 24 h after the first attempt, then parked.
 */

export type WebhookOutcome = 'delivered' | 'retry' | 'parked' | 'waiting' | 'skipped';

/** Retries go on until this long after the first attempt. */
export const RETRY_WINDOW_SECONDS = 24 * 3600;
export const webhookBackoffSeconds = exponentialBackoff(30, 3600);
/** How long one worker keeps sending one subscription's queue before leaving the rest to the schedule. */
const DRAIN_MS = 30_000;
/** Deliveries sent at once by one worker (each its own subscription's head). */
const CONCURRENCY = 16;

/** The request the adapter sends (webhook-sender.ts): it resolves and checks the address, signs and posts. */
export interface WebhookRequest {
  url: string;
  eventId: string;
  timestamp: Date;
  body: string;
  /** Every live secret, newest first: one `v1,` signature each. */
  secrets: string[];
}
/** `status`: the receiver's HTTP status; `error`: no answer (refused address, timeout, connection) with a short reason. */
export type WebhookResponse = { status: number } | { error: string };
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;

export interface WebhookWorkerStores {
  stores: Pick<Stores, 'webhooks' | 'vault'>;
  send: WebhookTransport;
  now(): Date;
}

/**
 * The event record for the cause's transaction, or none when no enabled subscription of the
 * property wants `type` (the subscriptions are a cached read: see webhooks.ts).
 */
export async function webhookEventWrites(stores: Pick<Stores, 'webhooks'>, propertyId: string, type: WebhookEventType, data: Record<string, unknown>, at: Date): Promise<Write[]> {
  const subscriptions = await enabledSubscriptions(stores, propertyId);
  if (!subscriptions.some((s) => s.events.includes(type))) return [];
  return [stores.webhooks.event({ id: `evt_${ulid(at.getTime())}`, propertyId, type, timestamp: at.toISOString(), data })];
}

/** The body every delivery of an event sends. */
export const webhookPayload = (event: WebhookEvent) => JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });

const deliveryIdOf = (eventId: string) => `wdl_${eventId.replace(/^evt_/, '')}`;

/** One delivery per subscription that wants the event (idempotent), then each subscription's queue is worked. */
export async function fanOut(worker: WebhookWorkerStores, ref: { propertyId: string; id: string }): Promise<Record<WebhookOutcome, number>> {
  const { webhooks } = worker.stores;
  const event = await webhooks.getEvent(ref.propertyId, ref.id);
  const counts = zero();
  if (!event) return counts;
  const subscriptions = (await webhooks.list(event.propertyId)).filter((s) => s.enabled && s.events.includes(event.type));
  const payload = webhookPayload(event);
  const now = worker.now().toISOString();
  for (const s of subscriptions) {
    await webhooks.addDelivery({
      propertyId: event.propertyId,
      webhookId: s.id,
      id: deliveryIdOf(event.id),
      eventId: event.id,
      type: event.type,
      payload,
      status: 'queued',
      attempts: 0,
      createdAt: now,
    });
  }
  await webhooks.fannedOut(event.propertyId, event.id);
  await inBatches(subscriptions, CONCURRENCY, async (s) => addTo(counts, await drain(worker, event.propertyId, s.id)));
  return counts;
}

const zero = (): Record<WebhookOutcome, number> => ({ delivered: 0, retry: 0, parked: 0, waiting: 0, skipped: 0 });
const addTo = (counts: Record<WebhookOutcome, number>, more: Record<WebhookOutcome, number>) => {
  for (const k of Object.keys(more) as WebhookOutcome[]) counts[k] += more[k];
};

/** Sends the subscription's queue head, then the next, until one is not delivered (it waits for its retry) or the queue is empty. */
async function drain(worker: WebhookWorkerStores, propertyId: string, webhookId: string): Promise<Record<WebhookOutcome, number>> {
  const counts = zero();
  // At most 100 and ~30 s in one go (the function has 60 s; a send may take 10): the schedule goes on with the rest.
  const until = Date.now() + DRAIN_MS;
  for (let sent = 0; sent < 100 && Date.now() < until; sent++) {
    const head = await worker.stores.webhooks.head(propertyId, webhookId);
    if (!head) break;
    const outcome = await deliverWebhook(worker, { propertyId, webhookId, id: head });
    counts[outcome]++;
    if (outcome !== 'delivered' && outcome !== 'parked') break;
  }
  return counts;
}

/**
 * One delivery, if it is its subscription's head and due (or its claim lapsed). A delivery that
 * is done but still at the head (a worker died between settling and dequeuing) is dequeued.
 */
export async function deliverWebhook(worker: WebhookWorkerStores, ref: DeliveryRef): Promise<WebhookOutcome> {
  const { webhooks } = worker.stores;
  const head = await webhooks.head(ref.propertyId, ref.webhookId);
  if (head !== ref.id) {
    const current = await webhooks.getDelivery(ref);
    if (current && (current.status === 'delivered' || current.status === 'parked')) await webhooks.dequeue(ref);
    return head ? 'waiting' : 'skipped';
  }
  const now = worker.now();
  const queue = { get: (r: DeliveryRef) => webhooks.getDelivery(r), claim: (r: DeliveryRef, at: string, lease: string) => webhooks.claim(r, at, lease) };
  const taken = await claimRecord(queue, ref, now);
  if (!taken) {
    const current = await webhooks.getDelivery(ref);
    if (current && (current.status === 'delivered' || current.status === 'parked')) await webhooks.dequeue(ref);
    return 'skipped';
  }
  const { claimed } = taken;
  const subscription = await webhooks.get(ref.propertyId, ref.webhookId);
  const at = now.toISOString();
  if (!subscription?.enabled) {
    await webhooks.parked(claimed, at, at, { error: subscription ? 'webhook disabled' : 'webhook deleted' });
    await webhooks.dequeue(ref);
    return 'parked';
  }
  const response = await send(worker, subscription, claimed, now);
  const done = worker.now();
  if ('status' in response && response.status >= 200 && response.status < 300) {
    await webhooks.delivered(claimed, at, done.toISOString(), response.status);
    await webhooks.dequeue(ref);
    return 'delivered';
  }
  const result = 'status' in response ? { statusCode: response.status, error: `HTTP ${response.status}` } : { error: response.error };
  const first = Date.parse(claimed.firstAttemptAt ?? at);
  if (done.getTime() - first >= RETRY_WINDOW_SECONDS * 1000) {
    await webhooks.parked(claimed, at, done.toISOString(), result);
    await webhooks.dequeue(ref);
    return 'parked';
  }
  await webhooks.retryLater(claimed, at, plusSeconds(done, webhookBackoffSeconds(claimed.attempts)), result);
  return 'retry';
}

function send(worker: WebhookWorkerStores, subscription: WebhookRecord, delivery: WebhookDelivery, now: Date): Promise<WebhookResponse> {
  return worker
    .send({ url: subscription.url, eventId: delivery.eventId, timestamp: now, body: delivery.payload, secrets: liveSecrets(worker.stores, subscription, now) })
    .catch((error: unknown) => ({
      error: (error as Error)?.name ?? 'Error',
    }));
}

/** The schedule: events not yet fanned out, and deliveries whose retry is due or whose claim lapsed. */
export async function deliverDueWebhooks(worker: WebhookWorkerStores): Promise<Record<WebhookOutcome, number>> {
  const due = await worker.stores.webhooks.due(worker.now().toISOString());
  const counts = zero();
  const add = (c: Record<WebhookOutcome, number>) => addTo(counts, c);
  const events = due.flatMap((d) => ('event' in d ? [d.event] : []));
  await inBatches(events, CONCURRENCY, async (e) => add(await fanOut(worker, e)));
  const deliveries = due.flatMap((d) => ('delivery' in d ? [d.delivery] : []));
  // One subscription's deliveries one after another (its queue order); subscriptions in parallel.
  const bySubscription = new Map<string, DeliveryRef>();
  for (const d of deliveries) bySubscription.set(`${d.propertyId}/${d.webhookId}`, d);
  await inBatches([...bySubscription.values()], CONCURRENCY, async (d) => add(await drain(worker, d.propertyId, d.webhookId)));
  return counts;
}
