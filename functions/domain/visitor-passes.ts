import { ulid } from 'ulid';
import { conflict, invalid, notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import { signVisitorQr } from '../../iot/protocol/visitor-qr.ts';
import { anyMember, membershipHolds, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { claimCodeEntry, codeHint, generateCode } from './codes.ts';
import { loadSetHead } from './credential-sets.ts';
import { assertCanManage, assertUnderPassCap, listPasses, retireCredential } from './owned-credentials.ts';
import { credentialSync } from './panels.ts';
import { loadProperty, type Property } from './property-record.ts';
import { attempt } from './transactions.ts';
import { visitorSigningKey } from './visitor-keys.ts';
import { notificationsFor, type QueuedNotification, type SealedContent } from './notifications.ts';
import type { Page, Write } from './records.ts';
import type { Stores } from './stores.ts';

/**
 * A time-boxed pass for a visitor: a keypad code and a QR token a panel verifies
 * offline, both valid only between startsAt and endsAt (at most the property's
 * visitorMaxHours). Revocable: the revocation reaches panels with the set.
 */
export interface VisitorPassItem {
  id: string;
  type: 'visitor-pass';
  status: 'active' | 'revoked';
  visitorName: string;
  visitorEmail?: string;
  sealedCode: string;
  codeKey: string;
  codeHint: string;
  createdBy: string;
  /** The resident who invited (not set for staff's passes): told of the first arrival (visitorArrival). */
  residentId?: string;
  createdAt: string;
  startsAt: string;
  endsAt: string;
  validFrom: string;
  validUntil: string;
  qrKeyVersion: number;
  retiredAt?: string;
  /** The first granted entry: set once, with the `visitor-arrived` notifications. */
  arrivedAt?: string;
  arrivedEventId?: string;
}

/** Visits are planned at most a year ahead: a pass far in the future would sit in every panel's set for nothing. */
const MAX_DAYS_AHEAD = 366;

const statusOf = (pass: VisitorPassItem, now: Date) =>
  pass.status === 'revoked' ? 'revoked' : now.getTime() >= Date.parse(pass.endsAt) ? 'expired' : now.getTime() < Date.parse(pass.startsAt) ? 'scheduled' : 'active';

const view = (pass: VisitorPassItem, now: Date) => ({
  id: pass.id,
  status: statusOf(pass, now),
  visitorName: pass.visitorName,
  visitorEmail: pass.visitorEmail ?? null,
  codeHint: pass.codeHint,
  startsAt: pass.startsAt,
  endsAt: pass.endsAt,
  createdBy: pass.createdBy,
  createdAt: pass.createdAt,
});

/** Signed with the property's current key, so a token fetched after a key rotation is fresh. */
function qrFor(stores: Stores, propertyId: string, pass: VisitorPassItem, keyVersion: number) {
  const key = visitorSigningKey(stores, propertyId, keyVersion);
  return signVisitorQr(
    { v: 1, p: propertyId, id: pass.id, nbf: Math.floor(Date.parse(pass.startsAt) / 1000), exp: Math.floor(Date.parse(pass.endsAt) / 1000), k: key.kid },
    key.privateKey,
  );
}

export async function createVisitorPass(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  input: { visitorName: string; startsAt: string; endsAt: string; visitorEmail?: string },
) {
  // Membership, settings and the set's key version (the QR is signed with it) in one round trip.
  const [membership, property, { keyVersion }] = await Promise.all([
    requireRole(stores, caller, propertyId, anyMember),
    loadProperty(stores, propertyId),
    loadSetHead(stores, propertyId),
  ]);
  const settings = property.settings;
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  const hours = (endsAt.getTime() - startsAt.getTime()) / 3600_000;
  if (hours > settings.visitorMaxHours) {
    throw invalid(`A visitor pass may last at most ${settings.visitorMaxHours} hours at this property`, [
      { path: 'endsAt', message: `must be within ${settings.visitorMaxHours} hours of startsAt` },
    ]);
  }
  if (endsAt.getTime() <= stores.now().getTime()) throw invalid('The visit is already over', [{ path: 'endsAt', message: 'must be in the future' }]);
  if (startsAt.getTime() > stores.now().getTime() + MAX_DAYS_AHEAD * 86400_000) {
    throw invalid(`A visit may start at most ${MAX_DAYS_AHEAD} days ahead`, [{ path: 'startsAt', message: `must be within ${MAX_DAYS_AHEAD} days from now` }]);
  }
  await assertUnderPassCap(stores, membership, settings);
  const id = `vp_${ulid(stores.now().getTime())}`;
  for (let draw = 0; draw < 8; draw++) {
    const code = generateCode(settings.codeLength);
    const pass: VisitorPassItem = {
      id,
      type: 'visitor-pass',
      status: 'active',
      visitorName: input.visitorName,
      visitorEmail: input.visitorEmail,
      sealedCode: stores.vault.encrypt(code),
      codeKey: stores.vault.codeKey(propertyId, code),
      codeHint: codeHint(code),
      createdBy: caller.userId,
      ...(membership.residentId ? { residentId: membership.residentId } : {}),
      createdAt: stores.now().toISOString(),
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      validFrom: startsAt.toISOString(),
      validUntil: endsAt.toISOString(),
      qrKeyVersion: keyVersion,
    };
    const qr = qrFor(stores, propertyId, pass, keyVersion);
    const failed = await attempt(() =>
      stores.table.transact([
        claimCodeEntry(stores, propertyId, code, { type: 'visitor-pass', id, expiresAt: pass.endsAt }),
        stores.passes.add(propertyId, pass, Math.floor(endsAt.getTime() / 1000) + 7 * 86400),
        auditEntry(stores, propertyId, caller.userId, 'visitor-pass.created', { type: 'visitor-pass', id }, settings.auditRetentionDays),
        membershipHolds(stores, membership),
        ...(input.visitorEmail ? [stores.notifications.queue(invitation(stores, property, pass, input.visitorEmail, membership.residentId ?? caller.userId, { code, qr }))] : []),
      ]),
    );
    if (failed === 3) throw notFound('No such property');
    if (failed < 0) return { ...view(pass, stores.now()), code, qr };
    if (failed !== 0) throw conflict('The visitor pass could not be saved; try again');
  }
  throw conflict('No free code could be drawn; try again', 'codes-exhausted');
}

async function loadVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const pass = await stores.passes.get('visitor-pass', propertyId, passId);
  if (!pass || (membership.role === 'resident' && pass.createdBy !== caller.userId)) throw notFound('No such visitor pass');
  return { membership, pass };
}

export async function listVisitorPasses(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<ReturnType<typeof view>>> {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const page = await listPasses(stores, membership, 'visitor-pass', limit, cursor);
  return { items: page.items.map((p) => view(p, stores.now())), nextCursor: page.nextCursor };
}

/** The maker sees the code and QR token; anyone else (staff, admins) reveals them on the record. */
export async function getVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const { pass } = await loadVisitorPass(stores, caller, propertyId, passId);
  const usable = pass.status === 'active';
  const secrets = usable && pass.createdBy === caller.userId ? await secretsOf(stores, propertyId, pass) : {};
  return { ...view(pass, stores.now()), ...secrets, sync: await credentialSync(stores, propertyId, passId, usable) };
}

async function secretsOf(stores: Stores, propertyId: string, pass: VisitorPassItem) {
  return { code: stores.vault.decrypt(pass.sealedCode), qr: qrFor(stores, propertyId, pass, (await loadSetHead(stores, propertyId)).keyVersion) };
}

/** Code and QR token of a live visitor pass, e.g. for the front desk to resend; every reveal is on the audit trail. */
export async function revealVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const { pass } = await loadVisitorPass(stores, caller, propertyId, passId);
  if (pass.status !== 'active' || statusOf(pass, stores.now()) === 'expired') throw conflict('Only a live visitor pass has a code to reveal', 'not-active');
  await stores.table.transact([auditEntry(stores, propertyId, caller.userId, 'visitor-pass.revealed', { type: 'visitor-pass', id: passId })]);
  return secretsOf(stores, propertyId, pass);
}

