import { ulid } from 'ulid';
import { notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import type { CommandAck, UnlockCommand } from '../../iot/protocol/messages.ts';
import { panelTopics, UNLOCK_TTL_SECONDS } from '../../iot/protocol/topics.ts';
import { anyMember, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { loadPanel, type Panel } from './panels.ts';
import type { Write } from './records.ts';
import type { Stores } from './stores.ts';

export type CommandStatus = 'sent' | 'executed' | 'expired';

export interface CommandRecord {
  id: string;
  panelId: string;
  status: CommandStatus;
  issuedBy: string;
  issuedAt: string;
  expiresAt: string;
  executedAt?: string;
  eventId?: string;
  /** The call whose answerer opened the door, for an unlock from a call. */
  callId?: string;
}

/** Command records are kept a week (then DynamoDB's TTL removes them). */
const COMMAND_KEEP_SECONDS = 7 * 86400;

/**
 * A new remote unlock for a panel: the message to publish and the record to commit with
 * whatever caused it (the request's audit entry, the call that opened the door).
 */
export function newUnlock(stores: Stores, propertyId: string, panelId: string, issuedBy: string, callId?: string): { command: UnlockCommand; record: Write } {
  const now = stores.now();
  const command: UnlockCommand = {
    commandId: `cmd_${ulid(now.getTime())}`,
    type: 'unlock',
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UNLOCK_TTL_SECONDS * 1000).toISOString(),
    ...(callId ? { callId } : {}),
  };
  const record = stores.commands.add(
    propertyId,
    {
      id: command.commandId,
      panelId,
      status: 'sent',
      issuedBy,
      issuedAt: command.issuedAt,
      expiresAt: command.expiresAt,
      ...(callId ? { callId } : {}),
    },
    Math.floor(now.getTime() / 1000) + COMMAND_KEEP_SECONDS,
  );
  return { command, record };
}

/** Sent once its record is committed: a panel never runs a command the cloud has no record of. */
export const sendUnlock = (stores: Stores, panelId: string, command: UnlockCommand) => stores.panels.publish(panelTopics(panelId).commands, command);

/**
 * A remote unlock travels as a message with an id and an expiry, never as shadow
 * state: a panel that receives it late (offline, slow network) refuses it, and
 * one that receives it twice runs it once.
 */
export async function requestUnlock(stores: Stores, caller: Caller, propertyId: string, panelId: string) {
  await requireRole(stores, caller, propertyId, anyMember);
  await loadPanel(stores, propertyId, panelId);
  const { command, record } = newUnlock(stores, propertyId, panelId, caller.userId);
  await stores.table.transact([record, auditEntry(stores, propertyId, caller.userId, 'panel.unlock-requested', { type: 'panel', id: panelId })]);
  await sendUnlock(stores, panelId, command);
  return { commandId: command.commandId, expiresAt: command.expiresAt };
}

/** A command past its expiry that no panel confirmed is expired, whatever arrives later. */
const statusAt = (command: CommandRecord, now: Date): CommandStatus => (command.status === 'sent' && now.getTime() > Date.parse(command.expiresAt) ? 'expired' : command.status);

export async function getCommand(stores: Stores, caller: Caller, propertyId: string, panelId: string, commandId: string) {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const command = await stores.commands.get(propertyId, commandId);
  // Residents see only the commands they sent.
  if (!command || command.panelId !== panelId || (membership.role === 'resident' && command.issuedBy !== caller.userId)) throw notFound('No such command');
  return {
    commandId: command.id,
    panelId: command.panelId,
    status: statusAt(command, stores.now()),
    issuedAt: command.issuedAt,
    expiresAt: command.expiresAt,
    executedAt: command.executedAt ?? null,
    eventId: command.eventId ?? null,
  };
}

/** A panel's ack settles a command once: the first outcome wins, a repeat changes nothing. */
export async function recordCommandAck(stores: Stores, panel: Panel, ack: CommandAck) {
  await stores.commands.settle(
    panel.propertyId,
    ack.commandId,
    panel.id,
    ack.status === 'executed' ? { status: 'executed', at: ack.at, eventId: ack.eventId ?? null } : { status: ack.status },
  );
}
