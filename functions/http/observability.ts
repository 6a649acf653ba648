import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PANEL_METRICS, PANEL_OFFLINE_MINUTES_VARIABLE } from '../shared/panel-metrics.ts';

/** Set per invocation by the local runtime only (local/lambda-runtime.ts); Symbol.for so neither imports the other. */
const LOCAL_COLD_START = Symbol.for('lobby.local.coldStart');

/**
 * The one logger. Bodies, headers and query strings are never logged: they carry
 * codes and tokens. Log ids, routes, statuses and timings only.
 */
export const logger = new (class LobbyLogger extends Logger {
  /**
   * The local stack runs every function in one process with this one logger, so the logger's own
   * "first call" would be the first call of any function: its runtime (local/lambda-runtime.ts)
   * says per invocation whether it is this function's first. In Lambda the key is never set.
   */
  public override getColdStart(): boolean {
    const local = (globalThis as { awslambda?: { InvokeStore?: { get(key: symbol): unknown } } }).awslambda?.InvokeStore?.get(LOCAL_COLD_START);
    return typeof local === 'boolean' ? local : super.getColdStart();
  }
})({ serviceName: 'lobby' });

/**
 * Business and error counts as CloudWatch EMF metrics. Its own warnings go through
 * the logger; the local stack turns metrics off (POWERTOOLS_METRICS_DISABLED) and
 * runs all functions in one process, where "no metrics to publish" means nothing.
 */
export const metrics = new Metrics({
  namespace: 'Lobby',
  serviceName: 'lobby',
  // Two stages may share an account: every metric carries its stage (LOBBY_STAGE, set by CDK).
  defaultDimensions: { stage: process.env.LOBBY_STAGE || 'local' },
  logger: process.env.POWERTOOLS_METRICS_DISABLED === 'true' ? { ...console, warn: () => {} } : undefined,
});

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);

export { PANEL_METRICS, PANEL_OFFLINE_MINUTES_VARIABLE };

/** The panel-health gauges of one pass over every property (reconcile), each sent every pass, 0 included. */
export function reportPanelHealth(totals: { offline: number; lagging: number }) {
  metrics.addMetric(PANEL_METRICS.offline, MetricUnit.Count, totals.offline);
  metrics.addMetric(PANEL_METRICS.lagging, MetricUnit.Count, totals.lagging);
}
