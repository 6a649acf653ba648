import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeHash, EMPTY_DIGEST, setDigest } from '../../iot/protocol/credential-hash.ts';
import type { CredentialEntry, SyncResponse } from '../../iot/protocol/messages.ts';
import { CREDENTIALS_FILE, CredentialStore, type DeltaSync, type FullSync } from '../../iot/panel/credential-store.ts';

const panelKey = Buffer.alloc(32, 7).toString('base64url');
const entry = (id: string, code: string, extra: Partial<CredentialEntry> = {}): CredentialEntry => ({ id, type: 'delivery-pin', hash: codeHash(panelKey, code), ...extra });

const A = entry('pin_a', '111111');
const B = entry('pin_b', '222222', { schedule: { days: ['mon', 'tue'], from: '08:00', to: '18:00' } });
const C = entry('pass_c', '333333', { type: 'delivery-pass', singleUse: true, validUntil: '2026-06-01T00:00:00Z' });

/** A fake HTTP fetch that serves one snapshot body. */
const serving = (body: Buffer) => (async () => new Response(new Uint8Array(body), { status: 200 })) as unknown as typeof fetch;

function full(entries: CredentialEntry[], over: Partial<FullSync> = {}): FullSync {
  return {
    requestId: 'r1',
    ok: true,
    kind: 'full',
    version: 10,
    keyVersion: 1,
    digest: setDigest(entries),
    panelKey,
    timezone: 'America/New_York',
    offlinePassPolicy: 'deny',
    url: 'http://example.invalid/set.json.gz',
    bytes: 0,
    ...over,
  };
}

