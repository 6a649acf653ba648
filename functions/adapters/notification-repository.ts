import type { NotificationRecord, NotificationRepository, QueuedNotification } from '../domain/notifications.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, unlessConditionFails, withoutKeys } from './table-keys.ts';

/*
 * Notification records in the Lobby table, under their property: NOTIF#<id> (ids are ULIDs:
 * newest first is a reverse query). While a record is not done (queued or sending) it carries
 * `dueAt` (queued: when it may be tried; sending: when the claim lapses) and the sparse byOwner
 * index entry NOTIFS#DUE / <dueAt>#<propertyId>#<id>, which the retry schedule reads; `sent`
 * and `failed` drop both, so the index holds only the open ones.
 */
const pk = keys.property;
const DUE_INDEX = 'NOTIFS#DUE';
const notifKey = (propertyId: string, id: string) => ({ pk: pk(propertyId), sk: `NOTIF#${id}` });
/** Notifications are kept a year. */
const KEEP_SECONDS = 365 * 86400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const dueEntry = (propertyId: string, id: string, dueAt: string) => ({ dueAt, gsi1pk: DUE_INDEX, gsi1sk: `${dueAt}#${propertyId}#${id}` });

/** The item a new queued record is written as (in the transaction of what caused it, e.g. call-repository.ts miss). */
export function queuedNotificationItem(n: QueuedNotification): { pk: string; sk: string } & Record<string, unknown> {
  return { ...notifKey(n.propertyId, n.id), type: 'notification', ...n, ...dueEntry(n.propertyId, n.id, n.createdAt), expiresAtEpoch: epoch(n.createdAt) + KEEP_SECONDS };
}

const toRecord = (raw: Record<string, unknown>): NotificationRecord => {
  const { dueAt: _dueAt, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, expiresAtEpoch: _expires, type: _type, ...rest } = withoutKeys(raw) as Record<string, unknown>;
  return rest as unknown as NotificationRecord;
};

export function notificationRepository(table: LobbyTable): NotificationRepository {
  /** An update of the claim this worker holds: still `sending` with the attempts it claimed. */
  const finishClaim = (claimed: NotificationRecord, set: string, values: Record<string, unknown>, remove: string) =>
    unlessConditionFails(
      table.update({
        Key: notifKey(claimed.propertyId, claimed.id),
        UpdateExpression: `SET ${set} REMOVE ${remove}`,
        ConditionExpression: '#status = :sending AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':sending': 'sending', ':attempts': claimed.attempts },
      }),
    );
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
      const entry = dueEntry(ref.propertyId, ref.id, leaseUntil);
      try {
        const out = (await table.update({
          Key: notifKey(ref.propertyId, ref.id),
          UpdateExpression: 'SET #status = :sending, claimedUntil = :lease, attempts = attempts + :one, dueAt = :dueAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk REMOVE nextAttemptAt',
          ConditionExpression: '#status IN (:queued, :sending) AND dueAt <= :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':queued': 'queued',
            ':lease': leaseUntil,
            ':one': 1,
            ':at': at,
            ':dueAt': entry.dueAt,
            ':gsi1pk': entry.gsi1pk,
            ':gsi1sk': entry.gsi1sk,
          },
          ReturnValues: 'ALL_NEW',
        })) as { Attributes?: Record<string, unknown> };
        return out.Attributes && toRecord(out.Attributes);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },
    sent(claimed, at, result) {
      return finishClaim(
        claimed,
        ['#status = :sent', 'sentAt = :at', ...(result.providerMessageId ? ['providerMessageId = :mid'] : []), ...(result.unconfirmed ? ['unconfirmed = :true'] : [])].join(', '),
        { ':sent': 'sent', ':at': at, ...(result.providerMessageId ? { ':mid': result.providerMessageId } : {}), ...(result.unconfirmed ? { ':true': true } : {}) },
        // Secrets (`sealed`) are not kept once the record is done.
        'claimedUntil, dueAt, gsi1pk, gsi1sk, sealed',
      );
    },
    retryLater(claimed, nextAttemptAt, lastError) {
      const entry = dueEntry(claimed.propertyId, claimed.id, nextAttemptAt);
      return finishClaim(
        claimed,
        '#status = :queued, nextAttemptAt = :next, lastError = :error, dueAt = :dueAt, gsi1sk = :gsi1sk',
        { ':queued': 'queued', ':next': nextAttemptAt, ':error': lastError, ':dueAt': entry.dueAt, ':gsi1sk': entry.gsi1sk },
        'claimedUntil',
      );
    },
    failed(claimed, _at, lastError) {
      return finishClaim(claimed, '#status = :failed, lastError = :error', { ':failed': 'failed', ':error': lastError }, 'claimedUntil, dueAt, gsi1pk, gsi1sk, sealed');
    },
    async due(at) {
      const page = await table.query<{ propertyId: string; id: string; dueAt: string; pk: string; sk: string }>({
        pk: DUE_INDEX,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit: 100,
      });
      return page.items.filter((i) => i.dueAt <= at).map((i) => ({ propertyId: i.propertyId, id: i.id }));
    },
  };
}
