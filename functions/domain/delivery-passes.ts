import { ulid } from 'ulid';
import { conflict, forbidden, notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import { anyMember, membershipHolds, requireRole, type Membership } from './access.ts';
import { auditEntry } from './audit.ts';
import { claimCodeEntry, codeHint, generateCode } from './codes.ts';
import { assertCanManage, assertUnderPassCap, listPasses, retireCredential } from './owned-credentials.ts';
import { credentialSync } from './panels.ts';
import { panelsHoldPasses } from './credential-sets.ts';
import { loadProperty, type Property } from './property-record.ts';
import { attempt } from './transactions.ts';
import type { Page } from './records.ts';
import type { Stores } from './stores.ts';

/**
 * A single-use code a resident gives a one-off courier. It opens a door once
 * (claimed in the cloud, see pass-claims.ts), then, if the property allows a
 * grace period, re-opens for that many minutes for the courier's second trip.
 */
export type DeliveryPassStatus = 'active' | 'used' | 'cancelled' | 'expired';

export interface DeliveryPassItem {
  id: string;
  type: 'delivery-pass';
  status: 'active' | 'used' | 'cancelled';
  sealedCode: string;
  codeKey: string;
  codeHint: string;
  note?: string;
  createdBy: string;
  /** The resident who made it (not set for staff's passes): told when it is used (pass-claims.ts). */
  residentId?: string;
  createdAt: string;
  expiresAt: string;
  validUntil: string;
  singleUse: true;
  usedAt?: string;
  eventId?: string;
  attemptId?: string;
  usedByPanel?: string;
  graceUntil?: string;
  offlineRedemption?: boolean;
  retiredAt?: string;
}

/** Expiry is a matter of time, not of a write: an active pass past expiresAt is expired. */
export const passStatus = (pass: DeliveryPassItem, now: Date): DeliveryPassStatus =>
  pass.status === 'active' && now.getTime() >= Date.parse(pass.expiresAt) ? 'expired' : pass.status;

const view = (pass: DeliveryPassItem, now: Date) => ({
  id: pass.id,
  status: passStatus(pass, now),
  codeHint: pass.codeHint,
  note: pass.note ?? null,
  createdBy: pass.createdBy,
  createdAt: pass.createdAt,
  expiresAt: pass.expiresAt,
  usedAt: pass.usedAt ?? null,
  eventId: pass.eventId ?? null,
});

function shareText(property: Property, code: string, expiresAt: string) {
  const until = new Intl.DateTimeFormat('en-US', { timeZone: property.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(expiresAt));
  return `Delivery to ${property.name}: at the intercom press "Delivery" and enter code ${code}. One entry only, valid until ${until}.`;
}

export async function createDeliveryPass(stores: Stores, caller: Caller, propertyId: string, input: { note?: string; validHours?: number }) {
  const [membership, property] = await Promise.all([requireRole(stores, caller, propertyId, anyMember), loadProperty(stores, propertyId)]);
  if (membership.role === 'resident' && !property.settings.residentPassesEnabled) {
    throw forbidden('This property has turned off delivery passes made by residents');
  }
  await assertUnderPassCap(stores, membership, property.settings);
  const now = stores.now();
  const expiresAt = new Date(now.getTime() + (input.validHours ?? property.settings.passValidHours) * 3600_000).toISOString();
  const id = `dp_${ulid(now.getTime())}`;
  // Generated codes can collide with an active one: draw again (the sentinel decides).
  for (let draw = 0; draw < 8; draw++) {
    const code = generateCode(property.settings.codeLength);
    const pass: DeliveryPassItem = {
      id,
      type: 'delivery-pass',
      status: 'active',
      sealedCode: stores.vault.encrypt(code),
      codeKey: stores.vault.codeKey(propertyId, code),
      codeHint: codeHint(code),
      note: input.note,
      createdBy: caller.userId,
      ...(membership.residentId ? { residentId: membership.residentId } : {}),
      createdAt: now.toISOString(),
      expiresAt,
      validUntil: expiresAt,
      singleUse: true,
    };
    const failed = await attempt(() =>
      stores.table.transact([
        claimCodeEntry(stores, propertyId, code, { type: 'delivery-pass', id, expiresAt, ownerResidentId: pass.residentId }),
        // Kept a week after expiry for the record, then DynamoDB TTL removes it (and the panels drop it).
        stores.passes.add(propertyId, pass, Math.floor(Date.parse(expiresAt) / 1000) + 7 * 86400),
        auditEntry(stores, propertyId, caller.userId, 'delivery-pass.created', { type: 'delivery-pass', id }, property.settings.auditRetentionDays),
        membershipHolds(stores, membership),
      ]),
    );
    if (failed < 0) return { ...view(pass, now), code, shareText: shareText(property, code, expiresAt) };
    if (failed === 3) throw notFound('No such property');
    if (failed !== 0) throw conflict('The pass could not be saved; try again');
  }
  throw conflict('No free code could be drawn; try again', 'codes-exhausted');
}

async function loadPass(stores: Stores, propertyId: string, passId: string) {
  const pass = await stores.passes.get('delivery-pass', propertyId, passId);
  if (pass?.type !== 'delivery-pass') throw notFound('No such delivery pass');
  return pass;
}

async function loadManaged(stores: Stores, caller: Caller, propertyId: string, passId: string): Promise<[Membership, DeliveryPassItem]> {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const pass = await loadPass(stores, propertyId, passId);
  if (membership.role === 'resident' && pass.createdBy !== caller.userId) throw notFound('No such delivery pass');
  return [membership, pass];
}

export async function listDeliveryPasses(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<ReturnType<typeof view>>> {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const page = await listPasses(stores, membership, 'delivery-pass', limit, cursor);
  return { items: page.items.map((p) => view(p, stores.now())), nextCursor: page.nextCursor };
}

/** The maker sees their pass's code; anyone else (staff, admins) sees the hint and reveals it on the record. */
export async function getDeliveryPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const [[, pass], { settings }] = await Promise.all([loadManaged(stores, caller, propertyId, passId), loadProperty(stores, propertyId)]);
  const status = passStatus(pass, stores.now());
  const code = status === 'active' && pass.createdBy === caller.userId ? stores.vault.decrypt(pass.sealedCode) : undefined;
  const sync = await credentialSync(stores, propertyId, passId, status === 'active', { claimedInCloud: !panelsHoldPasses(settings) });
  return { ...view(pass, stores.now()), code, sync };
}

/** The whole code of an active pass, for staff helping a courier; every reveal is on the audit trail. */
export async function revealDeliveryPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const [, pass] = await loadManaged(stores, caller, propertyId, passId);
  if (passStatus(pass, stores.now()) !== 'active') throw conflict('Only an active pass has a code to reveal', 'not-active');
  await stores.table.transact([auditEntry(stores, propertyId, caller.userId, 'delivery-pass.revealed', { type: 'delivery-pass', id: passId })]);
  return { code: stores.vault.decrypt(pass.sealedCode) };
}

/** Cancelling frees the code and removes it from every panel. A used pass stays used. */
export async function cancelDeliveryPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const [membership, pass] = await loadManaged(stores, caller, propertyId, passId);
  assertCanManage(membership, pass.createdBy);
  await cancelPass(stores, propertyId, pass, caller.userId);
}

export async function cancelPass(stores: Stores, propertyId: string, pass: DeliveryPassItem, actor: string) {
  if (pass.status === 'cancelled') return;
  if (pass.status === 'used' || !(await retireCredential(stores, propertyId, pass, 'cancelled', actor))) {
    throw conflict('This pass has already been used', 'already-used');
  }
}
