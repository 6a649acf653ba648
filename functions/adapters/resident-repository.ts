import type { Resident } from '../domain/people.ts';
import type { ResidentRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/** Residents: PROP#<propertyId> / RESIDENT#<residentId>, with `search` ("name unit", lower case) for the directory. */
const key = (propertyId: string, residentId: string) => ({ pk: keys.property(propertyId), sk: keys.resident(residentId) });
const toResident = (raw: Record<string, unknown>) => withoutKeys(raw) as unknown as Resident;
/** Residents living here now (moved-out records are kept for retried move-outs, not shown). */
const livingHere = 'attribute_not_exists(movedOutAt)';

export function residentRepository(table: LobbyTable): ResidentRepository {
  return {
    async get(propertyId, residentId) {
      const raw = await table.get(key(propertyId, residentId).pk, key(propertyId, residentId).sk);
      return raw && toResident(raw);
    },
    add(propertyId, resident) {
      return asWrite({ Put: { Item: { ...key(propertyId, resident.id), type: 'resident', search: `${resident.name} ${resident.unit}`.toLowerCase(), ...resident } } });
    },
    markMovedOut(propertyId, residentId, at, keepUntil) {
      return asWrite({
        Update: {
          Key: key(propertyId, residentId),
          UpdateExpression: 'SET movedOutAt = :at, expiresAtEpoch = :expires',
          ExpressionAttributeValues: { ':at': at, ':expires': keepUntil },
        },
      });
    },
    async pageLiving(propertyId, { limit, cursor, search }) {
      const page = await table.query({
        pk: keys.property(propertyId),
        skPrefix: keys.resident(''),
        limit,
        cursor,
        filter: search ? { expression: `${livingHere} AND contains(#search, :q)`, names: { '#search': 'search' }, values: { ':q': search } } : { expression: livingHere },
      });
      return { items: page.items.map(toResident), nextCursor: page.nextCursor };
    },
  };
}
