import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The one logger. Bodies, headers and query strings are never logged: they carry
 * codes and tokens. Log ids, routes, statuses and timings only.
 */
export const logger = new Logger({ serviceName: 'lobby' });

/**
 * Business and error counts as CloudWatch EMF metrics. Its own warnings go through
 * the logger; the local stack turns metrics off (POWERTOOLS_METRICS_DISABLED) and
 * runs all functions in one process, where "no metrics to publish" means nothing.
 */
export const metrics = new Metrics({
  namespace: 'Lobby',
  serviceName: 'lobby',
  logger: process.env.POWERTOOLS_METRICS_DISABLED === 'true' ? { ...console, warn: () => {} } : undefined,
});

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);
