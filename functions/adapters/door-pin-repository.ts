import type { DoorPinItem } from '../domain/door-pins.ts';
import type { DoorPinRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/** Sort-key prefix of residents' door PINs in a property's partition: DOORPIN#<userId>. */
export const DOOR_PIN_PREFIX = 'DOORPIN#';

/** Residents' door PINs: PROP#<propertyId> / DOORPIN#<userId>; `codeKey` links a PIN to its sentinel and guards changes. */
const key = (propertyId: string, userId: string) => ({ pk: keys.property(propertyId), sk: `${DOOR_PIN_PREFIX}${userId}` });

export function doorPinRepository(table: LobbyTable): DoorPinRepository {
  return {
    async get(propertyId, userId) {
      const raw = await table.get(key(propertyId, userId).pk, key(propertyId, userId).sk);
      return raw && (withoutKeys(raw) as unknown as DoorPinItem);
    },
    put(propertyId, pin, seenCodeKey) {
      const Item = { ...key(propertyId, pin.userId), ...pin, type: 'resident-door-pin' };
      return seenCodeKey === undefined
        ? asWrite({ Put: { Item, ConditionExpression: 'attribute_not_exists(pk)' } })
        : asWrite({ Put: { Item, ConditionExpression: 'codeKey = :seen', ExpressionAttributeValues: { ':seen': seenCodeKey } } });
    },
    remove(propertyId, userId, seenCodeKey) {
      return asWrite({ Delete: { Key: key(propertyId, userId), ConditionExpression: 'codeKey = :seen', ExpressionAttributeValues: { ':seen': seenCodeKey } } });
    },
  };
}
