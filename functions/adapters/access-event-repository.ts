import type { AccessEventRecord } from '../domain/access-events.ts';
import type { AccessEventRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, unlessConditionFails, withoutKeys } from './table-keys.ts';

/** Access events: PROP#<propertyId> / EVENT#<eventId> (a ULID, so the sort key orders them by time); expire by TTL. */
export function accessEventRepository(table: LobbyTable): AccessEventRepository {
  return {
    add(propertyId, event, keepUntil) {
      return unlessConditionFails(
        table.put({ pk: keys.property(propertyId), sk: keys.event(event.id), type: 'access-event', ...event, expiresAtEpoch: keepUntil }, 'attribute_not_exists(sk)'),
      );
    },
    record(propertyId, event, keepUntil) {
      return asWrite({
        Put: {
          Item: { pk: keys.property(propertyId), sk: keys.event(event.id), type: 'access-event', ...event, expiresAtEpoch: keepUntil },
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      });
    },
    async page(propertyId, { fromId, toId, panelId, limit, cursor }) {
      const page = await table.query({
        pk: keys.property(propertyId),
        skPrefix: keys.event(''),
        skBetween: [keys.event(fromId), keys.event(toId)],
        limit,
        cursor,
        newestFirst: true,
        filter: panelId ? { expression: 'panelId = :panel', values: { ':panel': panelId } } : undefined,
      });
      return { items: page.items.map((item) => withoutKeys(item) as unknown as AccessEventRecord), nextCursor: page.nextCursor };
    },
  };
}
