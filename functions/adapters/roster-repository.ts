import type { RosterEntry, RosterRepository } from '../domain/roster.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/**
 * Roster entries (domain/roster.ts): PROP#<propertyId> / ROSTER#<externalId> (the externalId's charset
 * has no '#'). An entry with a change to come is in the byOwner index under ROSTER#DUE, sorted by when
 * it is due (`<dueAt>#<propertyId>#<externalId>`): the schedule reads what is due without a scan.
 * `updateResident` and `livingResidentIds` read and write resident records (resident-repository.ts's
 * layout), so that the roster's resident update commits in the entry's transaction.
 */
const DUE_INDEX = 'ROSTER#DUE';
const pk = (propertyId: string) => keys.property(propertyId);
const sk = (externalId: string) => `ROSTER#${externalId}`;

const toEntry = (raw: Record<string, unknown>): RosterEntry => {
  const { type: _type, ...rest } = withoutKeys(raw);
  return rest as unknown as RosterEntry;
};

export function rosterRepository(table: LobbyTable): RosterRepository {
  return {
    async all(propertyId) {
      return (await table.queryAll(pk(propertyId), sk(''))).map(toEntry);
    },
    async get(propertyId, externalId) {
      const raw = await table.get(pk(propertyId), sk(externalId));
      return raw && toEntry(raw);
    },
    async livingResidentIds(propertyId) {
      const residents = await table.queryAll<{ id: string; movedOutAt?: string }>(pk(propertyId), keys.resident(''));
      return new Set(residents.filter((r) => !r.movedOutAt).map((r) => r.id));
    },
    put(entry, seenRev) {
      const due = entry.dueAt ? { gsi1pk: DUE_INDEX, gsi1sk: `${entry.dueAt}#${entry.propertyId}#${entry.externalId}` } : {};
      return asWrite({
        Put: {
          Item: { pk: pk(entry.propertyId), sk: sk(entry.externalId), type: 'roster-entry', ...entry, ...due },
          ...(seenRev === undefined ? { ConditionExpression: 'attribute_not_exists(sk)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': seenRev } }),
        },
      });
    },
    remove(propertyId, externalId, seenRev) {
      return asWrite({
        Delete: {
          Key: { pk: pk(propertyId), sk: sk(externalId) },
          ConditionExpression: 'attribute_not_exists(sk) OR rev = :rev',
          ExpressionAttributeValues: { ':rev': seenRev },
        },
      });
    },
    updateResident(propertyId, residentId, details, phoneChanged) {
      // Every attribute by an alias: several are DynamoDB reserved words (name, unit).
      const removes = [...(details.email ? [] : ['#email']), ...(details.phone ? [] : ['#phone']), ...(phoneChanged ? ['#phoneVerified', '#phoneChallenge'] : [])];
      const sets = ['#name = :name', '#unit = :unit', '#search = :search', ...(details.email ? ['#email = :email'] : []), ...(details.phone ? ['#phone = :phone'] : [])];
      const used = [...sets.map((s) => s.split(' ')[0] as string), ...removes];
      return asWrite({
        Update: {
          Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(movedOutAt)',
          ExpressionAttributeNames: Object.fromEntries(used.map((alias) => [alias, alias.slice(1)])),
          ExpressionAttributeValues: {
            ':name': details.name,
            ':unit': details.unit,
            // The directory searches "name unit" in lower case (resident-repository.ts).
            ':search': `${details.name} ${details.unit}`.toLowerCase(),
            ...(details.email ? { ':email': details.email } : {}),
            ...(details.phone ? { ':phone': details.phone } : {}),
          },
        },
      });
    },
    async due(at, limit) {
      const page = await table.query<{ propertyId: string; externalId: string; dueAt: string }>({
        pk: DUE_INDEX,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit,
      });
      return page.items.filter((i) => i.dueAt <= at).map((i) => ({ propertyId: i.propertyId, externalId: i.externalId }));
    },
  };
}
