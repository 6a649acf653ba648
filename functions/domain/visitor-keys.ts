import { ed25519FromSeed } from '../../iot/protocol/visitor-qr.ts';
import type { Stores } from './stores.ts';

/**
 * A property's visitor-QR signing keys, derived from the code secret by key
 * version (nothing to store, rotation = bump the version). Panels get the public
 * halves of the current and the previous version, so tokens issued just before a
 * rotation keep working.
 */
export function visitorSigningKey(stores: Stores, propertyId: string, keyVersion: number) {
  const { privateKey, publicKey } = ed25519FromSeed(stores.vault.derivedKey(`visitor-qr/${propertyId}/${keyVersion}`));
  return { kid: `k${keyVersion}`, privateKey, publicKey };
}

export function qrKeysFor(stores: Stores, propertyId: string, keyVersion: number): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const version of [keyVersion - 1, keyVersion]) {
    if (version < 1) continue;
    const key = visitorSigningKey(stores, propertyId, version);
    keys[key.kid] = key.publicKey;
  }
  return keys;
}
