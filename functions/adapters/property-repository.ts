import type { Property } from '../domain/property-record.ts';
import type { PropertyRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/**
 * The property record: PROP#<propertyId> / META (with createdBy, which the domain does not read back),
 * indexed by byOwner: PROPERTIES / PROP#<propertyId> (an operator's list).
 */
const key = (propertyId: string) => ({ pk: keys.property(propertyId), sk: keys.meta });

export function propertyRepository(table: LobbyTable): PropertyRepository {
  return {
    get: (propertyId) => table.get<Property>(key(propertyId).pk, key(propertyId).sk),
    async page(limit, cursor) {
      const page = await table.query({ pk: keys.properties, skPrefix: keys.property(''), index: { name: 'byOwner', partitionKey: 'gsi1pk' }, limit, cursor });
      return { items: page.items.map((raw) => withoutKeys(raw) as unknown as Property), nextCursor: page.nextCursor };
    },
    add(property, createdBy) {
      const index = { gsi1pk: keys.properties, gsi1sk: keys.property(property.id) };
      return asWrite({ Put: { Item: { ...key(property.id), ...index, type: 'property', ...property, createdBy }, ConditionExpression: 'attribute_not_exists(pk)' } });
    },
    patchSettings(propertyId, patch) {
      const names: Record<string, string> = { '#settings': 'settings' };
      const values: Record<string, unknown> = {};
      const sets = Object.entries(patch).map(([name, value], i) => {
        names[`#k${i}`] = name;
        values[`:v${i}`] = value;
        return `#settings.#k${i} = :v${i}`;
      });
      return asWrite({
        Update: {
          Key: key(propertyId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    },
  };
}
