import { settleAll } from './concurrency.ts';
import { removeDoorPinOf } from './door-pins.ts';
import { endGrace, ownedBy, retireCredential, type OwnedCredential } from './owned-credentials.ts';
import { loadProperty } from './property-record.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import type { PassKind } from './repositories.ts';
import type { Stores } from './stores.ts';

/** What a member's credentials become when they leave: delivery passes are cancelled, visitor passes revoked. */
const RETIRED_AS: Record<PassKind, string> = { 'delivery-pass': 'cancelled', 'visitor-pass': 'revoked' };
const PASS_KINDS = Object.keys(RETIRED_AS) as PassKind[];

function retiredStatus(type: string): string {
  const retired = RETIRED_AS[type as PassKind];
  if (!retired) throw new Error(`revocation: no retired status for credential type ${type}`);
  return retired;
}

/**
 * Revokes everything a member made at the property: every active delivery and
 * visitor pass, any grace re-entry still running, and their door PIN. Never stops on one item:
 * every credential is tried, then a failure is thrown, so the caller (move-out,
 * member removal) stays resumable and a retry finishes the job. Safe to run
 * again: what is already retired is skipped.
 */
export async function revokeCredentialsOf(stores: Stores, propertyId: string, userId: string, actor: string, known?: PropertySettings): Promise<{ revoked: number }> {
  // Callers that already hold the settings pass them: one read less.
  const [owned, settings] = await Promise.all([
    Promise.all(PASS_KINDS.map((kind) => ownedBy(stores, propertyId, userId, kind))).then((lists) => lists.flat()),
    known ?? loadProperty(stores, propertyId).then((p) => p.settings),
  ]);
  // The member's own door PIN goes too (the stream takes it off the panels).
  const doorPin = removeDoorPinOf(stores, propertyId, userId, actor, settings.auditRetentionDays);
  const outcomes = await settleAll(owned, 8, async (credential) => {
    if (credential.status === 'active' && (await retireCredential(stores, propertyId, credential, retiredStatus(credential.type), actor, settings.auditRetentionDays))) return true;
    // Not active (any more): a pass claimed a moment ago may have a grace re-entry running. Read it as it is now.
    const current: OwnedCredential | undefined = credential.status === 'active' ? await stores.passes.get(credential.type, propertyId, credential.id) : credential;
    if (current) await endGrace(stores, propertyId, current);
    return false;
  });
  const [pinOutcome] = await Promise.allSettled([doorPin]);
  const failed = [...outcomes, pinOutcome].find((o): o is PromiseRejectedResult => o?.status === 'rejected');
  if (failed) throw failed.reason;
  const pinRemoved = pinOutcome?.status === 'fulfilled' && pinOutcome.value ? 1 : 0;
  return { revoked: outcomes.filter((o) => o.status === 'fulfilled' && o.value === true).length + pinRemoved };
}