export async function revokeVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const { membership, pass } = await loadVisitorPass(stores, caller, propertyId, passId);
  assertCanManage(membership, pass.createdBy);
  await revoke(stores, propertyId, pass, caller.userId);
}

/**
 * The e-mail to the visitor (seed 002: they have no app): the property, when, the code and the
 * QR token, sealed in the record with the code vault (the worker opens it at send time and drops
 * it when done; notificationStillWanted skips a pass revoked meanwhile). Whose it is: the inviting
 * resident's (a staff member's user id for theirs).
 */
function invitation(stores: Stores, property: Property, pass: VisitorPassItem, to: string, residentId: string, secrets: { code: string; qr: string }): QueuedNotification {
  const at = (iso: string) => new Intl.DateTimeFormat('en-US', { timeZone: property.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const content: SealedContent = { ...secrets, visitorName: pass.visitorName, when: `from ${at(pass.startsAt)} until ${at(pass.endsAt)}` };
  const now = stores.now();
  return {
    id: `ntf_${ulid(now.getTime())}`,
    propertyId: property.id,
    residentId,
    kind: 'visitor-invitation',
    channel: 'email',
    to,
    status: 'queued',
    attempts: 0,
    createdAt: now.toISOString(),
    passId: pass.id,
    sealed: stores.vault.encrypt(JSON.stringify(content)),
  };
}

/**
 * What a visitor pass's first granted entry writes with its access event: the pass marked
 * arrived (once: the condition fails for any later entry) and a `visitor-arrived` for the
 * inviting resident per their `notify.deliveries`. Nothing for other events, later entries,
 * or passes made by staff. One read of the pass (and of the resident when it is theirs).
 */
export async function visitorArrival(
  stores: Stores,
  propertyId: string,
  event: { eventId: string; at: string; method: string; decision: string; credentialId?: string },
): Promise<Write[]> {
  if (event.method !== 'visitor' || event.decision !== 'granted' || !event.credentialId) return [];
  const pass = await stores.passes.get('visitor-pass', propertyId, event.credentialId);
  if (pass?.type !== 'visitor-pass' || pass.arrivedAt || !pass.residentId) return [];
  const inviter = await stores.callees.get(propertyId, pass.residentId);
  if (!inviter) return [];
  const notifications = notificationsFor(propertyId, inviter, 'visitor-arrived', { passId: pass.id, accessEventId: event.eventId }, stores.now());
  return [stores.passes.markArrived(propertyId, pass.id, event.at, event.eventId), ...notifications.map((n) => stores.notifications.queue(n))];
}

async function revoke(stores: Stores, propertyId: string, pass: VisitorPassItem, actor: string) {
  if (pass.status === 'revoked') return;
  await retireCredential(stores, propertyId, pass, 'revoked', actor);
}
