import { createHash, createHmac } from 'node:crypto';
import type { CredentialEntry } from './messages.ts';

/**
 * How a panel recognises a code without holding it in plain: the property's panel
 * key (rotatable, see docs/credential-sync.md) keys an HMAC of the code.
 * 16 bytes are plenty to make collisions between a property's codes impossible.
 */
export function codeHash(panelKey: string, code: string): string {
  return createHmac('sha256', Buffer.from(panelKey, 'base64url')).update(code).digest().subarray(0, 16).toString('base64url');
}

function canonical(entry: CredentialEntry): string {
  return JSON.stringify(
    Object.keys(entry)
      .sort()
      .reduce<Record<string, unknown>>((o, k) => {
        o[k] = (entry as Record<string, unknown>)[k];
        return o;
      }, {}),
  );
}

const ZERO = '0'.repeat(64);

/**
 * The set digest is the XOR of each entry's SHA-256, so it is order-free and can
 * be updated entry by entry (add and remove are the same XOR). Panel and cloud
 * compute it the same way; a mismatch means "resync in full".
 */
export function entryDigest(entry: CredentialEntry): string {
  return createHash('sha256').update(canonical(entry)).digest('hex');
}

export function xorDigest(a: string, b: string): string {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return Buffer.from(x.map((v, i) => v ^ (y[i] ?? 0))).toString('hex');
}

export function setDigest(entries: Iterable<CredentialEntry>): string {
  let digest = ZERO;
  for (const entry of entries) digest = xorDigest(digest, entryDigest(entry));
  return digest;
}

export const EMPTY_DIGEST = ZERO;

/** A unit as typed on a panel or stored by the cloud: "4b " and "4B" are one unit. */
export const unitKey = (unit: string) => unit.trim().toUpperCase();

/**
 * A resident's door PIN binds their unit: HMAC(panelKey, unit + "#" + pin). A keypad code is
 * digits only, so no code alone ever hashes to it, and the same digits in two units are two
 * different entries.
 */
export function residentPinHash(panelKey: string, unit: string, pin: string): string {
  return codeHash(panelKey, `${unitKey(unit)}#${pin}`);
}
