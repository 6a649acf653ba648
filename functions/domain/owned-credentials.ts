import { keys, type Item, type Page } from '../adapters/lobby-table.ts';
import { conflict, forbidden } from './errors.ts';
import type { Membership } from './access.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import { auditEntry } from './audit.ts';
import { releaseCodeEntry } from './codes.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/**
 * What delivery passes and visitor passes share: they are made by a member,
 * indexed by who made them, and retired (cancelled, revoked) in one transaction
 * that also frees the code and writes the audit record.
 */
export const ownerIndexKey = (propertyId: string, userId: string) => `OWNER#${propertyId}#${userId}`;

export const ownerIndex = (propertyId: string, userId: string, sortKey: string) => ({ gsi1pk: ownerIndexKey(propertyId, userId), gsi1sk: sortKey });

/** Residents act only on what they made; staff and admins on everything of the property. */
export function assertCanManage(membership: Membership, createdBy: string) {
  if (membership.role === 'resident' && membership.userId !== createdBy) throw forbidden('Residents manage only their own passes');
}

export const byOwnerQuery = (propertyId: string, userId: string, prefix: string) => ({
  pk: ownerIndexKey(propertyId, userId), skPrefix: prefix, index: { name: 'byOwner', partitionKey: 'gsi1pk' },
});

/** A pass list: a resident's own passes, or (staff, admins) all of the property's; newest first. */
export async function listPasses<T extends object>(stores: Stores, membership: Membership, prefix: string, limit: number, cursor?: string): Promise<Page<T>> {
  return membership.role === 'resident'
    ? stores.table.query<T>({ ...byOwnerQuery(membership.propertyId, membership.userId, prefix), limit, cursor, newestFirst: true })
    : stores.table.query<T>({ pk: keys.property(membership.propertyId), skPrefix: prefix, limit, cursor, newestFirst: true });
}

/**
 * Every credential one user made under a prefix (PASS#, VISITOR#), all pages. Read
 * from the table, strongly consistent, not from the index (which lags a little):
 * a move-out must not miss a pass made a moment before.
 */
export async function ownedBy<T extends OwnedCredential>(stores: Stores, propertyId: string, userId: string, prefix: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.table.query<T>({
      pk: keys.property(propertyId), skPrefix: prefix, limit: 500, cursor,
      filter: { expression: 'createdBy = :user', values: { ':user': userId } },
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/**
 * A resident may hold at most `maxActivePassesPerResident` active delivery and
 * visitor passes together, so one account cannot fill the property's set. Counted
 * from the owner index (it lags a moment: concurrent creates may overshoot by a few).
 */
export async function assertUnderPassCap(stores: Stores, membership: Membership, settings: PropertySettings) {
  if (membership.role !== 'resident') return;
  const now = stores.now().toISOString();
  let active = 0;
  for (const prefix of ['PASS#', 'VISITOR#']) {
    let cursor: string | undefined;
    do {
      const page = await stores.table.query<{ status: string; expiresAt?: string; endsAt?: string }>({ ...byOwnerQuery(membership.propertyId, membership.userId, prefix), limit: 500, cursor });
      active += page.items.filter((p) => p.status === 'active' && (p.expiresAt ?? p.endsAt ?? '') > now).length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  if (active >= settings.maxActivePassesPerResident) {
    throw conflict(`A resident may have at most ${settings.maxActivePassesPerResident} active passes at this property; cancel one first`, 'too-many-passes');
  }
}

export type OwnedCredential = Item & { id: string; status: string; codeKey: string; type: string; graceUntil?: string };

/**
 * Retires an active credential (cancelled, revoked): status, code released and audit
 * record in one transaction. A code sentinel that is gone (TTL) or that another
 * credential took after this one expired is not ours to free: the credential is
 * retired without it. Returns false when it was not active any more (nothing to do).
 */
export async function retireCredential(stores: Stores, propertyId: string, credential: OwnedCredential, to: string, actor: string, auditRetentionDays?: number): Promise<boolean> {
  const retire = (releaseCode: boolean) => attempt(() => stores.table.transact([
    { Update: {
      Key: { pk: keys.property(propertyId), sk: credential.sk },
      UpdateExpression: 'SET #s = :to, retiredAt = :now',
      ConditionExpression: '#s = :active',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':to': to, ':active': 'active', ':now': stores.now().toISOString() },
    } },
    auditEntry(stores, propertyId, actor, `${credential.type}.${to}`, { type: credential.type, id: credential.id }, auditRetentionDays),
    ...(releaseCode ? [releaseCodeEntry(propertyId, credential.codeKey, credential.id)] : []),
  ]));
  let failed = await retire(true);
  if (failed === 2) failed = await retire(false);
  if (failed > 0) throw conflict('The pass changed meanwhile; try again');
  return failed < 0;
}

/**
 * Ends a used pass's grace re-entry window now (move-out: the courier's second trip
 * is over too). The pass leaves the panels' sets; a claim answers already-used.
 */
export async function endGrace(stores: Stores, propertyId: string, credential: OwnedCredential): Promise<void> {
  const now = stores.now().toISOString();
  if (credential.status !== 'used' || !credential.graceUntil || credential.graceUntil <= now) return;
  await attempt(() => stores.table.transact([{ Update: {
    Key: { pk: keys.property(propertyId), sk: credential.sk },
    UpdateExpression: 'REMOVE graceUntil SET validUntil = :now, graceEndedAt = :now',
    ConditionExpression: '#s = :used AND attribute_exists(graceUntil)',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':used': 'used', ':now': now },
  } }]));
}
