import type { LobbyTable } from './lobby-table.ts';
import { unlessConditionFails, withoutKeys } from './table-keys.ts';

/*
 * The table side of the outbox (domain/outbox.ts), shared by notification and webhook records.
 * While a record is open (waiting or `sending`) it carries `dueAt` (waiting: when it may be tried;
 * sending: when the claim lapses) and the sparse byOwner index entry <dueIndex> / <dueAt>#<propertyId>#<sk>,
 * which the retry schedule reads; a done record drops both, so the index holds only open ones.
 */
export interface OutboxItemsConfig {
  /** The byOwner partition of this kind's open records (NOTIFS#DUE, WEBHOOKS#DUE). */
  dueIndex: string;
  /** Statuses a worker may claim from (besides `sending` with a lapsed claim). */
  claimable: readonly string[];
}

type Key = { pk: string; sk: string };
type Raw = Record<string, unknown>;

export function outboxItems(table: LobbyTable, config: OutboxItemsConfig) {
  const dueEntry = (propertyId: string, sk: string, dueAt: string) => ({ dueAt, gsi1pk: config.dueIndex, gsi1sk: `${dueAt}#${propertyId}#${sk}` });
  const claimableValues = Object.fromEntries(config.claimable.map((s, i) => [`:c${i}`, s]));
  return {
    dueEntry,
    /** Open record -> sending until `leaseUntil`, attempts + 1; the item as claimed, or undefined. */
    async claim(key: Key, propertyId: string, at: string, leaseUntil: string): Promise<Raw | undefined> {
      const entry = dueEntry(propertyId, key.sk, leaseUntil);
      try {
        const out = (await table.update({
          Key: key,
          UpdateExpression: 'SET #status = :sending, claimedUntil = :lease, attempts = attempts + :one, dueAt = :dueAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk REMOVE nextAttemptAt',
          ConditionExpression: `#status IN (:sending, ${Object.keys(claimableValues).join(', ')}) AND dueAt <= :at`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...claimableValues,
            ':sending': 'sending',
            ':lease': leaseUntil,
            ':one': 1,
            ':at': at,
            ':dueAt': entry.dueAt,
            ':gsi1pk': entry.gsi1pk,
            ':gsi1sk': entry.gsi1sk,
          },
          ReturnValues: 'ALL_NEW',
        })) as { Attributes?: Raw };
        return out.Attributes;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },
    /** An update of the claim this worker holds (still `sending` with the attempts it claimed); false when the claim was lost. */
    settle(key: Key, attempts: number, set: string, values: Record<string, unknown>, remove: string): Promise<boolean> {
      return unlessConditionFails(
        table.update({
          Key: key,
          UpdateExpression: `SET ${set} REMOVE ${remove}`,
          ConditionExpression: '#status = :sending AND attempts = :attempts',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':sending': 'sending', ':attempts': attempts },
        }),
      );
    },
    /** sending (this claim) -> `status`, waiting until `nextAttemptAt`. */
    retryLater(key: Key, propertyId: string, attempts: number, status: string, nextAttemptAt: string, extra: { set: string; values: Record<string, unknown> }) {
      const entry = dueEntry(propertyId, key.sk, nextAttemptAt);
      return this.settle(
        key,
        attempts,
        `#status = :waiting, nextAttemptAt = :next, dueAt = :dueAt, gsi1sk = :gsi1sk${extra.set ? `, ${extra.set}` : ''}`,
        { ':waiting': status, ':next': nextAttemptAt, ':dueAt': entry.dueAt, ':gsi1sk': entry.gsi1sk, ...extra.values },
        'claimedUntil',
      );
    },
    /** What `remove` must name when a record is done: it leaves the due index. */
    doneRemoves: 'claimedUntil, dueAt, gsi1pk, gsi1sk',
    /** Open records of every property due by `at` or with a lapsed claim (the first 100; the next run takes more). */
    async due(at: string): Promise<Raw[]> {
      const page = await table.query<Raw & { dueAt: string; pk: string; sk: string }>({
        pk: config.dueIndex,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit: 100,
      });
      return page.items.filter((i) => i.dueAt <= at);
    },
  };
}

/** An outbox item as the domain knows it: no keys, no index or claim bookkeeping. */
export function outboxRecordOf(raw: Raw): Raw {
  const { dueAt: _dueAt, type: _type, ...rest } = withoutKeys(raw);
  return rest;
}
