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

export type PanelMessageOperation = (args: { stores: Stores; panel: Panel; channel: string; message: unknown }) => Promise<void>;

/**
 * For messages whose operation reads the panel's record together with its own reads (a
 * pass claim: two round trips instead of three): it gets the panel's ref only (cached,
 * usually no read) and returns false when the record turned out to be gone (decommissioned).
 */
export interface PanelRefOperation {
  wants(message: unknown): boolean;
  run(args: { stores: Stores; panel: PanelRef; channel: string; message: unknown }): Promise<boolean>;
}

/**
 * The shell of every topic-rule Lambda: resolve the panel from the topic, parse the
 * payload, run the operation. Bad messages are logged (without their content) and
 * dropped: IoT retries a failed async invoke, and a malformed one never improves.
 */
export function panelMessageHandler(name: string, operation: PanelMessageOperation, refOperation?: PanelRefOperation) {
  const unknownPanel = (event: PanelRuleEvent) => logger.warn('message from an unknown panel', { panelId: event.panelId, channel: event.channel });
  const run = async (event: PanelRuleEvent): Promise<void> => {
    const started = Date.now();
    count('PanelMessages');
    const stores = await loadStores();
    const ref = await panelRefById(stores, event.panelId);
    if (!ref) return unknownPanel(event);
    let message: unknown;
    try {
      message = JSON.parse(Buffer.from(event.payload, 'base64').toString('utf8'));
    } catch {
      logger.warn('panel message is not JSON', { panelId: ref.id, channel: event.channel });
      return;
    }
    try {
      if (refOperation?.wants(message)) {
        if (!(await refOperation.run({ stores, panel: ref, channel: event.channel, message }))) return unknownPanel(event);
      } else {
        // The record, not the cached ref, says whether the panel still exists.
        const record = await stores.panelRecords.get(ref);
        if (!record) return unknownPanel(event);
        await operation({ stores, panel: record, channel: event.channel, message });
      }
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
  return middy<PanelRuleEvent, void, Error, Context>().use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics)).handler(run);
}
