import { ulid } from 'ulid';
import { keys, type Page } from '../adapters/lobby-table.ts';
import { conflict, forbidden, notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import { auditEntry } from './audit.ts';
import { adminsOnly, anyMember, getMembership, managers, requireRole, type Membership } from './access.ts';
import { loadProperty } from './property-record.ts';
import { attempt } from './transactions.ts';
import { revokeCredentialsOf } from './revocation.ts';
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
}

const memberItem = (m: Membership) => ({
  pk: keys.property(m.propertyId), sk: keys.member(m.userId), type: 'member',
  gsi1pk: keys.user(m.userId), gsi1sk: keys.property(m.propertyId), ...m,
});

async function admins(stores: Stores, propertyId: string): Promise<Membership[]> {
  const all = await stores.table.queryAll<Membership>(keys.property(propertyId), 'MEMBER#');
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
  const failed = await attempt(() => stores.table.transact([
    // Written over what was read (no resident moved in, no role changed meanwhile)...
    existing
      ? { Put: { Item: memberItem(membership), ConditionExpression: '#role = :role AND attribute_not_exists(leaving)', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':role': existing.role } } }
      : { Put: { Item: memberItem(membership), ConditionExpression: 'attribute_not_exists(pk)' } },
    auditEntry(stores, propertyId, caller.userId, `member.${role}-set`, { type: 'user', id: userId }, settings.auditRetentionDays),
    // ...and, for a demotion, only while another admin still is one: two admins demoting each other at once cannot both win.
    ...(otherAdmin ? [{ ConditionCheck: { Key: { pk: keys.property(propertyId), sk: keys.member(otherAdmin.userId) }, ConditionExpression: '#role = :admin AND attribute_not_exists(leaving)', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':admin': 'admin' } } }] : []),
  ]));
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
  const failed = await attempt(() => stores.table.transact([
    { Delete: { Key: { pk: keys.property(propertyId), sk: keys.member(userId) }, ConditionExpression: 'attribute_not_exists(pk) OR #role = :role', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':role': target.role } } },
    auditEntry(stores, propertyId, caller.userId, 'member.removed', { type: 'user', id: userId }, settings.auditRetentionDays),
  ]));
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
  const failed = await attempt(() => stores.table.transact([{ Update: {
    Key: { pk: keys.property(membership.propertyId), sk: keys.member(membership.userId) },
    UpdateExpression: 'SET leaving = :now',
    ConditionExpression: 'attribute_exists(pk) AND #role = :role',
    ExpressionAttributeNames: { '#role': 'role' },
    ExpressionAttributeValues: { ':now': stores.now().toISOString(), ':role': membership.role },
  } }]));
  if (failed >= 0) throw conflict('The membership changed meanwhile; try again');
}

export async function listMembers(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const page = await stores.table.query<Membership>({ pk: keys.property(propertyId), skPrefix: 'MEMBER#', limit, cursor,
    filter: { expression: '#role <> :resident', names: { '#role': 'role' }, values: { ':resident': 'resident' } } });
  return { items: page.items.map(({ userId, role, since }) => ({ userId, role, since })), nextCursor: page.nextCursor };
}

