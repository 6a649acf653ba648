import { randomInt } from 'node:crypto';
import { invalid } from './errors.ts';
import type { Write } from './records.ts';
import type { Stores } from './stores.ts';

export type CredentialType = 'delivery-pin' | 'delivery-pass' | 'visitor-pass' | 'resident-door-pin';

/**
 * Why a keypad code is refused, or undefined when it is acceptable: exactly
 * `length` digits, and not trivially guessable (one digit repeated, or a straight
 * run up or down such as 123456 or 654321).
 */
export function codeProblem(code: string, length: number): string | undefined {
  if (!/^[0-9]+$/.test(code)) return 'must contain digits only';
  if (code.length !== length) return `must have exactly ${length} digits`;
  const digits = [...code].map(Number);
  const steps = digits.slice(1).map((d, i) => d - (digits[i] ?? d));
  if (steps.every((s) => s === 0)) return 'is too easy to guess (one digit repeated)';
  if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) return 'is too easy to guess (a straight run of digits)';
  return undefined;
}

export function assertAcceptableCode(code: string, length: number, field: string) {
  const problem = codeProblem(code, length);
  if (problem) throw invalid(`${field} ${problem}`, [{ path: field, message: problem }]);
}

/** "**56": enough for an admin to tell PINs apart, not enough to use one. */
export const codeHint = (code: string) => `**${code.slice(-2)}`;

/**
 * Invariant 1: one code, one active credential per property. The sentinel item is
 * keyed by the code's HMAC, so the table never holds the code itself, and two
 * writers racing for one code cannot both create it.
 */
export function claimCodeEntry(
  stores: Stores,
  propertyId: string,
  code: string,
  credential: { type: CredentialType; id: string; expiresAt?: string; ownerResidentId?: string },
): Write {
  const expiresAtEpoch = credential.expiresAt ? Math.floor(Date.parse(credential.expiresAt) / 1000) : undefined;
  // A sentinel of a credential that has expired frees its code, even before TTL deletes it.
  return stores.codes.claim(
    propertyId,
    stores.vault.codeKey(propertyId, code),
    { type: credential.type, id: credential.id, expiresAtEpoch, ownerResidentId: credential.ownerResidentId },
    Math.floor(stores.now().getTime() / 1000),
  );
}

/**
 * Frees a code, but only if it still belongs to this credential. A sentinel that is
 * already gone (TTL removed it after the credential expired) counts as released.
 */
export function releaseCodeEntry(stores: Stores, propertyId: string, codeKey: string, credentialId: string): Write {
  return stores.codes.release(propertyId, codeKey, credentialId);
}

/** A fresh random code of `length` digits that passes the same rules as a chosen one. */
export function generateCode(length: number): string {
  for (;;) {
    const code = Array.from({ length }, () => randomInt(10)).join('');
    if (!codeProblem(code, length)) return code;
  }
}
