import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { foldStreamBatch } from '../domain/stream-batch.ts';

/**
 * The Lobby table's stream -> credential sets and photo expiry (domain/stream-batch.ts).
 * Driven by the stream, not by the API handlers, so a change cannot be committed
 * without reaching the doors. Returns per-record failures (ReportBatchItemFailures).
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    count('StreamRecords', event.Records.length);
    return foldStreamBatch(await loadStores(), event.Records, {
      onSet: (propertyId, changes, head) => {
        logger.info('credential set', { propertyId, changes, version: head?.version ?? 'unchanged' });
        if (head) count('CredentialSetVersions');
      },
      onPhotoExpired: () => count('PhotosExpired'),
      onFailure: (error, firstSequence) => {
        logger.error('stream work failed', { errorName: (error as Error)?.name, firstSequence });
        count('StreamWorkFailed');
      },
    });
  });
