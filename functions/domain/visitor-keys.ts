import { ed25519FromSeed } from '../../iot/protocol/visitor-qr.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { Stores } from './stores.ts';

/**
 * A property's visitor-QR signing keys, derived from the code secret by key
 * version (nothing to store, rotation = bump the version). Panels get the public
 * halves of the current and the previous version, so tokens issued just before a
 * rotation keep working.
 */
export function visitorSigningKey(stores: Stores, propertyId: string, keyVersion: number) {
  // Built once per vault, property and key version (an Ed25519 key pair per announcement added up).
  let byVault = signingKeys.get(stores.vault);
  if (!byVault) {
    byVault = new BoundedCache(1_000);
    signingKeys.set(stores.vault, byVault);
  }
  const id = `${propertyId}/${keyVersion}`;
  let key = byVault.get(id);
  if (!key) {
    const { privateKey, publicKey } = ed25519FromSeed(stores.vault.derivedKey(`visitor-qr/${id}`));
    key = { kid: `k${keyVersion}`, privateKey, publicKey };
    byVault.set(id, key);
  }
  return key;
}
type SigningKey = { kid: string; privateKey: ReturnType<typeof ed25519FromSeed>['privateKey']; publicKey: ReturnType<typeof ed25519FromSeed>['publicKey'] };
const signingKeys = new WeakMap<object, BoundedCache<string, SigningKey>>();

export function qrKeysFor(stores: Stores, propertyId: string, keyVersion: number): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const version of [keyVersion - 1, keyVersion]) {
    if (version < 1) continue;
    const key = visitorSigningKey(stores, propertyId, version);
    keys[key.kid] = key.publicKey;
  }
  return keys;
}
