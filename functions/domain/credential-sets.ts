import { gzipSync } from 'node:zlib';
import { ulid } from 'ulid';
import { createHash } from 'node:crypto';
import { codeHash, EMPTY_DIGEST, entryDigest, residentPinHash, setDigest, xorDigest } from '../../iot/protocol/credential-hash.ts';
import type { DoorLimits } from '../../iot/protocol/doors.ts';
import type { CredentialEntry, CredentialsShadowState, SyncResponse } from '../../iot/protocol/messages.ts';
import { qrKeysFor } from './visitor-keys.ts';
import { CREDENTIALS_SHADOW } from '../../iot/protocol/topics.ts';
import { loadProperty, type Property } from './property-record.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import { attempt } from './transactions.ts';
import type { Write } from './records.ts';
import type { Stores } from './stores.ts';
import { CREDENTIAL_TYPES } from '../shared/credential-types.ts';
import { audienceOf, canonicalDoors, doorsOfAudience, panelDigest, panelHolds, toggleAudience, type SetHead, type SetPanel } from './set-digests.ts';

export type { SetHead, SetPanel } from './set-digests.ts';

/**
 * A property's credential set: every active keypad credential as a panel entry
 * (keyed hash, never the code). The set has a version that the DynamoDB stream
 * processor bumps for every batch of changes, with a change record per version
 * so panels that are a little behind get a delta instead of the whole set.
 * See docs/credential-sync.md.
 */
/** Deltas cover at most this many versions; older panels resync in full. */
const MAX_DELTA_VERSIONS = 200;
const MAX_DELTA_BYTES = 96 * 1024;
const CHANGE_RETENTION_SECONDS = 7 * 24 * 3600;

/** A keypad credential as stored (a PIN, delivery pass or visitor pass): what its panel entry is made from. */
export interface CredentialItem {
  id: string;
  type: string;
  status?: string;
  sealedPin?: string;
  sealedCode?: string;
  schedule?: CredentialEntry['schedule'] | null;
  validFrom?: string;
  validUntil?: string;
  singleUse?: boolean;
  graceUntil?: string;
  /** a resident's door PIN: the unit its hash binds */
  unit?: string;
  /** a delivery PIN limited to some doors (null or absent: every door) */
  doors?: DoorLimits | null;
}

/** What of the property's settings shapes its set. */
export interface SetPolicy {
  /** single-use passes go to panels (offline policy allow-once-and-reconcile) */
  holdsPasses: boolean;
  /** residents' door PINs open entrances too, not only package rooms */
  doorPinsAtEntrances: boolean;
}

/** Whether the property's panels are given single-use passes (to decide them offline). */
export const panelsHoldPasses = (settings: Pick<PropertySettings, 'offlinePassPolicy'>) => settings.offlinePassPolicy === 'allow-once-and-reconcile';

export const setPolicy = (settings: Pick<PropertySettings, 'offlinePassPolicy'> & { residentDoorPinsAtEntrances?: boolean }): SetPolicy => ({
  holdsPasses: panelsHoldPasses(settings),
  doorPinsAtEntrances: settings.residentDoorPinsAtEntrances === true,
});

export async function loadSetHead(stores: Stores, propertyId: string): Promise<SetHead> {
  const head = await stores.credentialSets.head(propertyId);
  return { version: head?.version ?? 0, digest: head?.digest ?? EMPTY_DIGEST, keyVersion: head?.keyVersion ?? 1, audiences: head?.audiences ?? {} };
}

/** The key a property's panels hash codes with; derived from the code secret, so it rotates with keyVersion. */
export const panelKeyFor = (stores: Stores, propertyId: string, keyVersion: number) => stores.vault.derivedKey(`panel-code-key/${propertyId}/${keyVersion}`).toString('base64url');

