import { ulid } from 'ulid';
import { conflict, forbidden, notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import { auditEntry } from './audit.ts';
import { adminsOnly, anyMember, getMembership, managers, requireRole, type Membership } from './access.ts';
import { loadProperty } from './property-record.ts';
import { attempt } from './transactions.ts';
import { webhookEventWrites } from './webhook-events.ts';
import { enabledSubscriptions } from './webhooks.ts';
import { revokeCredentialsOf } from './revocation.ts';
import { removeDevicesOf } from './devices.ts';
import type { Page, Write } from './records.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import type { Stores } from './stores.ts';

export interface Resident {
  id: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  notify: Array<'app' | 'sms' | 'email'>;
  movedInAt: string;
  movedOutAt?: string;
  /** The property-management system's id of a resident its roster moved in (roster.ts); none for residents moved in by hand. */
  externalId?: string;
}

async function admins(stores: Stores, propertyId: string): Promise<Membership[]> {
  const all = await stores.members.all(propertyId);
  return all.filter((m) => m.role === 'admin');
}

/** Admins appoint admins and staff; an operator may appoint the first admin of a property. */
export async function putMember(stores: Stores, caller: Caller, propertyId: string, userId: string, role: 'admin' | 'staff') {
  const callerMembership = await getMembership(stores, propertyId, caller.userId);
  if (callerMembership?.role !== 'admin') {
    if (!caller.operator) {
      if (!callerMembership) throw notFound('No such property');
      throw forbidden('Only admins manage members');
    }
    await loadProperty(stores, propertyId);
    if ((await admins(stores, propertyId)).length > 0) throw forbidden('The property has an admin: ask them to add members');
  }
  // The settings only for the audit record's retention (a rare write: one read in parallel).
  const [existing, { settings }] = await Promise.all([getMembership(stores, propertyId, userId), loadProperty(stores, propertyId)]);
  if (existing?.role === 'resident') throw conflict('This user is a resident here: move them out first');
  // A removal under way is finished first (DELETE again), not undone by a role change.
  if (existing?.leaving) throw conflict('This member is being removed; finish the removal first', 'member-leaving');
  const demotesAdmin = existing?.role === 'admin' && role !== 'admin';
  // Like DELETE: a property never loses its last admin, also not by a demotion.
  const otherAdmin = demotesAdmin ? (await admins(stores, propertyId)).find((m) => m.userId !== userId && !(m as { leaving?: string }).leaving) : undefined;
  if (demotesAdmin && !otherAdmin) throw conflict('This is the last admin of the property', 'last-admin');
  const membership: Membership = { propertyId, userId, role, since: existing?.since ?? stores.now().toISOString() };
  const failed = await attempt(() =>
    stores.table.transact([
      // Written over what was read (no resident moved in, no role changed meanwhile)...
      stores.members.put(membership, existing && { role: existing.role }),
      auditEntry(stores, propertyId, caller.userId, `member.${role}-set`, { type: 'user', id: userId }, settings.auditRetentionDays),
      // ...and, for a demotion, only while another admin still is one: two admins demoting each other at once cannot both win.
      ...(otherAdmin ? [stores.members.stillAdmin(propertyId, otherAdmin.userId)] : []),
    ]),
  );
  if (failed === 2) throw conflict('This is the last admin of the property', 'last-admin');
  if (failed >= 0) throw conflict('The membership changed meanwhile; try again');
  return { userId, role, since: membership.since };
}

/**
 * Removes an admin or staff member, and revokes the passes they made (a removed
 * staff member's passes must not keep opening doors). Resumable like a move-out:
 * fence, revoke, then remove; a retry after a failure finishes the job.
 */
export async function deleteMember(stores: Stores, caller: Caller, propertyId: string, userId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const target = await getMembership(stores, propertyId, userId);
  if (!target || target.role === 'resident') throw notFound('No such admin or staff member');
  if (target.role === 'admin' && (await admins(stores, propertyId)).filter((m) => !m.leaving).length <= 1 && !target.leaving) {
    throw conflict('This is the last admin of the property', 'last-admin');
  }
  await fenceMembership(stores, target);
  await revokeCredentialsOf(stores, propertyId, userId, caller.userId);
  const { settings } = await loadProperty(stores, propertyId);
  const failed = await attempt(() =>
    stores.table.transact([
      stores.members.remove(propertyId, userId, { role: target.role }),
      auditEntry(stores, propertyId, caller.userId, 'member.removed', { type: 'user', id: userId }, settings.auditRetentionDays),
    ]),
  );
  if (failed >= 0) throw conflict('The membership changed meanwhile; try again');
}

/**
 * The first step of every removal: marks the membership as leaving, so the member
 * can no longer act and no create in their name can commit any more (every create
 * checks `membershipHolds`). After this, a strongly consistent read sees every
 * credential they will ever have made.
 */
async function fenceMembership(stores: Stores, membership: Membership) {
  if (membership.leaving) return;
  const failed = await attempt(() => stores.table.transact([stores.members.fence(membership, stores.now().toISOString())]));
  if (failed >= 0) throw conflict('The membership changed meanwhile; try again');
}

export async function listMembers(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const page = await stores.members.pageStaff(propertyId, limit, cursor);
  return { items: page.items.map(({ userId, role, since }) => ({ userId, role, since })), nextCursor: page.nextCursor };
}

export async function moveIn(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  input: Omit<Resident, 'id' | 'movedInAt' | 'notify'> & { notify?: Resident['notify'] },
): Promise<Resident> {
  const [, { settings }] = await Promise.all([requireRole(stores, caller, propertyId, managers), loadProperty(stores, propertyId)]);
  const resident: Resident = { id: `res_${ulid()}`, ...input, notify: input.notify ?? ['app'], movedInAt: stores.now().toISOString() };
  const failed = await attempt(() => stores.table.transact(moveInWrites(stores, propertyId, resident, caller.userId, settings.auditRetentionDays)));
  if (failed === 0) throw conflict('This user is already a member of the property', 'already-member');
  return resident;
}

/**
 * A move-in's writes, to commit together (the API's move-in, and the roster sync with its entry):
 * the membership (first: its condition fails when the user is a member already), the resident, the audit record.
 */
export function moveInWrites(stores: Stores, propertyId: string, resident: Resident, actor: string, auditRetentionDays: number): Write[] {
  const membership: Membership = { propertyId, userId: resident.userId, role: 'resident', unit: resident.unit, residentId: resident.id, since: resident.movedInAt };
  return [
    stores.members.put(membership),
    stores.residents.add(propertyId, resident),
    auditEntry(stores, propertyId, actor, 'resident.moved-in', { type: 'resident', id: resident.id }, auditRetentionDays),
  ];
}

/**
 * Move-out, one resumable operation: (1) fence the membership (the resident's token
 * stops working here, and no pass can be created in their name any more), (2) revoke
 * everything they made, trying every item, (3) remove the membership and keep the
 * resident record as moved out. A failure in (2) leaves the fence, and running the
 * move-out again picks up where it stopped; so does a retry after it completed (204).
 */
export async function moveOut(stores: Stores, caller: Caller, propertyId: string, residentId: string) {
  // Access, the resident and the settings (for the audit retention) in one round trip.
  const [, resident, { settings }] = await Promise.all([
    requireRole(stores, caller, propertyId, managers),
    stores.residents.get(propertyId, residentId),
    loadProperty(stores, propertyId),
  ]);
  if (!resident) throw notFound('No such resident');
  await finishMoveOut(stores, propertyId, resident, caller.userId, settings);
}

/** The move-out itself, for callers that checked access (moveOut above, the roster sync): resumable, safe to run again. */
export async function finishMoveOut(stores: Stores, propertyId: string, resident: Resident, actor: string, settings: PropertySettings) {
  const residentId = resident.id;
  // The webhook subscriptions the last step checks are a cached read: started now, not a round trip of its own.
  void enabledSubscriptions(stores, propertyId).catch(() => []);
  const membership = await getMembership(stores, propertyId, resident.userId);
  // Moved out before and a member again since (moved back in, or made staff): that is not this move-out's to undo.
  if (resident.movedOutAt && membership && membership.residentId !== residentId) return;
  if (membership?.residentId === residentId) await fenceMembership(stores, membership);
  // Their phones stop ringing for the unit's calls, alongside the revocation (before the record is marked: a retry finishes both).
  await Promise.all([revokeCredentialsOf(stores, propertyId, resident.userId, actor, settings), removeDevicesOf(stores, propertyId, resident.userId)]);
  if (resident.movedOutAt) return;
  const movedOutAt = stores.now().toISOString();
  const webhook = await webhookEventWrites(
    stores,
    propertyId,
    'resident.moved-out',
    { residentId, unit: resident.unit, movedOutAt, ...(resident.externalId ? { externalId: resident.externalId } : {}) },
    stores.now(),
  );
  await stores.table.transact([
    stores.members.remove(propertyId, resident.userId, { residentId }),
    // Kept as moved out (not listed, not in the directory) so a retried move-out still finds it; gone with the audit retention.
    stores.residents.markMovedOut(propertyId, residentId, movedOutAt, Math.floor(Date.parse(movedOutAt) / 1000) + settings.auditRetentionDays * 86400),
    auditEntry(stores, propertyId, actor, 'resident.moved-out', { type: 'resident', id: residentId }, settings.auditRetentionDays),
    ...webhook,
  ]);
}

const residentView = ({ id, userId, name, unit, email, phone, notify, movedInAt, externalId }: Resident): Resident => ({
  id,
  userId,
  name,
  unit,
  email,
  phone,
  notify,
  movedInAt,
  externalId,
});

export async function listResidents(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<Resident>> {
  await requireRole(stores, caller, propertyId, managers);
  // Residents living here now (moved-out records are kept for retried move-outs, not shown).
  const page = await stores.residents.pageLiving(propertyId, { limit, cursor });
  return { items: page.items.map(residentView), nextCursor: page.nextCursor };
}

/** The panel directory: display name and unit only, never contact details. */
export async function searchDirectory(stores: Stores, caller: Caller, propertyId: string, query: { q?: string; limit: number; cursor?: string }) {
  await requireRole(stores, caller, propertyId, anyMember);
  const q = query.q?.normalize('NFC').trim().toLowerCase();
  const page = await stores.residents.pageLiving(propertyId, { limit: query.limit, cursor: query.cursor, search: q || undefined });
  return { items: page.items.map(({ id, name, unit }) => ({ residentId: id, name, unit })), nextCursor: page.nextCursor };
}
