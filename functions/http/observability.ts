import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The one logger. Bodies, headers and query strings are never logged: they carry
 * codes and tokens. Log ids, routes, statuses and timings only.
 */
export const logger = new Logger({ serviceName: 'lobby' });

/** Business and error counts as CloudWatch EMF metrics (off in the local stack). */
export const metrics = new Metrics({ namespace: 'Lobby', serviceName: 'lobby' });

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);
