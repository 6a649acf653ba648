import { entryDigest } from '../../iot/protocol/credential-hash.ts';
import {
  announce,
  applyCredentialChanges,
  changeRecord,
  commitHead,
  credentialItems,
  credentialRecords,
  entryFor,
  loadSetHead,
  panelKeyFor,
  recordedDigest,
  setPolicy,
  type CredentialItem,
  type SetHead,
} from './credential-sets.ts';
import { digestsOf, panelDigest, sameDigests } from './set-digests.ts';
import { settleAll } from './concurrency.ts';
import { loadProperty } from './property-record.ts';
import { panelHealth } from './panels.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/**
 * The periodic safety net behind the stream (scheduled every few minutes in AWS,
 * every minute locally): a shadow update that failed, or a panel that missed its
 * announcement, is told the current head again; a set whose digest a panel
 * disputes is recomputed from the table.
 */
export interface ReconcileOutcome {
  propertyId: string;
  announced: number;
  repaired: boolean;
  health: { offline: number; lagging: number };
}

export async function reconcileProperty(stores: Stores, propertyId: string, opts: { forceRepair?: boolean; offlineAfterMs?: number } = {}): Promise<ReconcileOutcome> {
  let head = await loadSetHead(stores, propertyId);
  const panels = await stores.panelRecords.all(propertyId);
  // Read before this pass announces anything: what the panels report now.
  const health = panelHealth(panels, head.version, stores.now(), opts.offlineAfterMs ?? 15 * 60_000);
  // A panel at the head's version that computes another digest: the head or a record is wrong.
  const disputed = panels.some((p) => p.reportedVersion === head.version && p.reportedDigest !== undefined && p.reportedDigest !== panelDigest(head, p));
  // A repair reads every credential: at most one per REPAIR_INTERVAL per property, however often a
  // (possibly hostile) panel keeps disputing the digest.
  const repaired = (opts.forceRepair || (disputed && (await repairDue(stores, propertyId)))) && (await repairDigests(stores, propertyId));
  if (repaired) head = await loadSetHead(stores, propertyId);
  const announced = await announce(stores, propertyId, head, (panel) => repaired || (panel.reportedVersion ?? -1) < head.version);
  return { propertyId, announced, repaired, health };
}

const REPAIR_INTERVAL_SECONDS = 3600;

/** Whether the last disputed-digest repair of the property is long enough ago; if so, claims this one. */
async function repairDue(stores: Stores, propertyId: string): Promise<boolean> {
  const now = stores.now();
  return stores.credentialSets.claimRepair(propertyId, now.toISOString(), new Date(now.getTime() - REPAIR_INTERVAL_SECONDS * 1000).toISOString());
}

/**
 * Makes the per-credential records agree with the credentials in the table (folding
 * any change the stream missed into a new version), then makes the head's digest
 * the XOR of the records. Returns whether anything had to change. Also how a change
 * of the offline pass policy adds or withdraws the passes on every panel.
 */
export async function repairDigests(stores: Stores, propertyId: string): Promise<boolean> {
  const [head, { settings }] = await Promise.all([loadSetHead(stores, propertyId), loadProperty(stores, propertyId)]);
  const panelKey = panelKeyFor(stores, propertyId, head.keyVersion);
  const [items, records] = await Promise.all([credentialItems(stores, propertyId), credentialRecords(stores, propertyId)]);
  const recordOf = new Map(records.map((r) => [r.credentialId, r]));
  const changed: Array<{ id: string; item?: CredentialItem }> = [];
  for (const item of items) {
    const entry = entryFor(stores, item, panelKey, setPolicy(settings));
    if (recordedDigest(recordOf.get(item.id), head.keyVersion) !== (entry ? entryDigest(entry) : null)) changed.push({ id: item.id, item });
    recordOf.delete(item.id);
  }
  for (const [id, record] of recordOf) if (recordedDigest(record, head.keyVersion) !== null) changed.push({ id });
  if (changed.length > 0) await applyCredentialChanges(stores, propertyId, changed);

  for (let tryNo = 0; tryNo < 5; tryNo++) {
    const current = await loadSetHead(stores, propertyId);
    const records = await credentialRecords(stores, propertyId);
    const digests = digestsOf(records.map((r) => ({ digest: recordedDigest(r, current.keyVersion), audience: r.audience })));
    if (sameDigests(digests, current)) return changed.length > 0;
    const fixed: SetHead = { version: current.version + 1, keyVersion: current.keyVersion, ...digests };
    const failed = await attempt(() =>
      stores.table.transact([commitHead(stores, propertyId, current, fixed), changeRecord(stores, propertyId, fixed.version, { upserts: [], removals: [], repaired: true })]),
    );
    if (failed < 0) return true;
  }
  throw new Error('credential set: too much contention to repair the digest');
}

/** Every property that has a credential set, from the heads' sparse index. */
export const propertiesWithSets = (stores: Stores): Promise<string[]> => stores.credentialSets.propertiesWithSets();

/** Reconciles every property, a few at a time; one failing property does not stop the rest. */
export async function reconcileAll(stores: Stores, opts: { forceRepair?: boolean; offlineAfterMs?: number } = {}) {
  const propertyIds = await propertiesWithSets(stores);
  const outcomes = await settleAll(propertyIds, 4, (propertyId) => reconcileProperty(stores, propertyId, opts));
  const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = propertyIds.filter((_, i) => outcomes[i]?.status === 'rejected');
  const health = done.reduce((sum, o) => ({ offline: sum.offline + o.health.offline, lagging: sum.lagging + o.health.lagging }), { offline: 0, lagging: 0 });
  return { properties: propertyIds.length, announced: done.reduce((n, o) => n + o.announced, 0), repaired: done.filter((o) => o.repaired).length, failed, health };
}
