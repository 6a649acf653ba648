import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { panelRefById, type Panel, type PanelRef } from '../domain/panels.ts';
import type { Stores } from '../domain/stores.ts';
import { DomainError } from '../domain/errors.ts';
import type { PanelRuleEvent } from './rules.ts';

/**
 * An operation gets the panel's ref (cached per container, usually no read) and its record,
 * whose read the shell has already started: an operation awaits it before acting (undefined:
 * the panel was decommissioned, do nothing) or reads it together with its own reads (a pass
 * claim: two round trips instead of three).
 */
export type PanelMessageOperation = (args: { stores: Stores; panel: PanelRef; record: Promise<Panel | undefined>; channel: string; message: unknown }) => Promise<void>;

/**
 * The shell of every topic-rule Lambda: resolve the panel from the topic, parse the
 * payload, run the operation. Bad messages are logged (without their content) and
 * dropped: IoT retries a failed async invoke, and a malformed one never improves.
 */
export function panelMessageHandler(name: string, operation: PanelMessageOperation) {
  const unknownPanel = (event: PanelRuleEvent) => logger.warn('message from an unknown panel', { panelId: event.panelId, channel: event.channel });
  const run = async (event: PanelRuleEvent): Promise<void> => {
    const started = Date.now();
    count('PanelMessages');
    const stores = await loadStores();
    const ref = await panelRefById(stores, event.panelId);
    if (!ref) return unknownPanel(event);
    // The record, not the cached ref, says whether the panel still exists.
    const record = stores.panelRecords.get(ref);
    // Observed here too: a message that is not JSON never awaits it.
    record.catch(() => undefined);
    let message: unknown;
    try {
      message = JSON.parse(Buffer.from(event.payload, 'base64').toString('utf8'));
    } catch {
      logger.warn('panel message is not JSON', { panelId: ref.id, channel: event.channel });
      return;
    }
    try {
      await operation({ stores, panel: ref, record, channel: event.channel, message });
      if (!(await record)) return unknownPanel(event);
    } catch (error) {
      // A domain refusal of this message will refuse it again on every retry: log it and drop it.
      // A conflict may clear (state changed meanwhile): rethrown, so IoT retries, then parks it.
      if (!(error instanceof DomainError) || error.kind === 'conflict') throw error;
      logger.warn('panel message refused', { handler: name, panelId: ref.id, channel: event.channel, kind: error.kind, slug: error.slug });
      count('PanelMessagesRefused');
      return;
    }
    // Heartbeats are routine (one per panel per minute): DEBUG, so INFO logs cost nothing per beat.
    const line = { handler: name, panelId: ref.id, channel: event.channel, ms: Date.now() - started };
    if (event.channel === 'heartbeat') logger.debug('panel message', line);
    else logger.info('panel message', line);
  };
  return middy<PanelRuleEvent, void, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(run);
}
