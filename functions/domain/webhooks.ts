import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import { conflict, invalid, notFound } from './errors.ts';
import type { OutboxRecord } from './outbox.ts';
import type { Page, Write } from './records.ts';
import type { Stores } from './stores.ts';

/*
 * Webhook subscriptions (API.md "Integrations"): an admin points a URL at some event types and
 * gets a Standard Webhooks secret once. Events are written in the transaction of their cause
 * (webhook-events.ts), fanned out to one delivery per subscription by the outbox worker, and
 * delivered in order per subscription, at least once, signed with every live secret.
 */

export type WebhookEventType =
  | 'access.granted'
  | 'access.denied'
  | 'delivery-pass.used'
  | 'package.delivered'
  | 'package.picked-up'
  | 'call.missed'
  | 'resident.moved-out'
  | 'panel.offline'
  | 'panel.online'
  | 'credential.sync-failed';

/** A signing secret as kept: sealed with the code vault; `retiresAt` once a newer one replaced it. */
export interface WebhookSecret {
  sealed: string;
  createdAt: string;
  retiresAt?: string;
}

export interface WebhookRecord {
  id: string;
  propertyId: string;
  url: string;
  events: WebhookEventType[];
  description?: string;
  enabled: boolean;
  createdAt: string;
  updatedAt?: string;
  secretRotatedAt?: string;
  /** Newest first. */
  secrets: WebhookSecret[];
}

export type WebhookView = Omit<WebhookRecord, 'propertyId' | 'secrets'>;

/** One property event, written with its cause; the worker fans it out to the subscriptions for its type. */
export interface WebhookEvent {
  /** `evt_<ULID>`: the `webhook-id` of every delivery of it. */
  id: string;
  propertyId: string;
  type: WebhookEventType;
  /** When it happened (the payload's `timestamp`). */
  timestamp: string;
  /** Ids and plain facts only: never a code, PIN, secret or a URL that grants access. */
  data: Record<string, unknown>;
}

export type WebhookDeliveryStatus = 'queued' | 'sending' | 'delivered' | 'retrying' | 'parked';

export interface DeliveryRef {
  propertyId: string;
  webhookId: string;
  id: string;
}

export interface WebhookDelivery extends OutboxRecord, DeliveryRef {
  status: WebhookDeliveryStatus;
  eventId: string;
  type: WebhookEventType;
  /** The request body, exactly as signed and sent on every attempt. */
  payload: string;
  createdAt: string;
  /** The first attempt: retries go on until 24 h after it, then the delivery is parked. */
  firstAttemptAt?: string;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  deliveredAt?: string;
}

