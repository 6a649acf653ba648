import { ulid } from 'ulid';
import { notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import type { CommandAck, UnlockCommand } from '../../iot/protocol/messages.ts';
import { panelTopics, UNLOCK_TTL_SECONDS } from '../../iot/protocol/topics.ts';
import { anyMember, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { loadPanel, type Panel } from './panels.ts';
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
}

/**
 * A remote unlock travels as a message with an id and an expiry, never as shadow
 * state: a panel that receives it late (offline, slow network) refuses it, and
 * one that receives it twice runs it once.
 */
export async function requestUnlock(stores: Stores, caller: Caller, propertyId: string, panelId: string) {
  await requireRole(stores, caller, propertyId, anyMember);
  await loadPanel(stores, propertyId, panelId);
  const now = stores.now();
  const command: UnlockCommand = {
    commandId: `cmd_${ulid(now.getTime())}`, type: 'unlock', issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UNLOCK_TTL_SECONDS * 1000).toISOString(),
  };
  await stores.table.transact([
    stores.commands.add(propertyId, {
      id: command.commandId, panelId, status: 'sent', issuedBy: caller.userId, issuedAt: command.issuedAt, expiresAt: command.expiresAt,
    }, Math.floor(now.getTime() / 1000) + 7 * 86400),
    auditEntry(stores, propertyId, caller.userId, 'panel.unlock-requested', { type: 'panel', id: panelId }),
  ]);
  await stores.panels.publish(panelTopics(panelId).commands, command);
  return { commandId: command.commandId, expiresAt: command.expiresAt };
}

/** A command past its expiry that no panel confirmed is expired, whatever arrives later. */
const statusAt = (command: CommandRecord, now: Date): CommandStatus =>
  command.status === 'sent' && now.getTime() > Date.parse(command.expiresAt) ? 'expired' : command.status;

export async function getCommand(stores: Stores, caller: Caller, propertyId: string, panelId: string, commandId: string) {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const command = await stores.commands.get(propertyId, commandId);
  // Residents see only the commands they sent.
  if (!command || command.panelId !== panelId || (membership.role === 'resident' && command.issuedBy !== caller.userId)) throw notFound('No such command');
  return {
    commandId: command.id, panelId: command.panelId, status: statusAt(command, stores.now()), issuedAt: command.issuedAt,
    expiresAt: command.expiresAt, executedAt: command.executedAt ?? null, eventId: command.eventId ?? null,
  };
}

/** A panel's ack settles a command once: the first outcome wins, a repeat changes nothing. */
export async function recordCommandAck(stores: Stores, panel: Panel, ack: CommandAck) {
  await stores.commands.settle(panel.propertyId, ack.commandId, panel.id, ack.status === 'executed' ? { status: 'executed', at: ack.at, eventId: ack.eventId ?? null } : { status: ack.status });
}
