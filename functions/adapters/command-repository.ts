import type { CommandRecord } from '../domain/commands.ts';
import type { CommandRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, unlessConditionFails, withoutKeys } from './table-keys.ts';

/** Remote commands: PROP#<propertyId> / CMD#<commandId>; expire by TTL. */
const key = (propertyId: string, commandId: string) => ({ pk: keys.property(propertyId), sk: keys.command(commandId) });

export function commandRepository(table: LobbyTable): CommandRepository {
  return {
    add(propertyId, command, keepUntil) {
      return asWrite({ Put: { Item: { ...key(propertyId, command.id), type: 'command', ...command, expiresAtEpoch: keepUntil } } });
    },
    async get(propertyId, commandId) {
      const item = await table.get(key(propertyId, commandId).pk, key(propertyId, commandId).sk);
      return item && (withoutKeys(item) as unknown as CommandRecord);
    },
    async settle(propertyId, commandId, panelId, outcome) {
      const executed = outcome.status === 'executed';
      await unlessConditionFails(
        table.update({
          Key: key(propertyId, commandId),
          UpdateExpression: executed ? 'SET #s = :s, executedAt = :at, eventId = :e' : 'SET #s = :s',
          ConditionExpression: '#s = :sent AND panelId = :panel',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': outcome.status, ':sent': 'sent', ':panel': panelId, ...(executed ? { ':at': outcome.at, ':e': outcome.eventId ?? null } : {}) },
        }),
      );
    },
  };
}
