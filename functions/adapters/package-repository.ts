import { type PackageRecord, type PackageRepository, unitKey } from '../domain/package-records.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/*
 * Packages in the Lobby table, under their property:
 * - PKG#<id>: the record (ids start with a ULID: newest first is a reverse query). `unitKey` (the
 *   unit as matched: domain/call-records.ts unitKey) lets a list narrow to one unit. While it waits and
 *   has not been reminded it carries the sparse byOwner index entry PKGS#REMIND /
 *   <remindAt>#<propertyId>#<id>, which the reminder schedule reads. Picked up, it is kept a year.
 * - PKGWAIT#<unitKey>#<id>: one per package waiting, so a pickup finds the unit's waiting packages
 *   with one strongly consistent query (a package delivered a moment before is not missed).
 */
const pk = keys.property;
const REMIND_INDEX = 'PKGS#REMIND';
/** Picked-up packages are kept a year. */
const KEEP_SECONDS = 365 * 86400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const remindEntry = (propertyId: string, id: string, remindAt: string) => ({ remindAt, gsi1pk: REMIND_INDEX, gsi1sk: `${remindAt}#${propertyId}#${id}` });

const toRecord = (raw: Record<string, unknown>): PackageRecord => {
  const { type: _type, unitKey: _unitKey, remindAt: _remindAt, ...rest } = withoutKeys(raw);
  return rest as unknown as PackageRecord;
};

export function packageRepository(table: LobbyTable): PackageRepository {
  return {
    async get(propertyId, id) {
      const raw = await table.get(pk(propertyId), keys.package(id));
      return raw && toRecord(raw);
    },
    add(pkg, remindAt) {
      const key = unitKey(pkg.unit);
      return [
        asWrite({
          Put: {
            Item: { pk: pk(pkg.propertyId), sk: keys.package(pkg.id), type: 'package', ...pkg, unitKey: key, ...remindEntry(pkg.propertyId, pkg.id, remindAt) },
            ConditionExpression: 'attribute_not_exists(sk)',
          },
        }),
        asWrite({ Put: { Item: { pk: pk(pkg.propertyId), sk: keys.packageWaiting(key, pkg.id), type: 'package-waiting', packageId: pkg.id, deliveredAt: pkg.deliveredAt } } }),
      ];
    },
    async awaiting(propertyId, unit) {
      const items = await table.queryAll<{ packageId: string; deliveredAt: string }>(pk(propertyId), keys.packageWaiting(unitKey(unit), ''));
      return items.map((i) => ({ id: i.packageId, deliveredAt: i.deliveredAt }));
    },
    pickUp(ref, pickup) {
      const values: Record<string, unknown> = { ':waiting': 'awaiting-pickup', ':picked': 'picked-up', ':at': pickup.at, ':keep': epoch(pickup.at) + KEEP_SECONDS };
      const sets = ['#status = :picked', 'pickedUpAt = :at', 'expiresAtEpoch = :keep'];
      if (pickup.eventId !== undefined) {
        sets.push('pickupEventId = :event');
        values[':event'] = pickup.eventId;
      }
      if (pickup.by !== undefined) {
        sets.push('handedOverBy = :by');
        values[':by'] = pickup.by;
      }
      let condition = '#status = :waiting';
      if (pickup.deliveredBy !== undefined) {
        condition += ' AND deliveredAt <= :deliveredBy';
        values[':deliveredBy'] = pickup.deliveredBy;
      }
      return [
        asWrite({
          Update: {
            Key: { pk: pk(ref.propertyId), sk: keys.package(ref.id) },
            UpdateExpression: `SET ${sets.join(', ')} REMOVE remindAt, gsi1pk, gsi1sk`,
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          },
        }),
        asWrite({ Delete: { Key: { pk: pk(ref.propertyId), sk: keys.packageWaiting(unitKey(ref.unit), ref.id) } } }),
      ];
    },
    async page(propertyId, query) {
      const conditions: string[] = [];
      const values: Record<string, unknown> = {};
      if (query.status !== undefined) {
        conditions.push('#status = :status');
        values[':status'] = query.status;
      }
      if (query.unitKey !== undefined) {
        conditions.push('unitKey = :unit');
        values[':unit'] = query.unitKey;
      }
      const page = await table.query({
        pk: pk(propertyId),
        skPrefix: keys.package(''),
        limit: query.limit,
        cursor: query.cursor,
        newestFirst: true,
        filter: conditions.length > 0 ? { expression: conditions.join(' AND '), names: query.status !== undefined ? { '#status': 'status' } : undefined, values } : undefined,
      });
      return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
    },
    async remindersDue(at) {
      const page = await table.query<{ propertyId: string; id: string; remindAt: string }>({
        pk: REMIND_INDEX,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit: 100,
      });
      return page.items.filter((i) => i.remindAt <= at).map((i) => ({ propertyId: i.propertyId, id: i.id }));
    },
    reminded(ref, at) {
      return asWrite({
        Update: {
          Key: { pk: pk(ref.propertyId), sk: keys.package(ref.id) },
          UpdateExpression: 'SET remindedAt = :at REMOVE remindAt, gsi1pk, gsi1sk',
          ConditionExpression: '#status = :waiting AND attribute_not_exists(remindedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':waiting': 'awaiting-pickup' },
        },
      });
    },
    async remindLater(ref, remindAt) {
      const entry = remindEntry(ref.propertyId, ref.id, remindAt);
      await table
        .update({
          Key: { pk: pk(ref.propertyId), sk: keys.package(ref.id) },
          UpdateExpression: 'SET remindAt = :remindAt, gsi1sk = :gsi1sk',
          ConditionExpression: '#status = :waiting AND attribute_not_exists(remindedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':remindAt': entry.remindAt, ':gsi1sk': entry.gsi1sk, ':waiting': 'awaiting-pickup' },
        })
        .catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        });
    },
  };
}
