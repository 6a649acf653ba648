import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Bodies, headers and query strings are never logged: they carry
 * codes and tokens. Log ids, routes, statuses and timings only.
 */
export const logger = new Logger({ serviceName: 'lobby' });
