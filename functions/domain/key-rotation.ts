import { keys } from '../adapters/lobby-table.ts';
import { conflict } from '../http/problem.ts';
import type { Caller } from '../http/caller.ts';
import { entryDigest, setDigest } from '../../iot/protocol/credential-hash.ts';
import { adminsOnly, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { announce, currentEntries, loadSetHead, panelKeyFor } from './credential-sets.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/**
 * Rotates a property's panel keys: the code-hash key and the visitor-QR signing
 * key both move to keyVersion + 1 (see docs/security.md, "the stolen-panel
 * trade-off"). Every entry's hash changes, so the set gets a new version whose
 * digest is recomputed from scratch; panels holding the old key resync in full.
 * QR tokens signed with the previous key keep working (panels get both public keys).
 */
export async function rotatePanelKeys(stores: Stores, caller: Caller, propertyId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const pk = keys.property(propertyId);
  for (let tryNo = 0; tryNo < 5; tryNo++) {
    const head = await loadSetHead(stores, propertyId);
    const keyVersion = head.keyVersion + 1;
    const version = head.version + 1;
    const entries = await currentEntries(stores, propertyId, panelKeyFor(stores, propertyId, keyVersion));
    const changedAt = stores.now().toISOString();
    // Per-credential digests under the new key; if the stream commits a change
    // meanwhile, the head condition below fails and this runs again from scratch.
    await stores.table.batchPut(entries.map((entry) => ({
      pk, sk: keys.credentialVersion(entry.id), type: 'credential-version', version, entryDigest: entryDigest(entry), op: 'set', changedAt,
    })));
    const failed = await attempt(() => stores.table.transact([
      { Update: {
        Key: { pk, sk: keys.credentialSet },
        UpdateExpression: 'SET #v = :next, #d = :digest, #k = :key, #t = :type',
        ConditionExpression: 'attribute_not_exists(pk) OR #v = :current',
        ExpressionAttributeNames: { '#v': 'version', '#d': 'digest', '#k': 'keyVersion', '#t': 'type' },
        ExpressionAttributeValues: { ':next': version, ':digest': setDigest(entries), ':key': keyVersion, ':current': head.version, ':type': 'credential-set' },
      } },
      // An empty change record: deltas never cross a key change (the key version differs).
      { Put: { Item: { pk, sk: keys.change(version), type: 'credential-change', version, upserts: [], removals: [], rekeyed: true, expiresAtEpoch: Math.floor(stores.now().getTime() / 1000) + 7 * 86400 } } },
      auditEntry(stores, propertyId, caller.userId, 'panel-keys.rotated', { type: 'property', id: propertyId }),
    ]));
    if (failed < 0) {
      const rotated = { version, keyVersion, digest: setDigest(entries) };
      await announce(stores, propertyId, rotated);
      return { keyVersion, version };
    }
  }
  throw conflict('The credential set kept changing during the rotation; try again');
}
