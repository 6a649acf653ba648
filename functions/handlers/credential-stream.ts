import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { applyCredentialChanges, CREDENTIAL_TYPES, type CredentialItem } from '../domain/credential-sets.ts';

const image = (value: unknown) => (value ? (unmarshall(value as Record<string, AttributeValue>) as CredentialItem) : undefined);

/**
 * The Lobby table's stream -> credential sets. Every committed change to a keypad
 * credential (create, edit, delete, use, cancel, expiry) becomes a new set version
 * announced to the property's panels. Driven by the stream, not by the API
 * handlers, so a change cannot be committed without reaching the doors.
 * Also: an access event removed by TTL takes its photo with it.
 */
export const handler = middy<DynamoDBStreamEvent, void, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    count('StreamRecords', event.Records.length);
    const stores = await loadStores();
    const byProperty = new Map<string, Map<string, CredentialItem | undefined>>();
    const expiredPhotos: string[] = [];
    for (const record of event.Records) {
      const next = image(record.dynamodb?.NewImage);
      const previous = image(record.dynamodb?.OldImage);
      const item = next ?? previous;
      if (!item) continue;
      if (record.eventName === 'REMOVE' && item.type === 'access-event' && typeof item.photoKey === 'string') {
        expiredPhotos.push(item.photoKey);
        continue;
      }
      if (!CREDENTIAL_TYPES.has(item.type)) continue;
      const propertyId = item.pk.slice('PROP#'.length);
      // Later records for the same credential supersede earlier ones in the batch.
      const changes = byProperty.get(propertyId) ?? new Map();
      changes.set(item.id, record.eventName === 'REMOVE' ? undefined : next);
      byProperty.set(propertyId, changes);
    }
    for (const [propertyId, changes] of byProperty) {
      const head = await applyCredentialChanges(stores, propertyId, [...changes].map(([id, item]) => ({ id, item })));
      logger.info('credential set', { propertyId, changes: changes.size, version: head?.version ?? 'unchanged' });
      if (head) count('CredentialSetVersions');
    }
    await Promise.all(expiredPhotos.map((key) => stores.photos.delete(key)));
    if (expiredPhotos.length) count('PhotosExpired', expiredPhotos.length);
  });
