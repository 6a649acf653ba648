import type { DeliveryRef, WebhookDelivery, WebhookEvent, WebhookRecord, WebhookRepository } from '../domain/webhooks.ts';
import type { LobbyTable } from './lobby-table.ts';
import { outboxItems, outboxRecordOf } from './outbox-items.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/*
 * Webhooks in the Lobby table, under their property:
 *   WEBHOOK#<id>                      a subscription (secrets sealed with the code vault)
 *   WHEVT#<evt_id>                    an event, written with its cause; open (on the due index) until fanned out
 *   WHDLV#<webhookId>#<wdl_id>        a delivery (the shared outbox's claim/settle: outbox-items.ts)
 *   WHQ#<webhookId>#<wdl_id>          the delivery's place in its subscription's queue, until delivered or parked
 * Delivery ids carry the event's ULID, so both lists sort by event time. The due index is
 * WEBHOOKS#DUE (byOwner), holding open events and deliveries only. Events and deliveries are kept 30 days.
 */
const pk = keys.property;
const DUE_INDEX = 'WEBHOOKS#DUE';
const KEEP_SECONDS = 30 * 86400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const hookKey = (propertyId: string, id: string) => ({ pk: pk(propertyId), sk: `WEBHOOK#${id}` });
const eventKey = (propertyId: string, id: string) => ({ pk: pk(propertyId), sk: `WHEVT#${id}` });
const deliveryKey = (ref: DeliveryRef) => ({ pk: pk(ref.propertyId), sk: `WHDLV#${ref.webhookId}#${ref.id}` });
const queueKey = (ref: DeliveryRef) => ({ pk: pk(ref.propertyId), sk: `WHQ#${ref.webhookId}#${ref.id}` });

const toHook = (raw: Record<string, unknown>) => {
  const { type: _type, ...rest } = withoutKeys(raw);
  return rest as unknown as WebhookRecord;
};
// `type` is the item's kind in the table (the stream filter reads it): the event type is kept as `eventType`.
const toDelivery = (raw: Record<string, unknown>) => {
  const { eventType, ...rest } = outboxRecordOf(raw);
  return { ...rest, type: eventType } as unknown as WebhookDelivery;
};

const eventFields = <T extends { type: string }>({ type, ...rest }: T) => ({ ...rest, eventType: type });

