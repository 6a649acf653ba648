import type { NotificationRecord, NotificationRepository, QueuedNotification } from '../domain/notifications.ts';
import type { LobbyTable } from './lobby-table.ts';
import { outboxItems } from './outbox-items.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/*
 * Notification records in the Lobby table, under their property: NOTIF#<id> (ids are ULIDs:
 * newest first is a reverse query). While a record is not done (queued or sending) it carries
 * `dueAt` (queued: when it may be tried; sending: when the claim lapses) and the sparse byOwner
 * index entry NOTIFS#DUE / <dueAt>#<propertyId>#NOTIF#<id>, which the retry schedule reads; `sent`
 * and `failed` drop both, so the index holds only the open ones. Claims and settling are the
 * shared outbox's (outbox-items.ts), as webhook deliveries use them.
 */
const pk = keys.property;
const DUE_INDEX = 'NOTIFS#DUE';
const notifKey = (propertyId: string, id: string) => ({ pk: pk(propertyId), sk: `NOTIF#${id}` });
/** Notifications are kept a year. */
const KEEP_SECONDS = 365 * 86400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const dueEntry = (propertyId: string, id: string, dueAt: string) => ({ dueAt, gsi1pk: DUE_INDEX, gsi1sk: `${dueAt}#${propertyId}#NOTIF#${id}` });

/** The item a new queued record is written as (in the transaction of what caused it, e.g. call-repository.ts miss). */
export function queuedNotificationItem(n: QueuedNotification): { pk: string; sk: string } & Record<string, unknown> {
  return { ...notifKey(n.propertyId, n.id), type: 'notification', ...n, ...dueEntry(n.propertyId, n.id, n.createdAt), expiresAtEpoch: epoch(n.createdAt) + KEEP_SECONDS };
}

const toRecord = (raw: Record<string, unknown>): NotificationRecord => {
  const { dueAt: _dueAt, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, expiresAtEpoch: _expires, type: _type, ...rest } = withoutKeys(raw) as Record<string, unknown>;
  return rest as unknown as NotificationRecord;
};

export function notificationRepository(table: LobbyTable): NotificationRepository {
  const outbox = outboxItems(table, { dueIndex: DUE_INDEX, claimable: ['queued'] });
  const key = (claimed: NotificationRecord) => notifKey(claimed.propertyId, claimed.id);
  return {
    queue: (n) => asWrite({ Put: { Item: queuedNotificationItem(n) } }),
    async get(propertyId, id) {
      const raw = await table.get(notifKey(propertyId, id).pk, notifKey(propertyId, id).sk);
      return raw && toRecord(raw);
    },
    async page(propertyId, query) {
      const page = await table.query({
        pk: pk(propertyId),
        skPrefix: 'NOTIF#',
        limit: query.limit,
        cursor: query.cursor,
        newestFirst: true,
        filter: query.residentId !== undefined ? { expression: 'residentId = :r', values: { ':r': query.residentId } } : undefined,
      });
      return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
    },
    async claim(ref, at, leaseUntil) {
      const raw = await outbox.claim(notifKey(ref.propertyId, ref.id), ref.propertyId, at, leaseUntil);
      return raw && toRecord(raw);
    },
    sent(claimed, at, result) {
      return outbox.settle(
        key(claimed),
        claimed.attempts,
        ['#status = :sent', 'sentAt = :at', ...(result.providerMessageId ? ['providerMessageId = :mid'] : []), ...(result.unconfirmed ? ['unconfirmed = :true'] : [])].join(', '),
        { ':sent': 'sent', ':at': at, ...(result.providerMessageId ? { ':mid': result.providerMessageId } : {}), ...(result.unconfirmed ? { ':true': true } : {}) },
        // Secrets (`sealed`) are not kept once the record is done.
        `${outbox.doneRemoves}, sealed`,
      );
    },
    retryLater(claimed, nextAttemptAt, lastError) {
      return outbox.retryLater(key(claimed), claimed.propertyId, claimed.attempts, 'queued', nextAttemptAt, { set: 'lastError = :error', values: { ':error': lastError } });
    },
    failed(claimed, _at, lastError) {
      return outbox.settle(key(claimed), claimed.attempts, '#status = :failed, lastError = :error', { ':failed': 'failed', ':error': lastError }, `${outbox.doneRemoves}, sealed`);
    },
    async due(at) {
      return (await outbox.due(at)).map((i) => ({ propertyId: i.propertyId as string, id: i.id as string }));
    },
  };
}
