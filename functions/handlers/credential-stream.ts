import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { announce, applyCredentialChanges, CREDENTIAL_TYPES, type CredentialItem } from '../domain/credential-sets.ts';

const image = (value: unknown) => (value ? (unmarshall(value as Record<string, AttributeValue>) as CredentialItem) : undefined);

/** One unit of work in a batch and the stream position of its first record (where a retry starts). */
interface Work { firstSequence: string; run(): Promise<void> }

/**
 * The Lobby table's stream -> credential sets. Every committed change to a keypad
 * credential (create, edit, delete, use, cancel, expiry) becomes a new set version
 * announced to the property's panels. Driven by the stream, not by the API
 * handlers, so a change cannot be committed without reaching the doors.
 *
 * Every property in a batch is announced, changed or not: when a shadow update
 * failed after the head was committed, the retried batch changes nothing but
 * still tells the panels. Failures are reported per record
 * (ReportBatchItemFailures): Lambda retries from the earliest failed record, so
 * one bad property does not hold back the others' first attempt.
 * Also: an access event removed by TTL takes its photo with it.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    count('StreamRecords', event.Records.length);
    const stores = await loadStores();
    const byProperty = new Map<string, { firstSequence: string; changes: Map<string, CredentialItem | undefined> }>();
    const work: Work[] = [];
    for (const record of event.Records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      const next = image(record.dynamodb?.NewImage);
      const item = next ?? image(record.dynamodb?.OldImage);
      if (!item) continue;
      if (record.eventName === 'REMOVE' && item.type === 'access-event' && typeof item.photoKey === 'string') {
        const photoKey = item.photoKey;
        work.push({ firstSequence: sequence, run: async () => { await stores.photos.delete(photoKey); count('PhotosExpired'); } });
        continue;
      }
      if (!CREDENTIAL_TYPES.has(item.type)) continue;
      const propertyId = item.pk.slice('PROP#'.length);
      const batch = byProperty.get(propertyId) ?? { firstSequence: sequence, changes: new Map() };
      // Later records for the same credential supersede earlier ones in the batch.
      batch.changes.set(item.id, record.eventName === 'REMOVE' ? undefined : next);
      byProperty.set(propertyId, batch);
    }
    for (const [propertyId, { firstSequence, changes }] of byProperty) {
      work.push({ firstSequence, run: async () => {
        const head = await applyCredentialChanges(stores, propertyId, [...changes].map(([id, item]) => ({ id, item })));
        await announce(stores, propertyId, head);
        logger.info('credential set', { propertyId, changes: changes.size, version: head?.version ?? 'unchanged' });
        if (head) count('CredentialSetVersions');
      } });
    }
    const outcomes = await Promise.allSettled(work.map((w) => w.run()));
    const failed = work.filter((_, i) => outcomes[i]!.status === 'rejected');
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') logger.error('stream work failed', { errorName: (outcome.reason as Error)?.name, firstSequence: work[i]!.firstSequence });
    }
    if (failed.length === 0) return { batchItemFailures: [] };
    count('StreamWorkFailed', failed.length);
    // Sequence numbers are decimal strings of varying length: compare as numbers.
    const earliest = failed.map((w) => w.firstSequence).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]!;
    return { batchItemFailures: [{ itemIdentifier: earliest }] };
  });
