import type { Membership } from '../domain/access.ts';
import type { MemberRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/**
 * Memberships: PROP#<propertyId> / MEMBER#<userId>, indexed by user (byOwner:
 * USER#<userId> / PROP#<propertyId>) for "my properties".
 */
const key = (propertyId: string, userId: string) => ({ pk: keys.property(propertyId), sk: keys.member(userId) });
const item = (m: Membership) => ({ ...key(m.propertyId, m.userId), type: 'member', gsi1pk: keys.user(m.userId), gsi1sk: keys.property(m.propertyId), ...m });
const toMembership = (raw: Record<string, unknown>) => withoutKeys(raw) as unknown as Membership;
const roleIs = (role: string) => ({ ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':role': role } });

export function memberRepository(table: LobbyTable): MemberRepository {
  return {
    async get(propertyId, userId) {
      const raw = await table.get(key(propertyId, userId).pk, key(propertyId, userId).sk);
      return raw && toMembership(raw);
    },
    async all(propertyId) {
      return (await table.queryAll(keys.property(propertyId), keys.member(''))).map(toMembership);
    },
    async pageForUser(userId, limit, cursor) {
      const page = await table.query({ pk: keys.user(userId), skPrefix: keys.property(''), index: { name: 'byOwner', partitionKey: 'gsi1pk' }, limit, cursor });
      return { items: page.items.map(toMembership), nextCursor: page.nextCursor };
    },
    async pageStaff(propertyId, limit, cursor) {
      const page = await table.query({
        pk: keys.property(propertyId),
        skPrefix: keys.member(''),
        limit,
        cursor,
        filter: { expression: '#role <> :resident', names: { '#role': 'role' }, values: { ':resident': 'resident' } },
      });
      return { items: page.items.map(toMembership), nextCursor: page.nextCursor };
    },
    holds(membership) {
      return asWrite({
        ConditionCheck: {
          Key: key(membership.propertyId, membership.userId),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(leaving) AND #role = :role',
          ...roleIs(membership.role),
        },
      });
    },
    stillAdmin(propertyId, userId) {
      return asWrite({
        ConditionCheck: {
          Key: key(propertyId, userId),
          ConditionExpression: '#role = :admin AND attribute_not_exists(leaving)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':admin': 'admin' },
        },
      });
    },
    put(membership, over) {
      return over
        ? asWrite({ Put: { Item: item(membership), ConditionExpression: '#role = :role AND attribute_not_exists(leaving)', ...roleIs(over.role) } })
        : asWrite({ Put: { Item: item(membership), ConditionExpression: 'attribute_not_exists(pk)' } });
    },
    fence(membership, at) {
      return asWrite({
        Update: {
          Key: key(membership.propertyId, membership.userId),
          UpdateExpression: 'SET leaving = :now',
          ConditionExpression: 'attribute_exists(pk) AND #role = :role',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':now': at, ':role': membership.role },
        },
      });
    },
    remove(propertyId, userId, expected) {
      return 'role' in expected
        ? asWrite({ Delete: { Key: key(propertyId, userId), ConditionExpression: 'attribute_not_exists(pk) OR #role = :role', ...roleIs(expected.role) } })
        : asWrite({
            Delete: {
              Key: key(propertyId, userId),
              ConditionExpression: 'attribute_not_exists(pk) OR residentId = :resident',
              ExpressionAttributeValues: { ':resident': expected.residentId },
            },
          });
    },
  };
}
