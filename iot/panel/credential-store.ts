import { gunzipSync } from 'node:zlib';
import { codeHash, EMPTY_DIGEST, entryDigest, residentPinHash, setDigest, xorDigest } from '../protocol/credential-hash.ts';
import { snapshotDownload, type CredentialEntry, type SyncResponse } from '../protocol/messages.ts';
import { readJson, writeJsonAtomic } from './files.ts';

export type OfflinePassPolicy = 'deny' | 'allow-once-and-reconcile';
export type FullSync = Extract<SyncResponse, { kind: 'full' }>;
export type DeltaSync = Extract<SyncResponse, { kind: 'delta' }>;
export type CurrentSync = Extract<SyncResponse, { kind: 'current' }>;

export type SyncOutcome =
  | { status: 'current' }
  | { status: 'applied'; kind: 'delta' | 'full'; upserts: number; removals: number }
  /** the panel's set does not match the cloud's: ask again for the full set */
  | { status: 'needs-full'; why: string };

/** What the panel knows about its set besides the entries; persisted with them. */
export interface CredentialMeta {
  version: number;
  /** 0 = no set yet (a sync with haveKeyVersion 0 always gets the full set) */
  keyVersion: number;
  digest: string;
  /** base64url HMAC key for codeHash; never logged */
  panelKey?: string;
  /** the property's IANA time zone, for schedules */
  timezone: string;
  offlinePassPolicy: OfflinePassPolicy;
  syncedAt?: string;
}

interface Persisted extends CredentialMeta {
  format: 1;
  entries: CredentialEntry[];
}

export const CREDENTIALS_FILE = 'credentials.json';

const EMPTY_META: CredentialMeta = { version: 0, keyVersion: 0, digest: EMPTY_DIGEST, timezone: 'UTC', offlinePassPolicy: 'deny' };

export interface CredentialStoreOptions {
  /** where `credentials.json` lives; without it the store is memory-only */
  stateDir?: string;
  /** downloads the full set (default: global fetch) */
  fetch?: typeof fetch;
  now?: () => Date;
}

/**
 * The panel's credential set: entries by keyed hash (for the keypad) and by id (for deltas),
 * kept in step with the cloud through `current` / `delta` / `full` sync responses and saved to
 * `<stateDir>/credentials.json`, so a restarted panel decides offline from its last set.
 *
 * Every change is checked against the cloud's digest (XOR of entry hashes): a delta is applied
 * only if the result has the announced digest, otherwise nothing changes and the outcome says
 * `needs-full`.
 */
export class CredentialStore {
  private meta: CredentialMeta = { ...EMPTY_META };
  private readonly byId = new Map<string, CredentialEntry>();
  private readonly byHash = new Map<string, CredentialEntry>();
  private readonly file: string | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;

  private constructor(options: CredentialStoreOptions) {
    this.file = options.stateDir ? `${options.stateDir}/${CREDENTIALS_FILE}` : undefined;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? (() => new Date());
  }

  /** Loads the saved set, if any. A file whose entries do not match its digest is discarded (the next sync is full). */
  static async open(options: CredentialStoreOptions = {}): Promise<CredentialStore> {
    const store = new CredentialStore(options);
    if (!store.file) return store;
    const saved = await readJson<Persisted>(store.file);
    if (saved?.format === 1 && Array.isArray(saved.entries) && setDigest(saved.entries) === saved.digest) {
      const { format: _format, entries, ...meta } = saved;
      store.replace(meta, entries);
    }
    return store;
  }

  get version(): number {
    return this.meta.version;
  }
  get keyVersion(): number {
    return this.meta.keyVersion;
  }
  get digest(): string {
    return this.meta.digest;
  }
  get timezone(): string {
    return this.meta.timezone;
  }
  get offlinePassPolicy(): OfflinePassPolicy {
    return this.meta.offlinePassPolicy;
  }

  /** Property settings the shadow announces between full syncs; kept with the set. */
  async applyPolicy(policy: { timezone?: string; offlinePassPolicy?: OfflinePassPolicy }): Promise<boolean> {
    const next = { ...this.meta, ...(policy.timezone && { timezone: policy.timezone }), ...(policy.offlinePassPolicy && { offlinePassPolicy: policy.offlinePassPolicy }) };
    if (next.timezone === this.meta.timezone && next.offlinePassPolicy === this.meta.offlinePassPolicy) return false;
    this.meta = next;
    await this.save();
    return true;
  }
  get syncedAt(): string | undefined {
    return this.meta.syncedAt;
  }
  get size(): number {
    return this.byId.size;
  }
  /** true once a full set (with its panel key) was received */
  get hasSet(): boolean {
    return this.meta.panelKey !== undefined && this.meta.keyVersion > 0;
  }

  /** The entry a keypad code (or code-like token) stands for, hashed with the panel key. */
  lookupCode(code: string): CredentialEntry | undefined {
    if (!this.meta.panelKey) return undefined;
    return this.byHash.get(codeHash(this.meta.panelKey, code));
  }

  /** A resident's door PIN: hashed with the unit, so the PIN alone matches nothing. */
  lookupResidentPin(unit: string, pin: string): CredentialEntry | undefined {
    if (!this.meta.panelKey) return undefined;
    return this.byHash.get(residentPinHash(this.meta.panelKey, unit, pin));
  }

  lookupHash(hash: string): CredentialEntry | undefined {
    return this.byHash.get(hash);
  }

