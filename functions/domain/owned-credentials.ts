import { keys } from '../adapters/lobby-table.ts';
import type { Membership } from './access.ts';
import { forbidden } from '../http/problem.ts';

/** Passes are indexed by who made them, so a resident's list and a move-out are one query. */
export const ownerIndexKey = (propertyId: string, userId: string) => `OWNER#${propertyId}#${userId}`;

export const ownerIndex = (propertyId: string, userId: string, sortKey: string) => ({ gsi1pk: ownerIndexKey(propertyId, userId), gsi1sk: sortKey });

/** Residents act only on what they made; staff and admins on everything of the property. */
export function assertCanManage(membership: Membership, createdBy: string) {
  if (membership.role === 'resident' && membership.userId !== createdBy) throw forbidden('Residents manage only their own passes');
}

export const byOwnerQuery = (propertyId: string, userId: string, prefix: string) => ({
  pk: ownerIndexKey(propertyId, userId), skPrefix: prefix, index: { name: 'byOwner', partitionKey: 'gsi1pk' },
});

export { keys };