export interface WebhookRepository {
  /** Every subscription of a property (a handful). */
  list(propertyId: string): Promise<WebhookRecord[]>;
  get(propertyId: string, id: string): Promise<WebhookRecord | undefined>;
  put(record: WebhookRecord): Promise<void>;
  remove(propertyId: string, id: string): Promise<boolean>;
  /** A new event: commit it with its cause (stores.table.transact). */
  event(event: WebhookEvent): Write;
  getEvent(propertyId: string, id: string): Promise<WebhookEvent | undefined>;
  /** The event is fanned out: it leaves the due index. */
  fannedOut(propertyId: string, id: string): Promise<void>;
  /** The delivery and its place in its subscription's queue, unless it exists already (false). */
  addDelivery(delivery: WebhookDelivery): Promise<boolean>;
  getDelivery(ref: DeliveryRef): Promise<WebhookDelivery | undefined>;
  /** Newest first. */
  pageDeliveries(propertyId: string, webhookId: string, query: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>>;
  /** The oldest delivery still in the subscription's queue (its id), if any. */
  head(propertyId: string, webhookId: string): Promise<string | undefined>;
  /** Takes a delivered or parked delivery out of its subscription's queue. */
  dequeue(ref: DeliveryRef): Promise<void>;
  claim(ref: DeliveryRef, at: string, leaseUntil: string): Promise<WebhookDelivery | undefined>;
  /** The claim's attempt (at `attemptAt`, when it was claimed) settled: lastAttemptAt, and firstAttemptAt if it was the first. */
  delivered(claimed: WebhookDelivery, attemptAt: string, deliveredAt: string, statusCode: number): Promise<boolean>;
  retryLater(claimed: WebhookDelivery, attemptAt: string, nextAttemptAt: string, result: { statusCode?: number; error: string }): Promise<boolean>;
  parked(claimed: WebhookDelivery, attemptAt: string, at: string, result: { statusCode?: number; error: string }): Promise<boolean>;
  /** parked or retrying -> queued and due at `at`, back in its subscription's queue; 'conflict' when delivered or in flight. */
  requeue(ref: DeliveryRef, at: string): Promise<'requeued' | 'conflict' | 'missing'>;
  /** Open events and deliveries of every property due by `at` (or with a lapsed claim). */
  due(at: string): Promise<Array<{ event: { propertyId: string; id: string } } | { delivery: DeliveryRef }>>;
}

/** Checks a URL before it is saved: undefined when it may be used, else why not (webhook-sender.ts). */
export type CheckWebhookUrl = (url: string) => Promise<string | undefined>;

/** The old secret keeps signing this long after a rotation. */
export const SECRET_OVERLAP_SECONDS = 24 * 3600;

const admins = ['admin'] as const;

/** whsec_ + base64 of 32 random bytes, as the Standard Webhooks spec writes secrets. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export const webhookView = ({ propertyId: _p, secrets: _s, ...view }: WebhookRecord): WebhookView => view;

/** Secrets that still sign at `now`, newest first (unsealed). */
export function liveSecrets(stores: Pick<Stores, 'vault'>, record: WebhookRecord, now: Date): string[] {
  return record.secrets.filter((s) => !s.retiresAt || Date.parse(s.retiresAt) > now.getTime()).map((s) => stores.vault.decrypt(s.sealed));
}

async function usableUrl(check: CheckWebhookUrl, url: string) {
  const reason = await check(url);
  if (reason) throw invalid(`The webhook URL cannot be used: ${reason}`, [{ path: 'url', message: reason }]);
}

async function load(stores: Stores, propertyId: string, id: string) {
  const record = await stores.webhooks.get(propertyId, id);
  if (!record) throw notFound('No such webhook');
  return record;
}

export async function createWebhook(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  input: { url: string; events: WebhookEventType[]; description?: string },
  check: CheckWebhookUrl,
): Promise<WebhookView & { secret: string }> {
  await requireRole(stores, caller, propertyId, admins);
  await usableUrl(check, input.url);
  const now = stores.now().toISOString();
  const secret = newSecret();
  const record: WebhookRecord = {
    id: `whk_${ulid()}`,
    propertyId,
    url: input.url,
    events: input.events,
    ...(input.description ? { description: input.description } : {}),
    enabled: true,
    createdAt: now,
    secrets: [{ sealed: stores.vault.encrypt(secret), createdAt: now }],
  };
  await stores.webhooks.put(record);
  forgetSubscriptions(propertyId);
  return { ...webhookView(record), secret };
}

export async function listWebhooks(stores: Stores, caller: Caller, propertyId: string): Promise<Page<WebhookView>> {
  await requireRole(stores, caller, propertyId, admins);
  return { items: (await stores.webhooks.list(propertyId)).map(webhookView), nextCursor: null };
}

export async function getWebhook(stores: Stores, caller: Caller, propertyId: string, id: string): Promise<WebhookView> {
  await requireRole(stores, caller, propertyId, admins);
  return webhookView(await load(stores, propertyId, id));
}

export async function updateWebhook(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  id: string,
  patch: { url?: string; events?: WebhookEventType[]; enabled?: boolean; description?: string },
  check: CheckWebhookUrl,
): Promise<WebhookView> {
  await requireRole(stores, caller, propertyId, admins);
  const record = await load(stores, propertyId, id);
  if (patch.url !== undefined) await usableUrl(check, patch.url);
  const next: WebhookRecord = { ...record, ...patch, updatedAt: stores.now().toISOString() };
  await stores.webhooks.put(next);
  forgetSubscriptions(propertyId);
  return webhookView(next);
}

export async function deleteWebhook(stores: Stores, caller: Caller, propertyId: string, id: string): Promise<void> {
  await requireRole(stores, caller, propertyId, admins);
  if (!(await stores.webhooks.remove(propertyId, id))) throw notFound('No such webhook');
  forgetSubscriptions(propertyId);
}

/** A new secret; the previous one keeps signing for SECRET_OVERLAP_SECONDS (both `v1,` signatures are sent). */
export async function rotateWebhookSecret(stores: Stores, caller: Caller, propertyId: string, id: string): Promise<{ secret: string }> {
  await requireRole(stores, caller, propertyId, admins);
  const record = await load(stores, propertyId, id);
  const now = stores.now();
  const retiresAt = new Date(now.getTime() + SECRET_OVERLAP_SECONDS * 1000).toISOString();
  const secret = newSecret();
  // Only the current secret overlaps with the new one: anything older retires now.
  const [current] = record.secrets.filter((s) => !s.retiresAt || Date.parse(s.retiresAt) > now.getTime());
  const secrets: WebhookSecret[] = [{ sealed: stores.vault.encrypt(secret), createdAt: now.toISOString() }, ...(current ? [{ ...current, retiresAt }] : [])];
  await stores.webhooks.put({ ...record, secrets, secretRotatedAt: now.toISOString(), updatedAt: now.toISOString() });
  return { secret };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt?: string;
}

export const deliveryView = (d: WebhookDelivery): DeliveryView => ({
  id: d.id,
  eventId: d.eventId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  createdAt: d.createdAt,
  lastAttemptAt: d.lastAttemptAt ?? null,
  lastStatusCode: d.lastStatusCode ?? null,
  lastError: d.lastError ?? null,
  nextAttemptAt: d.nextAttemptAt ?? null,
  ...(d.deliveredAt ? { deliveredAt: d.deliveredAt } : {}),
});

export async function listDeliveries(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  webhookId: string,
  query: { limit: number; cursor?: string },
): Promise<Page<DeliveryView>> {
  await requireRole(stores, caller, propertyId, admins);
  await load(stores, propertyId, webhookId);
  const page = await stores.webhooks.pageDeliveries(propertyId, webhookId, query);
  return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
}

/** A parked (or waiting) delivery goes back in the queue, due now; 409 when delivered or in flight. */
export async function retryDelivery(stores: Stores, caller: Caller, propertyId: string, webhookId: string, deliveryId: string): Promise<DeliveryView> {
  await requireRole(stores, caller, propertyId, admins);
  await load(stores, propertyId, webhookId);
  const ref = { propertyId, webhookId, id: deliveryId };
  const outcome = await stores.webhooks.requeue(ref, stores.now().toISOString());
  if (outcome === 'missing') throw notFound('No such delivery');
  if (outcome === 'conflict') throw conflict('This delivery was delivered already or is being sent', 'delivery-not-retryable');
  const delivery = await stores.webhooks.getDelivery(ref);
  if (!delivery) throw notFound('No such delivery');
  return deliveryView(delivery);
}

// ---- which subscriptions want an event type: a short per-container cache ----------------

/** A subscription created or changed in another container is seen after at most this long. */
const SUBSCRIPTIONS_CACHE_MS = 30_000;
const subscriptionCache = new Map<string, { until: number; records: Promise<WebhookRecord[]> }>();

export function forgetSubscriptions(propertyId: string) {
  subscriptionCache.delete(propertyId);
}

/** The property's enabled subscriptions (read at most every 30 s per container: producers ask on every event). */
export async function enabledSubscriptions(stores: Pick<Stores, 'webhooks'>, propertyId: string): Promise<WebhookRecord[]> {
  const now = Date.now();
  let entry = subscriptionCache.get(propertyId);
  if (!entry || entry.until <= now) {
    if (subscriptionCache.size >= 1000) subscriptionCache.clear();
    const records = stores.webhooks.list(propertyId).then((all) => all.filter((w) => w.enabled));
    records.catch(() => subscriptionCache.delete(propertyId));
    entry = { until: now + SUBSCRIPTIONS_CACHE_MS, records };
    subscriptionCache.set(propertyId, entry);
  }
  return entry.records;
}