function delta(fromVersion: number, version: number, after: CredentialEntry[], upserts: CredentialEntry[], removals: string[]): DeltaSync {
  return { requestId: 'r2', ok: true, kind: 'delta', fromVersion, version, digest: setDigest(after), upserts, removals };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panel-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWith(entries: CredentialEntry[], options: { gzip?: boolean } = {}) {
  const json = Buffer.from(JSON.stringify({ entries }));
  const store = await CredentialStore.open({ stateDir: dir, fetch: serving(options.gzip === false ? json : gzipSync(json)) });
  expect(await store.apply(full(entries))).toEqual({ status: 'applied', kind: 'full', upserts: entries.length, removals: 0 });
  return store;
}

describe('credential store', () => {
  it('starts empty: version 0, key version 0, empty digest, nothing found', async () => {
    const store = await CredentialStore.open({ stateDir: dir });
    expect([store.version, store.keyVersion, store.digest, store.size, store.hasSet]).toEqual([0, 0, EMPTY_DIGEST, 0, false]);
    expect(store.lookupCode('111111')).toBeUndefined();
  });

  it('applies a full set downloaded gzip-compressed, and looks codes up by keyed hash', async () => {
    const store = await storeWith([A, B, C]);
    expect([store.version, store.keyVersion, store.size, store.timezone, store.offlinePassPolicy]).toEqual([10, 1, 3, 'America/New_York', 'deny']);
    expect(store.digest).toBe(setDigest([A, B, C]));
    expect(store.lookupCode('222222')).toEqual(B);
    expect(store.lookupCode('333333')?.id).toBe('pass_c');
    expect(store.lookupCode('999999')).toBeUndefined();
    expect(store.byCredentialId('pin_a')).toEqual(A);
  });

  it('accepts a plain (not gzip) JSON snapshot too', async () => {
    const store = await storeWith([A], { gzip: false });
    expect(store.lookupCode('111111')?.id).toBe('pin_a');
  });

  it('refuses a full set whose entries do not match the digest, keeping the set it had', async () => {
    const store = await storeWith([A]);
    const tampered = { ...B, hash: codeHash(panelKey, '000000') };
    const bad = await CredentialStore.open({ stateDir: dir, fetch: serving(gzipSync(JSON.stringify({ entries: [A, tampered] }))) });
    await expect(bad.apply(full([A, B], { version: 11 }))).rejects.toThrow(/digest/);
    expect(bad.version).toBe(10);
    expect(bad.lookupCode('000000')).toBeUndefined();
    expect(store.version).toBe(10);
  });

  it('applies a delta: upserts and removals by id, digest recomputed entry by entry', async () => {
    const store = await storeWith([A, B]);
    const B2 = { ...B, schedule: undefined, validFrom: '2026-01-01T00:00:00Z' };
    delete (B2 as Partial<CredentialEntry>).schedule;
    const outcome = await store.apply(delta(10, 12, [B2, C], [B2, C], ['pin_a']));
    expect(outcome).toEqual({ status: 'applied', kind: 'delta', upserts: 2, removals: 1 });
    expect(store.version).toBe(12);
    expect(store.digest).toBe(setDigest([B2, C]));
    expect(store.lookupCode('111111')).toBeUndefined();
    expect(store.lookupCode('222222')).toEqual(B2);
    expect(store.lookupCode('333333')).toEqual(C);
  });

  it('moves a credential to a new code: the old code stops, the new one works', async () => {
    const store = await storeWith([A, B]);
    const moved = entry('pin_a', '444444');
    expect((await store.apply(delta(10, 11, [moved, B], [moved], []))).status).toBe('applied');
    expect(store.lookupCode('111111')).toBeUndefined();
    expect(store.lookupCode('444444')?.id).toBe('pin_a');
    expect(store.size).toBe(2);
  });

  it('a delta whose resulting digest differs asks for the full set and changes nothing', async () => {
    const store = await storeWith([A, B]);
    const wrong = { ...delta(10, 11, [A], [], ['pin_b']), digest: setDigest([A, C]) };
    expect(await store.apply(wrong)).toMatchObject({ status: 'needs-full' });
    expect(store.version).toBe(10);
    expect(store.lookupCode('222222')).toEqual(B);
    expect(store.digest).toBe(setDigest([A, B]));
  });

  it('a delta from another version than the one held asks for the full set', async () => {
    const store = await storeWith([A]);
    expect(await store.apply(delta(9, 11, [A, B], [B], []))).toMatchObject({ status: 'needs-full' });
    expect(store.version).toBe(10);
  });

  it('a delta before any full set asks for the full set', async () => {
    const store = await CredentialStore.open({ stateDir: dir });
    expect(await store.apply(delta(0, 1, [A], [A], []))).toMatchObject({ status: 'needs-full' });
  });

  it('"current" is current only if the digest agrees', async () => {
    const store = await storeWith([A, B]);
    const current = (digest: string): SyncResponse => ({ requestId: 'r', ok: true, kind: 'current', version: 10, digest });
    expect(await store.apply(current(setDigest([A, B])))).toEqual({ status: 'current' });
    expect(await store.apply(current(setDigest([A])))).toMatchObject({ status: 'needs-full' });
  });

  it('persists the set: a restarted panel has the same version, digest and codes', async () => {
    const store = await storeWith([A, B]);
    await store.apply(delta(10, 11, [A, B, C], [C], []));
    const reopened = await CredentialStore.open({ stateDir: dir });
    expect([reopened.version, reopened.keyVersion, reopened.digest, reopened.size]).toEqual([11, 1, setDigest([A, B, C]), 3]);
    expect(reopened.lookupCode('333333')?.id).toBe('pass_c');
    expect(reopened.timezone).toBe('America/New_York');
  });

  it('the saved file never holds a code, only keyed hashes', async () => {
    await storeWith([A, B, C]);
    const text = await readFile(join(dir, CREDENTIALS_FILE), 'utf8');
    for (const code of ['111111', '222222', '333333']) expect(text).not.toContain(code);
  });

  it('a saved file that does not match its digest is discarded (the next sync is a full one)', async () => {
    await storeWith([A, B]);
    const file = join(dir, CREDENTIALS_FILE);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.entries.pop();
    await writeFile(file, JSON.stringify(saved));
    const reopened = await CredentialStore.open({ stateDir: dir });
    expect([reopened.version, reopened.keyVersion, reopened.size]).toEqual([0, 0, 0]);
  });

  it('keeps entries byte-for-byte, unknown fields included, so digests still match', async () => {
    const future = { ...A, id: 'pin_future', hash: codeHash(panelKey, '555555'), note: 'a field this panel does not know' } as CredentialEntry;
    const store = await storeWith([future]);
    expect(store.digest).toBe(setDigest([future]));
    expect((await CredentialStore.open({ stateDir: dir })).size).toBe(1);
  });

  it('a revoked entry (empty hash) is held but no code finds it', async () => {
    const revoked: CredentialEntry = { id: 'vis_r', type: 'visitor-pass', hash: '', revoked: true };
    const store = await storeWith([A, revoked]);
    expect(store.byCredentialId('vis_r')).toEqual(revoked);
    expect(store.lookupHash('')).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it('handles a 10,000-code building', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => entry(`pin_${i}`, String(100000 + i)));
    const started = Date.now();
    const store = await storeWith(many);
    expect(store.lookupCode('109999')?.id).toBe('pin_9999');
    const after = many.slice(1);
    expect((await store.apply(delta(10, 11, after, [], ['pin_0']))).status).toBe('applied');
    expect(store.size).toBe(9_999);
    expect((await CredentialStore.open({ stateDir: dir })).digest).toBe(setDigest(after));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
