import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { CREDENTIAL_TYPES } from '../shared/credential-types.ts';
import { announce, applyCredentialChanges, type CredentialItem, type SetHead } from './credential-sets.ts';
import type { Stores } from './stores.ts';

/** One unit of work in a batch and the stream position of its first record (where a retry starts). */
interface Work {
  firstSequence: string;
  run(): Promise<void>;
}

export interface BatchHooks {
  onSet?(propertyId: string, changes: number, head: SetHead | undefined): void;
  onPhotoExpired?(): void;
  onFailure?(error: unknown, firstSequence: string): void;
}

/**
 * A batch of the Lobby table's stream -> credential sets. Every committed change to
 * a keypad credential (create, edit, delete, use, cancel, expiry) becomes a new set
 * version announced to the property's panels.
 *
 * Every property in a batch is announced, changed or not: when a shadow update
 * failed after the head was committed, the retried batch changes nothing but
 * still tells the panels. Failures are reported per record
 * (ReportBatchItemFailures): Lambda retries from the earliest failed record, so
 * one bad property does not hold back the others' first attempt.
 * Also: an access event removed by TTL takes its photo with it.
 */
export async function foldStreamBatch(stores: Stores, records: DynamoDBRecord[], hooks: BatchHooks = {}): Promise<DynamoDBBatchResponse> {
  const byProperty = new Map<string, { firstSequence: string; changes: Map<string, CredentialItem | undefined> }>();
  const work: Work[] = [];
  for (const record of records) {
    const sequence = record.dynamodb?.SequenceNumber ?? '0';
    const newImage = stores.credentialSets.fromStreamImage(record.dynamodb?.NewImage);
    const changed = newImage ?? stores.credentialSets.fromStreamImage(record.dynamodb?.OldImage);
    if (!changed) continue;
    const { propertyId, item } = changed;
    const next = newImage?.item;
    if (record.eventName === 'REMOVE' && item.type === 'access-event' && typeof item.photoKey === 'string') {
      const photoKey = item.photoKey;
      work.push({
        firstSequence: sequence,
        run: async () => {
          await stores.photos.delete(photoKey);
          hooks.onPhotoExpired?.();
        },
      });
      continue;
    }
    if (!CREDENTIAL_TYPES.has(item.type)) continue;
    const batch = byProperty.get(propertyId) ?? { firstSequence: sequence, changes: new Map() };
    // Later records for the same credential supersede earlier ones in the batch.
    batch.changes.set(item.id, record.eventName === 'REMOVE' ? undefined : next);
    byProperty.set(propertyId, batch);
  }
  for (const [propertyId, { firstSequence, changes }] of byProperty) {
    work.push({
      firstSequence,
      run: async () => {
        const head = await applyCredentialChanges(
          stores,
          propertyId,
          [...changes].map(([id, item]) => ({ id, item })),
        );
        await announce(stores, propertyId, head);
        hooks.onSet?.(propertyId, changes.size, head);
      },
    });
  }
  // Each failure keeps the sequence number of the work it came from.
  const outcomes = await Promise.all(
    work.map((w) =>
      w.run().then(
        () => undefined,
        (reason: unknown) => ({ reason, firstSequence: w.firstSequence }),
      ),
    ),
  );
  const failed: string[] = [];
  for (const failure of outcomes) {
    if (!failure) continue;
    failed.push(failure.firstSequence);
    hooks.onFailure?.(failure.reason, failure.firstSequence);
  }
  if (failed.length === 0) return { batchItemFailures: [] };
  // Sequence numbers are decimal strings of varying length: compare as numbers.
  const earliest = failed.reduce((a, b) => (BigInt(b) < BigInt(a) ? b : a));
  return { batchItemFailures: [{ itemIdentifier: earliest }] };
}
