import { keys } from '../adapters/lobby-table.ts';
import { forbidden, notFound } from '../http/problem.ts';
import type { Caller } from '../http/caller.ts';
import type { Stores } from './stores.ts';

export type Role = 'admin' | 'staff' | 'resident';

/** A membership record: the only source of what a user may do at a property. */
export interface Membership {
  propertyId: string;
  userId: string;
  role: Role;
  unit?: string;
  residentId?: string;
  since: string;
}

export function getMembership(stores: Stores, propertyId: string, userId: string) {
  return stores.table.get<Membership>(keys.property(propertyId), keys.member(userId));
}

/**
 * The caller's membership at the property, if their role is one of `roles`.
 * Read on every request (strongly consistent), so removing a membership takes
 * effect at once, whatever the caller's token says. A non-member learns nothing,
 * not even that the property exists.
 */
export async function requireRole(stores: Stores, caller: Caller, propertyId: string, roles: readonly Role[]): Promise<Membership> {
  const membership = await getMembership(stores, propertyId, caller.userId);
  if (!membership) throw notFound('No such property');
  if (!roles.includes(membership.role)) {
    throw forbidden(`This needs one of these roles at the property: ${roles.join(', ')}`);
  }
  return membership;
}

export const anyMember: readonly Role[] = ['admin', 'staff', 'resident'];
export const managers: readonly Role[] = ['admin', 'staff'];
export const adminsOnly: readonly Role[] = ['admin'];