export async function moveIn(stores: Stores, caller: Caller, propertyId: string, input: Omit<Resident, 'id' | 'movedInAt' | 'notify'> & { notify?: Resident['notify'] }): Promise<Resident> {
  const [, { settings }] = await Promise.all([requireRole(stores, caller, propertyId, managers), loadProperty(stores, propertyId)]);
  const resident: Resident = { id: `res_${ulid()}`, ...input, notify: input.notify ?? ['app'], movedInAt: stores.now().toISOString() };
  const membership: Membership = { propertyId, userId: input.userId, role: 'resident', unit: input.unit, residentId: resident.id, since: resident.movedInAt };
  const failed = await attempt(() => stores.table.transact([
    { Put: { Item: memberItem(membership), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { Item: { pk: keys.property(propertyId), sk: keys.resident(resident.id), type: 'resident', search: `${resident.name} ${resident.unit}`.toLowerCase(), ...resident } } },
    auditEntry(stores, propertyId, caller.userId, 'resident.moved-in', { type: 'resident', id: resident.id }, settings.auditRetentionDays),
  ]));
  if (failed === 0) throw conflict('This user is already a member of the property', 'already-member');
  return resident;
}

/**
 * Move-out, one resumable operation: (1) fence the membership (the resident's token
 * stops working here, and no pass can be created in their name any more), (2) revoke
 * everything they made, trying every item, (3) remove the membership and keep the
 * resident record as moved out. A failure in (2) leaves the fence, and running the
 * move-out again picks up where it stopped; so does a retry after it completed (204).
 */
export async function moveOut(stores: Stores, caller: Caller, propertyId: string, residentId: string) {
  await requireRole(stores, caller, propertyId, managers);
  const resident = await stores.table.get<Resident>(keys.property(propertyId), keys.resident(residentId));
  if (!resident) throw notFound('No such resident');
  const membership = await getMembership(stores, propertyId, resident.userId);
  // Moved out before and a member again since (moved back in, or made staff): that is not this move-out's to undo.
  if (resident.movedOutAt && membership && membership.residentId !== residentId) return;
  if (membership?.residentId === residentId) await fenceMembership(stores, membership);
  await revokeCredentialsOf(stores, propertyId, resident.userId, caller.userId);
  if (resident.movedOutAt) return;
  const movedOutAt = stores.now().toISOString();
  const { settings } = await loadProperty(stores, propertyId);
  await stores.table.transact([
    { Delete: { Key: { pk: keys.property(propertyId), sk: keys.member(resident.userId) }, ConditionExpression: 'attribute_not_exists(pk) OR residentId = :resident', ExpressionAttributeValues: { ':resident': residentId } } },
    // Kept as moved out (not listed, not in the directory) so a retried move-out still finds it; gone with the audit retention.
    { Update: {
      Key: { pk: keys.property(propertyId), sk: keys.resident(residentId) },
      UpdateExpression: 'SET movedOutAt = :at, expiresAtEpoch = :expires',
      ExpressionAttributeValues: { ':at': movedOutAt, ':expires': Math.floor(Date.parse(movedOutAt) / 1000) + settings.auditRetentionDays * 86400 },
    } },
    auditEntry(stores, propertyId, caller.userId, 'resident.moved-out', { type: 'resident', id: residentId }, settings.auditRetentionDays),
  ]);
}

/** Residents living here now (moved-out records are kept for retried move-outs, not shown). */
const livingHere = { expression: 'attribute_not_exists(movedOutAt)' };

const residentView = ({ id, userId, name, unit, email, phone, notify, movedInAt }: Resident): Resident =>
  ({ id, userId, name, unit, email, phone, notify, movedInAt });

export async function listResidents(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<Resident>> {
  await requireRole(stores, caller, propertyId, managers);
  const page = await stores.table.query<Resident>({ pk: keys.property(propertyId), skPrefix: 'RESIDENT#', limit, cursor, filter: livingHere });
  return { items: page.items.map(residentView), nextCursor: page.nextCursor };
}

/** The panel directory: display name and unit only, never contact details. */
export async function searchDirectory(stores: Stores, caller: Caller, propertyId: string, query: { q?: string; limit: number; cursor?: string }) {
  await requireRole(stores, caller, propertyId, anyMember);
  const q = query.q?.normalize('NFC').trim().toLowerCase();
  const page = await stores.table.query<Resident>({
    pk: keys.property(propertyId), skPrefix: 'RESIDENT#', limit: query.limit, cursor: query.cursor,
    filter: q ? { expression: `${livingHere.expression} AND contains(#search, :q)`, names: { '#search': 'search' }, values: { ':q': q } } : livingHere,
  });
  return { items: page.items.map(({ id, name, unit }) => ({ residentId: id, name, unit })), nextCursor: page.nextCursor };
}
