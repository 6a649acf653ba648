import { accessEvent, commandAck, heartbeat } from '../../iot/protocol/messages.ts';
import { count, logger } from '../http/observability.ts';
import { panelMessageHandler } from '../iot/message-handler.ts';
import { recordAccessEvent } from '../domain/access-events.ts';
import { recordCommandAck } from '../domain/commands.ts';
import { recordHeartbeat } from '../domain/panels.ts';

/** Events, command acks and heartbeats that panels publish. */
export const handler = panelMessageHandler('panel-messages', async ({ stores, panel, channel, message }) => {
  const schema = { events: accessEvent, acks: commandAck, heartbeat }[channel];
  const parsed = schema?.safeParse(message);
  if (!parsed?.success) {
    logger.warn('invalid panel message', { panelId: panel.id, channel, issues: parsed?.error.issues.map((i) => i.path.join('.')) });
    return;
  }
  if (channel === 'events') {
    const outcome = await recordAccessEvent(stores, panel, accessEvent.parse(message));
    logger.info('access event', { panelId: panel.id, outcome });
    count(outcome === 'recorded' ? 'AccessEventRecorded' : outcome === 'duplicate' ? 'AccessEventDuplicate' : 'AccessEventRejected');
  } else if (channel === 'acks') {
    await recordCommandAck(stores, panel, commandAck.parse(message));
  } else {
    await recordHeartbeat(stores, panel, heartbeat.parse(message));
  }
});