  byCredentialId(id: string): CredentialEntry | undefined {
    return this.byId.get(id);
  }

  entries(): IterableIterator<CredentialEntry> {
    return this.byId.values();
  }

  /** Applies any sync response; downloads the full set when told to. Saves when something changed. */
  async apply(response: SyncResponse): Promise<SyncOutcome> {
    switch (response.kind) {
      case 'current':
        return this.applyCurrent(response);
      case 'delta': {
        const outcome = this.applyDelta(response);
        if (outcome.status === 'applied') await this.save();
        return outcome;
      }
      case 'full': {
        const entries = await this.download(response);
        const outcome = this.applyFull(response, entries);
        await this.save();
        return outcome;
      }
    }
  }

  /** "You are current": true only if the digest agrees too. */
  applyCurrent(response: CurrentSync): SyncOutcome {
    if (response.version !== this.meta.version) return { status: 'needs-full', why: `cloud says current at version ${response.version}, panel holds ${this.meta.version}` };
    if (response.digest !== this.meta.digest) return { status: 'needs-full', why: 'digest differs at the same version' };
    this.meta.syncedAt = this.now().toISOString();
    return { status: 'current' };
  }

  /** Upserts and removals keyed by id, the digest updated entry by entry (XOR out the old, XOR in the new). */
  applyDelta(delta: DeltaSync): SyncOutcome {
    if (!this.hasSet) return { status: 'needs-full', why: 'no set to apply a delta to' };
    if (delta.fromVersion !== this.meta.version) return { status: 'needs-full', why: `delta from ${delta.fromVersion}, panel holds ${this.meta.version}` };
    const staged = new Map<string, CredentialEntry | null>();
    const current = (id: string) => (staged.has(id) ? (staged.get(id) ?? undefined) : this.byId.get(id));
    let digest = this.meta.digest;
    for (const id of delta.removals) {
      const old = current(id);
      if (old) digest = xorDigest(digest, entryDigest(old));
      staged.set(id, null);
    }
    for (const entry of delta.upserts) {
      if (!isEntry(entry)) return { status: 'needs-full', why: 'malformed entry in delta' };
      const old = current(entry.id);
      if (old) digest = xorDigest(digest, entryDigest(old));
      digest = xorDigest(digest, entryDigest(entry));
      staged.set(entry.id, entry);
    }
    if (digest !== delta.digest) return { status: 'needs-full', why: 'digest after delta does not match' };
    for (const [id, entry] of staged) {
      const old = this.byId.get(id);
      if (old && this.byHash.get(old.hash) === old) this.byHash.delete(old.hash);
      if (entry) {
        this.byId.set(id, entry);
        if (usableByCode(entry)) this.byHash.set(entry.hash, entry);
      } else {
        this.byId.delete(id);
      }
    }
    this.meta = { ...this.meta, version: delta.version, digest, syncedAt: this.now().toISOString() };
    return { status: 'applied', kind: 'delta', upserts: delta.upserts.length, removals: delta.removals.length };
  }

  /** Replaces the whole set with verified entries (the digest is checked before anything changes). */
  applyFull(full: FullSync, entries: CredentialEntry[]): SyncOutcome {
    const digest = setDigest(entries);
    if (digest !== full.digest) throw new Error('full credential set does not match its digest');
    this.replace(
      {
        version: full.version,
        keyVersion: full.keyVersion,
        digest,
        panelKey: full.panelKey,
        timezone: full.timezone,
        offlinePassPolicy: full.offlinePassPolicy,
        syncedAt: this.now().toISOString(),
      },
      entries,
    );
    return { status: 'applied', kind: 'full', upserts: entries.length, removals: 0 };
  }

  /** Fetches the snapshot behind a full response: gzip (detected by magic bytes) or plain JSON `{ entries }`. */
  async download(full: FullSync): Promise<CredentialEntry[]> {
    const response = await this.fetch(full.url);
    if (!response.ok) throw new Error(`credential set download failed: HTTP ${response.status}`);
    let body = Buffer.from(await response.arrayBuffer());
    if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new Error('credential set download: not JSON');
    }
    // Entries are checked but kept whole: the digest covers every field.
    const parsed = snapshotDownload.safeParse(json);
    if (!parsed.success) throw new Error('credential set download: not a set of entries');
    return parsed.data.entries as CredentialEntry[];
  }

  async save(): Promise<void> {
    if (!this.file) return;
    const persisted: Persisted = { format: 1, ...this.meta, entries: [...this.byId.values()] };
    await writeJsonAtomic(this.file, persisted);
  }

  private replace(meta: CredentialMeta, entries: CredentialEntry[]): void {
    this.meta = { ...EMPTY_META, ...meta };
    this.byId.clear();
    this.byHash.clear();
    for (const entry of entries) {
      this.byId.set(entry.id, entry);
      if (usableByCode(entry)) this.byHash.set(entry.hash, entry);
    }
  }
}

/** A revoked entry (kept so its QR token can be refused) has no code any more. */
const usableByCode = (entry: CredentialEntry) => entry.hash !== '' && entry.revoked !== true;

/**
 * A light shape check. Entries are kept exactly as received (unknown fields included),
 * because the digest covers every field: stripping one would break the digest.
 */
function isEntry(value: unknown): value is CredentialEntry {
  const entry = value as Partial<CredentialEntry> | null;
  return typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && typeof entry.hash === 'string' && typeof entry.type === 'string';
}
