import { forbidden, notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import type { Write } from './records.ts';
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
  /** Set when a move-out or removal has begun: the member can no longer act, and nothing new can be made in their name. */
  leaving?: string;
}

export function getMembership(stores: Stores, propertyId: string, userId: string) {
  return stores.members.get(propertyId, userId);
}

/**
 * The caller's membership at the property, if their role is one of `roles`.
 * Read on every request (strongly consistent), so removing a membership takes
 * effect at once, whatever the caller's token says. A non-member learns nothing,
 * not even that the property exists.
 */
export async function requireRole(stores: Stores, caller: Caller, propertyId: string, roles: readonly Role[]): Promise<Membership> {
  const membership = await getMembership(stores, propertyId, caller.userId);
  if (!membership || membership.leaving) throw notFound('No such property');
  if (!roles.includes(membership.role)) {
    throw forbidden(`This needs one of these roles at the property: ${roles.join(', ')}`);
  }
  return membership;
}

export const anyMember: readonly Role[] = ['admin', 'staff', 'resident'];
export const managers: readonly Role[] = ['admin', 'staff'];
export const adminsOnly: readonly Role[] = ['admin'];

/**
 * A transaction entry that holds only while the membership is as it was read and
 * no move-out or removal has begun. Every create made in a member's name carries
 * it, so a create racing a move-out either commits before the move-out's fence
 * (and the move-out's sweep sees it) or fails.
 */
export function membershipHolds(stores: Stores, membership: Membership): Write {
  return stores.members.holds(membership);
}
