import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics, reportPanelHealth } from '../http/observability.ts';
import { reconcileAll } from '../domain/reconcile.ts';
import { sweepMissedCalls } from '../domain/calls.ts';
import { sendPackageReminders } from '../domain/packages.ts';
import { applyDueRosterChanges } from '../domain/roster.ts';

/**
 * Scheduled reconciliation of every property's credential set (see
 * domain/reconcile.ts), and the panel-health gauges (offline, lagging) behind
 * the PanelsOffline and PanelsSetVersionLagging alarms. Fails the invocation when a property could not be
 * reconciled, so the schedule's retries and its alarm see it.
 */
export const handler = middy<ScheduledEvent, { properties: number; announced: number; repaired: number }, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async () => {
    // LOBBY_PANEL_OFFLINE_MINUTES (CDK: lobby:panelOfflineMinutes) is what the PanelsOffline alarm counts.
    const offlineAfterMs = Number(process.env.LOBBY_PANEL_OFFLINE_MINUTES ?? 15) * 60_000;
    const stores = await loadStores();
    const result = await reconcileAll(stores, { offlineAfterMs });
    // Calls whose ring ran out with no panel left to report it (the panel's own timer is the usual way).
    const missedCalls = await sweepMissedCalls(stores);
    if (missedCalls > 0) count('CallsMissedBySweep', missedCalls);
    // Packages waiting past the property's packageReminderHours: one reminder each.
    const reminders = await sendPackageReminders(stores);
    if (reminders > 0) count('PackageReminders', reminders);
    // Roster move-ins and move-outs dated today in their property's time zone (a failed one stays due: the next run retries).
    const roster = await applyDueRosterChanges(stores);
    if (roster.applied > 0) count('RosterChangesApplied', roster.applied);
    if (roster.failed > 0) count('RosterChangesFailed', roster.failed);
    // Every run reports the gauges, zeros included, so the offline and lagging alarms always have data.
    reportPanelHealth(result.health);
    logger.info('reconciled', { properties: result.properties, announced: result.announced, repaired: result.repaired, failed: result.failed.length, ...result.health });
    count('ReconcileAnnounced', result.announced);
    count('ReconcileRepaired', result.repaired);
    if (result.failed.length > 0) {
      count('ReconcileFailed', result.failed.length);
      throw new Error(`reconciliation failed for ${result.failed.length} properties`);
    }
    return { properties: result.properties, announced: result.announced, repaired: result.repaired };
  });
