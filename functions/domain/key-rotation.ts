import { conflict } from './errors.ts';
import type { Caller } from './caller.ts';
import { entryDigest } from '../../iot/protocol/credential-hash.ts';
import { adminsOnly, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { announce, changeRecord, commitHead, currentEntries, loadSetHead, panelKeyFor, type SetHead } from './credential-sets.ts';
import { entriesDigests } from './set-digests.ts';
import { inBatches } from './concurrency.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/**
 * Rotates a property's panel keys: the code-hash key and the visitor-QR signing
 * key both move to keyVersion + 1 (see docs/security.md, "the stolen-panel
 * trade-off"). Every entry's hash changes, so the set gets a new version whose
 * digest is recomputed from scratch; panels holding the old key resync in full.
 * QR tokens signed with the previous key keep working (panels get both public keys).
 *
 * Crash-safe: the next key's per-credential digests are written beside the current
 * key's (`digestK<n>`), and only the head commit switches keys. Killed before that
 * commit, the set stays consistent under the current key, and running the
 * rotation again writes the next key's digests anew.
 */
export async function rotatePanelKeys(stores: Stores, caller: Caller, propertyId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  for (let tryNo = 0; tryNo < 5; tryNo++) {
    const head = await loadSetHead(stores, propertyId);
    const keyVersion = head.keyVersion + 1;
    const version = head.version + 1;
    const entries = await writeNextKeyDigests(stores, propertyId, keyVersion, version);
    // The whole set's digest and each door-limited audience's (panels' digests are made of them).
    const rotated: SetHead = { version, keyVersion, ...entriesDigests(entries) };
    const failed = await attempt(() =>
      stores.table.transact([
        commitHead(stores, propertyId, head, rotated),
        // An empty change record: deltas never cross a key change (the key version differs).
        changeRecord(stores, propertyId, version, { upserts: [], removals: [], rekeyed: true }),
        auditEntry(stores, propertyId, caller.userId, 'panel-keys.rotated', { type: 'property', id: propertyId }),
      ]),
    );
    if (failed < 0) {
      await announce(stores, propertyId, rotated);
      return { keyVersion, version };
    }
  }
  throw conflict('The credential set kept changing during the rotation; try again');
}

/**
 * The rotation's first step: every entry under the next key, and its digest recorded
 * beside the current key's. If the stream commits a change meanwhile, it rewrites
 * that credential's record (dropping this digest) and moves the head, so the
 * rotation's commit fails and it runs again.
 */
export async function writeNextKeyDigests(stores: Stores, propertyId: string, keyVersion: number, version: number) {
  const entries = await currentEntries(stores, propertyId, panelKeyFor(stores, propertyId, keyVersion));
  // At most 16 writes at a time. Not over a change the stream folded after the head this
  // rotation read (the repository skips those; the rotation's commit will fail and retry).
  await inBatches(entries, 16, (entry) => stores.credentialSets.addNextKeyDigest(propertyId, entry.id, keyVersion, entryDigest(entry), version));
  return entries;
}