/**
 * The panel's view of a credential, or undefined when panels must not honour it.
 * A used pass stays while its grace period runs (its validUntil is the end of the
 * grace); a revoked visitor pass stays as a revocation so its QR token is refused.
 * Panels hold single-use passes only under the offline policy that needs them
 * (`holdsPasses`); otherwise they claim a code they do not know in the cloud.
 * A resident's door PIN is hashed with its unit and goes to package rooms (and entrances,
 * if the property allows it); a delivery PIN limited to some doors carries its `doors`.
 */
export function entryFor(stores: Stores, item: CredentialItem, panelKey: string, policy: SetPolicy | boolean): CredentialEntry | undefined {
  if (!CREDENTIAL_TYPES.has(item.type)) return undefined;
  const { holdsPasses, doorPinsAtEntrances } = typeof policy === 'boolean' ? { holdsPasses: policy, doorPinsAtEntrances: false } : policy;
  if (item.type === 'resident-door-pin') {
    if (!item.sealedPin || !item.unit) return undefined;
    const entry: CredentialEntry = { id: item.id, type: 'resident-door-pin', hash: residentPinHash(panelKey, item.unit, stores.vault.decrypt(item.sealedPin)) };
    if (!doorPinsAtEntrances) entry.doors = { kinds: ['package-room'] };
    return entry;
  }
  // Single-use passes go to panels only when they may decide them offline: a stolen
  // panel must not yield pass codes that would work at the other doors.
  if (item.singleUse && !holdsPasses) return undefined;
  const type = item.type as CredentialEntry['type'];
  if (type === 'visitor-pass' && item.status === 'revoked') return { id: item.id, type, hash: '', revoked: true, validUntil: item.validUntil };
  const honoured = item.status === undefined || item.status === 'active' || (item.status === 'used' && item.graceUntil !== undefined);
  const sealed = item.sealedPin ?? item.sealedCode;
  if (!honoured || !sealed) return undefined;
  const entry: CredentialEntry = { id: item.id, type, hash: codeHash(panelKey, stores.vault.decrypt(sealed)) };
  if (item.schedule) entry.schedule = item.schedule;
  if (item.validFrom) entry.validFrom = item.validFrom;
  if (item.validUntil) entry.validUntil = item.validUntil;
  if (item.singleUse) entry.singleUse = true;
  const doors = canonicalDoors(item.doors);
  if (doors) entry.doors = doors;
  return entry;
}

/**
 * Per credential: the set version that last changed it, and its entry digest under
 * each key version (`digests`). Digests are kept per key version so a key rotation
 * can write the next key's digests before it commits the head: if it is killed in
 * between, the current key's digests (which the head's digest is the XOR of) are
 * untouched, and a retried rotation simply writes the next key's digests again.
 */
export interface CredentialRecord {
  credentialId: string;
  version: number;
  op: 'set' | 'removed';
  changedAt?: string;
  /** Entry digest by key version; null: not in that key version's set. */
  digests: Record<number, string | null>;
  /** Records written before digests were kept per key version: the digest under the key of that time. */
  legacyDigest?: string | null;
  /** The entry's audience (audienceOf), when it is limited to some doors. */
  audience?: string;
}

/** One set version's change, which deltas are built from. */
export interface SetChange {
  version: number;
  upserts: CredentialEntry[];
  removals: string[];
  rekeyed?: boolean;
  repaired?: boolean;
}

/** A gzip snapshot of a whole set version in the bucket. */
export interface Snapshot {
  key: string;
  digest: string;
  bytes: number;
}

/** The credential's entry digest under a key version as recorded, or null when it is not in that set. */
export function recordedDigest(record: CredentialRecord | undefined, keyVersion: number): string | null {
  if (!record) return null;
  const digest = record.digests[keyVersion];
  if (digest !== undefined) return digest;
  // A record written since digests are kept per key version has no legacy digest, so its absence means "not in the set".
  return record.legacyDigest ?? null;
}

/**
 * Folds changed credentials (item = new state, undefined = deleted) into the next
 * set version: digest updated by XOR, a change record, per-credential versions.
 * The head's version is the optimistic lock, so concurrent processors serialise.
 * Returns the new head, or undefined when nothing a panel sees changed.
 */
