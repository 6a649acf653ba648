import type { DeliveryPinItem } from '../domain/delivery-pins.ts';
import type { DeliveryPinRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/** Delivery PINs: PROP#<propertyId> / PIN#<pinId>; `codeKey` links a PIN to its code sentinel and guards edits. */
const key = (propertyId: string, pinId: string) => ({ pk: keys.property(propertyId), sk: keys.deliveryPin(pinId) });
const toPin = (raw: Record<string, unknown>) => withoutKeys(raw) as unknown as DeliveryPinItem;

export function deliveryPinRepository(table: LobbyTable): DeliveryPinRepository {
  return {
    async get(propertyId, pinId) {
      const raw = await table.get(key(propertyId, pinId).pk, key(propertyId, pinId).sk);
      return raw && toPin(raw);
    },
    async page(propertyId, limit, cursor) {
      const page = await table.query({ pk: keys.property(propertyId), skPrefix: keys.deliveryPin(''), limit, cursor });
      return { items: page.items.map(toPin), nextCursor: page.nextCursor };
    },
    put(propertyId, pin, seenCodeKey) {
      const Item = { ...key(propertyId, pin.id), type: 'delivery-pin', ...pin };
      return seenCodeKey === undefined
        ? asWrite({ Put: { Item } })
        : asWrite({ Put: { Item, ConditionExpression: 'codeKey = :seen', ExpressionAttributeValues: { ':seen': seenCodeKey } } });
    },
    remove(propertyId, pinId, seenCodeKey) {
      return asWrite({ Delete: { Key: key(propertyId, pinId), ConditionExpression: 'codeKey = :seen', ExpressionAttributeValues: { ':seen': seenCodeKey } } });
    },
  };
}
