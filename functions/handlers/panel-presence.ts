import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics, PANEL_METRICS } from '../http/observability.ts';
import { panelById, recordPresence } from '../domain/panels.ts';
import type { PanelPresenceEvent } from '../iot/rules.ts';

/**
 * AWS IoT lifecycle events (the presence rule, functions/iot/rules.ts): a panel connected or
 * disconnected. They are account-wide, so client ids that are not this stage's panels (other
 * stages, test clients) are ignored. Counts feed the PanelDisconnects alarm.
 */
export const handler = middy<PanelPresenceEvent, void, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    if (typeof event?.clientId !== 'string' || (event.eventType !== 'connected' && event.eventType !== 'disconnected') || !Number.isFinite(event.timestamp)) {
      logger.warn('not a lifecycle event', { eventType: event?.eventType });
      return;
    }
    const stores = await loadStores();
    const panel = await panelById(stores, event.clientId);
    if (!panel) {
      logger.debug('lifecycle event of another client', { clientId: event.clientId.slice(0, 64) });
      return;
    }
    const connected = event.eventType === 'connected';
    await recordPresence(stores, panel, { connected, at: new Date(event.timestamp).toISOString(), disconnectReason: connected ? undefined : event.disconnectReason });
    count(connected ? PANEL_METRICS.connected : PANEL_METRICS.disconnected);
    logger.info('panel presence', { panelId: panel.id, propertyId: panel.propertyId, eventType: event.eventType, disconnectReason: event.disconnectReason });
  });
