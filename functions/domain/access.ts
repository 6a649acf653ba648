import { forbidden, notFound } from './errors.ts';
import type { Caller, IntegrationCaller } from './caller.ts';
import type { IntegrationScope } from '../shared/integration-scopes.ts';
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
  /** Set when the caller is an integration (no membership record): what its writes are fenced on instead. */
  integrationId?: string;
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
  if (caller.kind === 'integration') return integrationStanding(caller, propertyId, roles);
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
  if (membership.integrationId !== undefined) return stores.integrations.holds(membership.propertyId, membership.integrationId);
  return stores.members.holds(membership);
}

/**
 * May this caller use a route at all? People: yes (their membership decides per property).
 * Integrations: only routes that list one of their scopes (`scopes` of the route entry);
 * a route without scopes is for people only. Checked by the HTTP shell before the operation.
 */
export function admitsCaller(caller: Caller, routeScopes: readonly IntegrationScope[] | undefined): void {
  if (caller.kind !== 'integration') return;
  if (!routeScopes?.some((scope) => caller.scopes.includes(scope))) {
    throw forbidden(routeScopes?.length ? `This needs one of these scopes: ${routeScopes.join(', ')}` : 'Integrations cannot use this operation');
  }
}

/**
 * An integration's standing at a property: its own property only (403 elsewhere, it knows its
 * property exists), acting with the least of the manager roles the operation admits (staff where
 * staff may, else admin); the route's scope already said it may. Its writes are fenced on its
 * record (membershipHolds), so a create racing its deletion fails.
 */
function integrationStanding(caller: IntegrationCaller, propertyId: string, roles: readonly Role[]): Membership {
  if (propertyId !== caller.propertyId) throw forbidden('An integration acts only at its own property');
  const role = roles.includes('staff') ? 'staff' : roles.includes('admin') ? 'admin' : undefined;
  if (!role) throw forbidden('Integrations cannot use this operation');
  return { propertyId, userId: caller.userId, role, since: '', integrationId: caller.integrationId };
}
