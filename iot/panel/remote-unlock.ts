import type { EventEmitter } from 'node:events';
import { readMessage, unlockCommand, type CommandAck } from '../protocol/messages.ts';
import type { AccessRecorder } from './access-recorder.ts';
import type { AgentEvents } from './agent-types.ts';
import type { CommandLedger } from './command-ledger.ts';
import type { OutboxPump } from './outbox-pump.ts';
import type { PanelLogger } from './log.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';

/**
 * Remote unlock commands (cloud -> panel on `commands`): parsed, admitted by the command
 * ledger (at most once, never late), recorded as a grant, acknowledged. An unreadable
 * command, or one of another protocol major, is logged and ignored: it never opens the door.
 */
export class RemoteUnlock {
  constructor(
    private readonly parts: {
      ledger: CommandLedger;
      recorder: AccessRecorder;
      pump: OutboxPump;
      events: EventEmitter<AgentEvents>;
      log: PanelLogger;
      now: () => Date;
      newEventId: (at: Date) => string;
      refusedVersion: (version: string, what: string) => void;
    },
  ) {}

  async handle(payload: Buffer): Promise<void> {
    const { ledger, recorder, log } = this.parts;
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      log.warn('unreadable command');
      return;
    }
    const read = readMessage(unlockCommand, raw);
    if (!read.ok) {
      if (read.reason === 'unsupported-version') this.parts.refusedVersion(read.version, 'command');
      else log.warn('invalid command', { issues: read.issues });
      return;
    }
    const command = read.message;
    const now = this.parts.now();
    const admission = ledger.admit(command, now, () => this.parts.newEventId(now));
    const ack = (status: CommandAck['status'], eventId?: string) =>
      this.sendAck({ protocolVersion: PROTOCOL_VERSION, commandId: command.commandId, status, at: now.toISOString(), ...(eventId !== undefined && { eventId }) });
    if (admission.verdict === 'repeat') {
      // A re-sent (or replayed) command: confirm again, never unlock again.
      log.info('command already executed', { commandId: command.commandId });
      return ack('executed', admission.eventId);
    }
    if (admission.verdict === 'expired') {
      log.warn('command expired, not executed', { commandId: command.commandId, expiresAt: command.expiresAt });
      return ack('expired');
    }
    await ledger.save(); // on disk before the door opens: a restart must not run it again
    // An unlock from a call is the call's entry: method "call", the call id as its credential.
    const fromCall = command.callId !== undefined ? { method: 'call' as const, credentialId: command.callId } : { method: 'remote-unlock' as const };
    await recorder.record({ eventId: admission.eventId, at: now, ...fromCall, decision: 'granted', commandId: command.commandId });
    await ack('executed', admission.eventId);
  }

  private async sendAck(ack: CommandAck): Promise<void> {
    this.parts.events.emit('ack', ack);
    await this.parts.pump.sendAck(ack);
  }
}