export async function applyCredentialChanges(stores: Stores, propertyId: string, changed: Array<{ id: string; item?: CredentialItem }>): Promise<SetHead | undefined> {
  let latest: SetHead | undefined;
  for (let start = 0; start < changed.length; start += 90) {
    latest = (await applyChunk(stores, propertyId, changed.slice(start, start + 90))) ?? latest;
  }
  return latest;
}

async function applyChunk(stores: Stores, propertyId: string, changed: Array<{ id: string; item?: CredentialItem }>): Promise<SetHead | undefined> {
  for (let tryNo = 0; tryNo < 20; tryNo++) {
    // Read on every try: a policy change commits through the same head lock (repairDigests).
    const [head, { settings }] = await Promise.all([loadSetHead(stores, propertyId), loadProperty(stores, propertyId)]);
    const panelKey = panelKeyFor(stores, propertyId, head.keyVersion);
    const policy = setPolicy(settings);
    const next = head.version + 1;
    let digest = head.digest;
    const audiences = { ...(head.audiences ?? {}) };
    const upserts: CredentialEntry[] = [];
    const removals: string[] = [];
    const versionItems: Write[] = [];
    // One read per changed credential, all at once (a bulk import changes thousands).
    const previousVersions = await Promise.all(changed.map(({ id }) => stores.credentialSets.record(propertyId, id)));
    for (const [index, { id, item }] of changed.entries()) {
      const previous = previousVersions[index];
      const previousDigest = recordedDigest(previous, head.keyVersion);
      const entry = item ? entryFor(stores, item, panelKey, policy) : undefined;
      const newDigest = entry ? entryDigest(entry) : null;
      const audience = entry ? audienceOf(entry) : undefined;
      if (previousDigest === newDigest) continue;
      if (previousDigest) {
        digest = xorDigest(digest, previousDigest);
        if (previous?.audience) toggleAudience(audiences, previous.audience, previousDigest);
      }
      if (entry && newDigest) {
        digest = xorDigest(digest, newDigest);
        if (audience) toggleAudience(audiences, audience, newDigest);
        upserts.push(entry);
      } else {
        removals.push(id);
      }
      // A Put, not an update: digests under other key versions (a rotation's, not yet committed) go stale here.
      versionItems.push(
        stores.credentialSets.putRecord(propertyId, {
          credentialId: id,
          version: next,
          keyVersion: head.keyVersion,
          digest: newDigest,
          op: entry && !entry.revoked ? 'set' : 'removed',
          changedAt: stores.now().toISOString(),
          ...(newDigest && audience && { audience }),
        }),
      );
    }
    if (versionItems.length === 0) return undefined;
    const committed: SetHead = { version: next, digest, keyVersion: head.keyVersion, audiences };
    const failed = await attempt(() =>
      stores.table.transact([commitHead(stores, propertyId, head, committed), changeRecord(stores, propertyId, next, { upserts, removals }), ...versionItems]),
    );
    if (failed < 0) return committed;
  }
  throw new Error('credential set: too much contention');
}

/** Moves the head from `from` to `to`, only if nobody else moved it meanwhile (the set's optimistic lock). */
export function commitHead(stores: Stores, propertyId: string, from: SetHead, to: SetHead): Write {
  return stores.credentialSets.commitHead(propertyId, from, to);
}

/** The change record of one set version, which deltas are built from; kept a week. */
export function changeRecord(stores: Stores, propertyId: string, version: number, change: Omit<SetChange, 'version'>): Write {
  return stores.credentialSets.addChange(propertyId, { version, ...change }, Math.floor(stores.now().getTime() / 1000) + CHANGE_RETENTION_SECONDS);
}