export function webhookRepository(table: LobbyTable): WebhookRepository {
  const outbox = outboxItems(table, { dueIndex: DUE_INDEX, claimable: ['queued', 'retrying'] });
  /** What every settled attempt records. */
  const attempt = (attemptAt: string, result: { statusCode?: number; error?: string }) => ({
    set: [
      'lastAttemptAt = :attemptAt',
      'firstAttemptAt = if_not_exists(firstAttemptAt, :attemptAt)',
      ...(result.statusCode !== undefined ? ['lastStatusCode = :code'] : []),
      ...(result.error ? ['lastError = :error'] : []),
    ].join(', '),
    values: { ':attemptAt': attemptAt, ...(result.statusCode !== undefined ? { ':code': result.statusCode } : {}), ...(result.error ? { ':error': result.error } : {}) },
    // A status code or error from an earlier attempt is not this one's.
    remove: [...(result.statusCode === undefined ? ['lastStatusCode'] : []), ...(result.error ? [] : ['lastError'])],
  });
  return {
    async list(propertyId) {
      return (await table.queryAll(pk(propertyId), 'WEBHOOK#')).map(toHook);
    },
    async get(propertyId, id) {
      const raw = await table.get(hookKey(propertyId, id).pk, hookKey(propertyId, id).sk);
      return raw && toHook(raw);
    },
    async put(record) {
      await table.put({ ...hookKey(record.propertyId, record.id), type: 'webhook', ...record });
    },
    async remove(propertyId, id) {
      // A conditional delete: false when there was none.
      try {
        await table.transact([{ Delete: { Key: hookKey(propertyId, id), ConditionExpression: 'attribute_exists(pk)' } }]);
        return true;
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') return false;
        throw error;
      }
    },
    event(event) {
      const key = eventKey(event.propertyId, event.id);
      return asWrite({
        Put: {
          Item: {
            ...key,
            ...eventFields(event),
            type: 'webhook-event',
            ...outbox.dueEntry(event.propertyId, key.sk, event.timestamp),
            expiresAtEpoch: epoch(event.timestamp) + KEEP_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    },
    async getEvent(propertyId, id) {
      const raw = await table.get(eventKey(propertyId, id).pk, eventKey(propertyId, id).sk);
      if (!raw) return undefined;
      const { type: _t, dueAt: _d, fannedOutAt: _f, eventType, ...rest } = withoutKeys(raw);
      return { ...rest, type: eventType } as unknown as WebhookEvent;
    },
    async fannedOut(propertyId, id) {
      await table.update({
        Key: eventKey(propertyId, id),
        UpdateExpression: 'SET fannedOutAt = :now REMOVE dueAt, gsi1pk, gsi1sk',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      });
    },
    async addDelivery(d) {
      const key = deliveryKey(d);
      try {
        await table.transact([
          {
            Put: {
              Item: {
                ...key,
                ...eventFields(d),
                type: 'webhook-delivery',
                ...outbox.dueEntry(d.propertyId, key.sk, d.createdAt),
                expiresAtEpoch: epoch(d.createdAt) + KEEP_SECONDS,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { Item: { ...queueKey(d), type: 'webhook-queue', id: d.id } } },
        ]);
        return true;
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') return false;
        throw error;
      }
    },
    async getDelivery(ref) {
      const key = deliveryKey(ref);
      const raw = await table.get(key.pk, key.sk);
      return raw && toDelivery(raw);
    },
    async pageDeliveries(propertyId, webhookId, query) {
      const page = await table.query({ pk: pk(propertyId), skPrefix: `WHDLV#${webhookId}#`, limit: query.limit, cursor: query.cursor, newestFirst: true });
      return { items: page.items.map(toDelivery), nextCursor: page.nextCursor };
    },
    async head(propertyId, webhookId) {
      const page = await table.query<{ id: string }>({ pk: pk(propertyId), skPrefix: `WHQ#${webhookId}#`, limit: 1 });
      return page.items[0]?.id;
    },
    async dequeue(ref) {
      await table.delete(queueKey(ref).pk, queueKey(ref).sk);
    },
    async claim(ref, at, leaseUntil) {
      const raw = await outbox.claim(deliveryKey(ref), ref.propertyId, at, leaseUntil);
      return raw && toDelivery(raw);
    },
    delivered(claimed, attemptAt, deliveredAt, statusCode) {
      const a = attempt(attemptAt, { statusCode });
      return outbox.settle(
        deliveryKey(claimed),
        claimed.attempts,
        `#status = :delivered, deliveredAt = :at, ${a.set}`,
        { ':delivered': 'delivered', ':at': deliveredAt, ...a.values },
        [outbox.doneRemoves, ...a.remove].join(', '),
      );
    },
    retryLater(claimed, attemptAt, nextAttemptAt, result) {
      const a = attempt(attemptAt, result);
      return outbox.retryLater(deliveryKey(claimed), claimed.propertyId, claimed.attempts, 'retrying', nextAttemptAt, { set: a.set, values: a.values });
    },
    parked(claimed, attemptAt, at, result) {
      const a = attempt(attemptAt, result);
      return outbox.settle(
        deliveryKey(claimed),
        claimed.attempts,
        `#status = :parked, parkedAt = :parkedAt, ${a.set}`,
        { ':parked': 'parked', ':parkedAt': at, ...a.values },
        [outbox.doneRemoves, ...a.remove].join(', '),
      );
    },
    async requeue(ref, at) {
      const key = deliveryKey(ref);
      const entry = outbox.dueEntry(ref.propertyId, key.sk, at);
      try {
        await table.transact([
          {
            Update: {
              Key: key,
              // A new 24 h window from the next attempt.
              UpdateExpression: 'SET #status = :queued, dueAt = :dueAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk REMOVE nextAttemptAt, firstAttemptAt, parkedAt',
              ConditionExpression: '#status IN (:parked, :retrying)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':queued': 'queued',
                ':parked': 'parked',
                ':retrying': 'retrying',
                ':dueAt': entry.dueAt,
                ':gsi1pk': entry.gsi1pk,
                ':gsi1sk': entry.gsi1sk,
              },
            },
          },
          { Put: { Item: { ...queueKey(ref), type: 'webhook-queue', id: ref.id } } },
        ]);
        return 'requeued';
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        return (await table.get(key.pk, key.sk)) ? 'conflict' : 'missing';
      }
    },
    async due(at) {
      return (await outbox.due(at)).map((i) =>
        i.type === 'webhook-event'
          ? { event: { propertyId: i.propertyId as string, id: i.id as string } }
          : { delivery: { propertyId: i.propertyId as string, webhookId: i.webhookId as string, id: i.id as string } },
      );
    },
  };
}
