import type { PassKind, PassOf, PassRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/**
 * Delivery passes (PROP#<propertyId> / PASS#<id>) and visitor passes (VISITOR#<id>),
 * indexed by maker in byOwner (OWNER#<propertyId>#<userId> / the pass's sort key).
 */
const sortKey: Record<PassKind, (passId: string) => string> = { 'delivery-pass': keys.deliveryPass, 'visitor-pass': keys.visitorPass };

function sortKeyOf(type: string, passId: string): string {
  const of = sortKey[type as PassKind];
  if (!of) throw new Error(`pass repository: ${type} is not a pass type`);
  return of(passId);
}

const key = (propertyId: string, type: string, passId: string) => ({ pk: keys.property(propertyId), sk: sortKeyOf(type, passId) });
const toPass = <K extends PassKind>(raw: Record<string, unknown>) => withoutKeys(raw) as unknown as PassOf<K>;
const status = { ExpressionAttributeNames: { '#s': 'status' } };

export function passRepository(table: LobbyTable): PassRepository {
  return {
    async get<K extends PassKind>(kind: K, propertyId: string, passId: string) {
      const { pk, sk } = key(propertyId, kind, passId);
      const raw = await table.get(pk, sk);
      return raw && toPass<K>(raw);
    },
    add(propertyId, pass, keepUntil) {
      const { pk, sk } = key(propertyId, pass.type, pass.id);
      return asWrite({ Put: { Item: { pk, sk, gsi1pk: keys.owner(propertyId, pass.createdBy), gsi1sk: sk, ...pass, expiresAtEpoch: keepUntil } } });
    },
    async page(kind, propertyId, { limit, cursor, madeBy }) {
      const prefix = sortKey[kind]('');
      const page =
        madeBy !== undefined
          ? await table.query({ pk: keys.owner(propertyId, madeBy), skPrefix: prefix, index: { name: 'byOwner', partitionKey: 'gsi1pk' }, limit, cursor, newestFirst: true })
          : await table.query({ pk: keys.property(propertyId), skPrefix: prefix, limit, cursor, newestFirst: true });
      return { items: page.items.map((raw) => toPass(raw)), nextCursor: page.nextCursor };
    },
    async madeBy(kind, propertyId, userId) {
      const all: Array<PassOf<typeof kind>> = [];
      let cursor: string | undefined;
      do {
        const page = await table.query({
          pk: keys.property(propertyId),
          skPrefix: sortKey[kind](''),
          limit: 500,
          cursor,
          filter: { expression: 'createdBy = :user', values: { ':user': userId } },
        });
        all.push(...page.items.map((raw) => toPass<typeof kind>(raw)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    async indexedFor(kind, propertyId, userId) {
      const all: Array<{ status: string; expiresAt?: string; endsAt?: string }> = [];
      let cursor: string | undefined;
      do {
        const page = await table.query<{ status: string; expiresAt?: string; endsAt?: string }>({
          pk: keys.owner(propertyId, userId),
          skPrefix: sortKey[kind](''),
          index: { name: 'byOwner', partitionKey: 'gsi1pk' },
          limit: 500,
          cursor,
        });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    retire(propertyId, pass, to, at) {
      return asWrite({
        Update: {
          Key: key(propertyId, pass.type, pass.id),
          UpdateExpression: 'SET #s = :to, retiredAt = :now',
          ConditionExpression: '#s = :active',
          ...status,
          ExpressionAttributeValues: { ':to': to, ':active': 'active', ':now': at },
        },
      });
    },
    endGrace(propertyId, pass, at) {
      return asWrite({
        Update: {
          Key: key(propertyId, pass.type, pass.id),
          UpdateExpression: 'REMOVE graceUntil SET validUntil = :now, graceEndedAt = :now',
          ConditionExpression: '#s = :used AND attribute_exists(graceUntil)',
          ...status,
          ExpressionAttributeValues: { ':used': 'used', ':now': at },
        },
      });
    },
    redeem(propertyId, passId, use) {
      const grace = use.graceUntil !== undefined;
      return asWrite({
        Update: {
          Key: key(propertyId, 'delivery-pass', passId),
          UpdateExpression: `SET #s = :used, usedAt = :usedAt, eventId = :eventId, attemptId = :attempt, usedByPanel = :panel, offlineRedemption = :offline${grace ? ', graceUntil = :grace, validUntil = :grace' : ''}`,
          ConditionExpression: '#t = :pass AND #s = :active AND expiresAt > :usedAt',
          ExpressionAttributeNames: { '#s': 'status', '#t': 'type' },
          ExpressionAttributeValues: {
            ':used': 'used',
            ':active': 'active',
            ':pass': 'delivery-pass',
            ':usedAt': use.usedAt,
            ':eventId': use.eventId,
            ':attempt': use.attemptId,
            ':panel': use.panelId,
            ':offline': use.offline,
            ...(grace ? { ':grace': use.graceUntil } : {}),
          },
        },
      });
    },
    markArrived(propertyId, passId, at, eventId) {
      return asWrite({
        Update: {
          Key: key(propertyId, 'visitor-pass', passId),
          UpdateExpression: 'SET arrivedAt = :at, arrivedEventId = :eventId',
          ConditionExpression: '#t = :visitor AND attribute_not_exists(arrivedAt)',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':at': at, ':eventId': eventId, ':visitor': 'visitor-pass' },
        },
      });
    },
  };
}
