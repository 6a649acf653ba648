import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { reconcileAll } from '../domain/reconcile.ts';

/**
 * Scheduled reconciliation of every property's credential set (see
 * domain/reconcile.ts). Fails the invocation when a property could not be
 * reconciled, so the schedule's retries and its alarm see it.
 */
export const handler = middy<ScheduledEvent, { properties: number; announced: number; repaired: number }, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async () => {
    const result = await reconcileAll(await loadStores());
    logger.info('reconciled', { properties: result.properties, announced: result.announced, repaired: result.repaired, failed: result.failed.length });
    count('ReconcileAnnounced', result.announced);
    count('ReconcileRepaired', result.repaired);
    if (result.failed.length > 0) {
      count('ReconcileFailed', result.failed.length);
      throw new Error(`reconciliation failed for ${result.failed.length} properties`);
    }
    return { properties: result.properties, announced: result.announced, repaired: result.repaired };
  });
