import { panelMessages, readMessage, type ReadResult } from '../../iot/protocol/messages.ts';
import { count, logger } from '../http/observability.ts';
import { panelMessageHandler } from '../iot/message-handler.ts';
import { recordAccessEvent } from '../domain/access-events.ts';
import { recordCommandAck } from '../domain/commands.ts';
import { recordHeartbeat } from '../domain/panels.ts';

/** Events, command acks and heartbeats that panels publish. */
export const handler = panelMessageHandler('panel-messages', async ({ stores, record, channel, message }) => {
  const panel = await record;
  if (!panel) return;
  if (channel === 'events') {
    const read = readMessage(panelMessages.events, message);
    if (!read.ok) return dropped(panel.id, channel, read);
    const outcome = await recordAccessEvent(stores, panel, read.message, undefined, (message, detail) => logger.warn(message, detail));
    logger.info('access event', { panelId: panel.id, outcome });
    count(outcome === 'recorded' ? 'AccessEventRecorded' : outcome === 'duplicate' ? 'AccessEventDuplicate' : 'AccessEventRejected');
  } else if (channel === 'acks') {
    const read = readMessage(panelMessages.acks, message);
    if (!read.ok) return dropped(panel.id, channel, read);
    await recordCommandAck(stores, panel, read.message);
  } else if (channel === 'heartbeat') {
    const read = readMessage(panelMessages.heartbeat, message);
    if (!read.ok) return dropped(panel.id, channel, read);
    await recordHeartbeat(stores, panel, read.message);
  } else {
    logger.warn('panel message on an unknown channel', { panelId: panel.id, channel });
  }
});

/** Logged without the message's content (it may hold a typed code), then dropped: it will not improve on a retry. */
function dropped(panelId: string, channel: string, read: Exclude<ReadResult<unknown>, { ok: true }>): void {
  if (read.reason === 'unsupported-version') logger.warn('panel message of an unsupported protocol version', { panelId, channel, version: read.version.slice(0, 16) });
  else logger.warn('invalid panel message', { panelId, channel, issues: read.issues });
}