/** The credentials shadow's desired state: small (well under 8 KB) whatever the number of codes. */
export async function desiredCredentials(stores: Stores, propertyId: string, head: SetHead, known?: Property): Promise<CredentialsShadowState> {
  const property = known ?? (await loadProperty(stores, propertyId));
  return {
    version: head.version,
    keyVersion: head.keyVersion,
    qrKeys: qrKeysFor(stores, propertyId, head.keyVersion),
    timezone: property.timezone,
    offlinePassPolicy: property.settings.offlinePassPolicy,
  };
}

/**
 * Tells the property's panels (all, or those `which` picks), through their shadows,
 * which set version is current (and the settings panels use). Every panel is tried
 * even when one update fails; then the first failure is thrown, so the caller's
 * retry (stream batch, reconciliation) announces again.
 */
export async function announce(stores: Stores, propertyId: string, head?: SetHead, which: (panel: { id: string; reportedVersion?: number }) => boolean = () => true) {
  // Panels, head and property in one round trip (the property is read even when no panel needs telling).
  const [panels, current, property] = await Promise.all([
    stores.panelRecords.all(propertyId),
    head ? Promise.resolve(head) : loadSetHead(stores, propertyId),
    loadProperty(stores, propertyId),
  ]);
  const targets = panels.filter(which);
  if (targets.length === 0) return 0;
  const desired = await desiredCredentials(stores, propertyId, current, property);
  const outcomes = await Promise.allSettled(targets.map((panel) => stores.panels.setDesired(panel.id, CREDENTIALS_SHADOW, { ...desired })));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return targets.length;
}

