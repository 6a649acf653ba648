import { conflict, forbidden } from './errors.ts';
import type { Membership } from './access.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import { auditEntry } from './audit.ts';
import { releaseCodeEntry } from './codes.ts';
import { attempt } from './transactions.ts';
import type { Page } from './records.ts';
import type { PassKind, PassOf } from './repositories.ts';
import type { Stores } from './stores.ts';

/**
 * What delivery passes and visitor passes share: they are made by a member,
 * indexed by who made them, and retired (cancelled, revoked) in one transaction
 * that also frees the code and writes the audit record.
 */

/** Residents act only on what they made; staff and admins on everything of the property. */
export function assertCanManage(membership: Membership, createdBy: string) {
  if (membership.role === 'resident' && membership.userId !== createdBy) throw forbidden('Residents manage only their own passes');
}

/** A pass list: a resident's own passes, or (staff, admins) all of the property's; newest first. */
export function listPasses<K extends PassKind>(stores: Stores, membership: Membership, kind: K, limit: number, cursor?: string): Promise<Page<PassOf<K>>> {
  return stores.passes.page(kind, membership.propertyId, { limit, cursor, madeBy: membership.role === 'resident' ? membership.userId : undefined });
}

/**
 * Every pass of a kind one user made, all pages. Read strongly consistent, not from
 * the owner index (which lags a little): a move-out must not miss a pass made a moment before.
 */
export function ownedBy<K extends PassKind>(stores: Stores, propertyId: string, userId: string, kind: K): Promise<Array<PassOf<K>>> {
  return stores.passes.madeBy(kind, propertyId, userId);
}

/**
 * A resident may hold at most `maxActivePassesPerResident` active delivery and
 * visitor passes together, so one account cannot fill the property's set. Counted
 * from the owner index (it lags a moment: concurrent creates may overshoot by a few).
 */
export async function assertUnderPassCap(stores: Stores, membership: Membership, settings: PropertySettings) {
  if (membership.role !== 'resident') return;
  const now = stores.now().toISOString();
  // Both kinds at once.
  const lists = await Promise.all((['delivery-pass', 'visitor-pass'] as const).map((kind) => stores.passes.indexedFor(kind, membership.propertyId, membership.userId)));
  const active = lists.flat().filter((p) => p.status === 'active' && (p.expiresAt ?? p.endsAt ?? '') > now).length;
  if (active >= settings.maxActivePassesPerResident) {
    throw conflict(`A resident may have at most ${settings.maxActivePassesPerResident} active passes at this property; cancel one first`, 'too-many-passes');
  }
}

export interface OwnedCredential {
  id: string;
  type: PassKind;
  status: string;
  codeKey: string;
  graceUntil?: string;
}

/**
 * Retires an active credential (cancelled, revoked): status, code released and audit
 * record in one transaction. A code sentinel that is gone (TTL) or that another
 * credential took after this one expired is not ours to free: the credential is
 * retired without it. Returns false when it was not active any more (nothing to do).
 */
export async function retireCredential(stores: Stores, propertyId: string, credential: OwnedCredential, to: string, actor: string, auditRetentionDays?: number): Promise<boolean> {
  const retire = (releaseCode: boolean) =>
    attempt(() =>
      stores.table.transact([
        stores.passes.retire(propertyId, credential, to, stores.now().toISOString()),
        auditEntry(stores, propertyId, actor, `${credential.type}.${to}`, { type: credential.type, id: credential.id }, auditRetentionDays),
        ...(releaseCode ? [releaseCodeEntry(stores, propertyId, credential.codeKey, credential.id)] : []),
      ]),
    );
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
  await attempt(() => stores.table.transact([stores.passes.endGrace(propertyId, credential, now)]));
}
