import { settleAll } from './concurrency.ts';
import { endGrace, ownedBy, retireCredential, type OwnedCredential } from './owned-credentials.ts';
import { loadProperty } from './property-record.ts';
import type { Stores } from './stores.ts';

/** What a member's credentials become when they leave: delivery passes are cancelled, visitor passes revoked. */
const RETIRED_AS: Record<string, { prefix: string; to: string }> = {
  'delivery-pass': { prefix: 'PASS#', to: 'cancelled' },
  'visitor-pass': { prefix: 'VISITOR#', to: 'revoked' },
};

function retiredStatus(type: string): string {
  const retired = RETIRED_AS[type];
  if (!retired) throw new Error(`revocation: no retired status for credential type ${type}`);
  return retired.to;
}

/**
 * Revokes everything a member made at the property: every active delivery and
 * visitor pass, and any grace re-entry still running. Never stops on one item:
 * every credential is tried, then a failure is thrown, so the caller (move-out,
 * member removal) stays resumable and a retry finishes the job. Safe to run
 * again: what is already retired is skipped.
 */
export async function revokeCredentialsOf(stores: Stores, propertyId: string, userId: string, actor: string): Promise<{ revoked: number }> {
  const [owned, { settings }] = await Promise.all([
    Promise.all(Object.values(RETIRED_AS).map(({ prefix }) => ownedBy<OwnedCredential>(stores, propertyId, userId, prefix))).then((lists) => lists.flat()),
    loadProperty(stores, propertyId),
  ]);
  const outcomes = await settleAll(owned, 8, async (credential) => {
    if (credential.status === 'active' && (await retireCredential(stores, propertyId, credential, retiredStatus(credential.type), actor, settings.auditRetentionDays))) return true;
    // Not active (any more): a pass claimed a moment ago may have a grace re-entry running. Read it as it is now.
    const current = credential.status === 'active' ? await stores.table.get<OwnedCredential>(credential.pk, credential.sk) : credential;
    if (current) await endGrace(stores, propertyId, current);
    return false;
  });
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return { revoked: outcomes.filter((o) => o.status === 'fulfilled' && o.value === true).length };
}