/** Every active credential of the property as panel entries. */
export async function currentEntries(
  stores: Stores,
  propertyId: string,
  panelKey: string,
  known?: Pick<PropertySettings, 'offlinePassPolicy'> & { residentDoorPinsAtEntrances?: boolean },
): Promise<CredentialEntry[]> {
  const entries: CredentialEntry[] = [];
  // Callers that already hold the settings pass them: one read less.
  const [items, settings] = await Promise.all([credentialItems(stores, propertyId), known ?? loadProperty(stores, propertyId).then((p) => p.settings)]);
  for (const item of items) {
    const entry = entryFor(stores, item, panelKey, setPolicy(settings));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Every keypad credential item of the property (PINs, delivery passes, visitor passes, residents' door PINs), queried together. */
export const credentialItems = (stores: Stores, propertyId: string): Promise<CredentialItem[]> => stores.credentialSets.credentials(propertyId);

/** Every per-credential record of the property. */
export const credentialRecords = (stores: Stores, propertyId: string) => stores.credentialSets.records(propertyId);

async function deltaSince(stores: Stores, propertyId: string, haveVersion: number, head: SetHead, panel?: SetPanel) {
  if (head.version - haveVersion > MAX_DELTA_VERSIONS) return undefined;
  const changes = await stores.credentialSets.changes(propertyId, haveVersion + 1, head.version, MAX_DELTA_VERSIONS);
  if (changes.length !== head.version - haveVersion) return undefined; // a change record expired: resync in full
  const upserts = new Map<string, CredentialEntry>();
  const removals = new Set<string>();
  for (const change of changes) {
    for (const entry of change.upserts) {
      upserts.set(entry.id, entry);
      removals.delete(entry.id);
    }
    for (const id of change.removals) {
      upserts.delete(id);
      removals.add(id);
    }
  }
  // A panel's delta: an entry limited to other doors is a removal for it (it may have held it before a change of doors).
  for (const entry of upserts.values()) {
    if (panel && !panelHolds(entry, panel)) {
      upserts.delete(entry.id);
      removals.add(entry.id);
    }
  }
  const delta = { upserts: [...upserts.values()], removals: [...removals] };
  return JSON.stringify(delta).length <= MAX_DELTA_BYTES ? delta : undefined;
}

/**
 * Answers a panel's sync request: nothing new, a delta from the version it holds,
 * or the full set as a gzip snapshot in S3 behind a short-lived URL (10,000 codes
 * are far over the 8 KB shadow and the 128 KB MQTT limits). With `panel`, the panel's own
 * subset: entries limited to other doors are left out (deltas, snapshot and digest alike).
 */
export async function syncFor(
  stores: Stores,
  propertyId: string,
  request: { requestId: string; haveVersion: number; haveKeyVersion: number },
  panel?: SetPanel,
): Promise<SyncResponse> {
  const head = await loadSetHead(stores, propertyId);
  const base = { requestId: request.requestId, ok: true as const };
  const digest = panel ? panelDigest(head, panel) : head.digest;
  if (request.haveKeyVersion === head.keyVersion) {
    if (request.haveVersion === head.version) return { ...base, kind: 'current', version: head.version, digest };
    if (request.haveVersion < head.version) {
      const delta = await deltaSince(stores, propertyId, request.haveVersion, head, panel);
      if (delta) return { ...base, kind: 'delta', fromVersion: request.haveVersion, version: head.version, digest, ...delta };
    }
  }
  const property = await loadProperty(stores, propertyId);
  const snapshot = await snapshotFor(stores, propertyId, head, property.settings, panel);
  return {
    ...base,
    kind: 'full',
    version: head.version,
    keyVersion: head.keyVersion,
    digest: snapshot.digest,
    panelKey: panelKeyFor(stores, propertyId, head.keyVersion),
    timezone: property.timezone,
    offlinePassPolicy: property.settings.offlinePassPolicy,
    url: await stores.photos.presignGet(snapshot.key, 300),
    bytes: snapshot.bytes,
  };
}

/**
 * The gzip snapshot for a set version, built once and shared by every panel that
 * asks for it (after an outage a whole building reconnects at once). Built from
 * the table as it is now and labelled with the head read before: it can only be
 * ahead of that version, and the deltas that follow set the same state.
 */
async function snapshotFor(stores: Stores, propertyId: string, head: SetHead, settings: PropertySettings, panel?: SetPanel): Promise<Snapshot> {
  // Panels of one kind share a subset, unless some entry is limited to particular panels.
  const byPanel = (audiences: Iterable<string>) => [...audiences].some((a) => doorsOfAudience(a).panelIds !== undefined);
  const variantFor = (audiences: Iterable<string>) => (panel ? (byPanel(audiences) ? `p-${shortHash(panel.id)}` : `k-${panel.kind}`) : undefined);
  const variant = variantFor(Object.keys(head.audiences ?? {}));
  const known = await stores.credentialSets.snapshot(propertyId, head.keyVersion, head.version, variant);
  // TTL deletes late, and the object itself is gone after a day: honour the expiry ourselves.
  if (known && known.keepUntil > stores.now().getTime() / 1000) return { key: known.key, digest: known.digest, bytes: known.bytes };
  const all = await currentEntries(stores, propertyId, panelKeyFor(stores, propertyId, head.keyVersion), settings);
  const entries = panel ? all.filter((entry) => panelHolds(entry, panel)) : all;
  const body = gzipSync(JSON.stringify({ entries }));
  // Each build gets its own object, so a URL always serves the content its digest describes.
  const snapshot: Snapshot = { key: `credential-sets/${propertyId}/k${head.keyVersion}/v${head.version}-${ulid()}.json.gz`, digest: setDigest(entries), bytes: body.length };
  await stores.photos.put(snapshot.key, body, 'application/gzip');
  // Two panels racing here build the same version twice; the last record wins and both are valid.
  // Expires with the bucket's one-day lifecycle rule for credential-sets/. Built from the table as it
  // is now: if it meanwhile holds an entry limited to particular panels, it is this panel's alone.
  const saveAs = variantFor(all.flatMap((e) => audienceOf(e) ?? []));
  await stores.credentialSets.saveSnapshot(propertyId, head.keyVersion, head.version, snapshot, Math.floor(stores.now().getTime() / 1000) + 20 * 3600, saveAs);
  return snapshot;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);
