import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeProblem, generateCode, codeHint } from '../../functions/domain/codes.ts';
import { codeVaultFromSecret } from '../../functions/adapters/code-vault.ts';
import { codeHash, entryDigest, setDigest, xorDigest, EMPTY_DIGEST } from '../../iot/protocol/credential-hash.ts';
import { ed25519FromSeed, signVisitorQr, verifyVisitorQr, type VisitorQrClaims } from '../../iot/protocol/visitor-qr.ts';
import type { CredentialEntry } from '../../iot/protocol/messages.ts';

describe('keypad code rules', () => {
  it.each([
    ['480213', 6, undefined],
    ['04821', 5, undefined],
    ['111111', 6, 'one digit'],
    ['123456', 6, 'straight run'],
    ['654321', 6, 'straight run'],
    ['01234', 5, 'straight run'],
    ['48021', 6, 'exactly 6'],
    ['48a213', 6, 'digits only'],
  ])('%s (length %i)', (code, length, problem) => {
    const found = codeProblem(code as string, length as number);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('generated codes pass the rules and keep leading zeros possible', () => {
    const codes = Array.from({ length: 2000 }, () => generateCode(6));
    expect(codes.every((c) => codeProblem(c, 6) === undefined)).toBe(true);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
    expect(codeHint('480213')).toBe('**13');
  });
});

describe('code vault', () => {
  const vault = codeVaultFromSecret(randomBytes(48).toString('base64url'));
  it('seals and opens codes; the sealed form does not contain the code', () => {
    const sealed = vault.encrypt('480213');
    expect(sealed).not.toContain('480213');
    expect(vault.decrypt(sealed)).toBe('480213');
    expect(vault.encrypt('480213')).not.toBe(sealed);
  });
  it('the sentinel key depends on property and code and on the secret', () => {
    expect(vault.codeKey('p1', '480213')).toBe(vault.codeKey('p1', '480213'));
    expect(vault.codeKey('p1', '480213')).not.toBe(vault.codeKey('p2', '480213'));
    expect(codeVaultFromSecret(randomBytes(48).toString('base64url')).codeKey('p1', '480213')).not.toBe(vault.codeKey('p1', '480213'));
  });
  it('a tampered sealed code is refused', () => {
    const sealed = vault.encrypt('480213').split('.');
    sealed[2] = Buffer.from('999999').toString('base64url');
    expect(() => vault.decrypt(sealed.join('.'))).toThrow();
  });
});

describe('credential set digest', () => {
  const entries: CredentialEntry[] = [
    { id: 'a', type: 'delivery-pin', hash: codeHash(Buffer.alloc(32, 1).toString('base64url'), '480213') },
    { id: 'b', type: 'delivery-pass', hash: 'x', singleUse: true, validUntil: '2026-11-24T00:00:00.000Z' },
    { id: 'c', type: 'visitor-pass', hash: 'y', validFrom: '2026-11-23T00:00:00.000Z', validUntil: '2026-11-24T00:00:00.000Z' },
  ];
  it('is order-free and updatable entry by entry', () => {
    expect(setDigest(entries)).toBe(setDigest([...entries].reverse()));
    const withoutB = setDigest([entries[0]!, entries[2]!]);
    expect(xorDigest(setDigest(entries), entryDigest(entries[1]!))).toBe(withoutB);
    expect(setDigest([])).toBe(EMPTY_DIGEST);
  });
  it('changes when any field of an entry changes', () => {
    expect(setDigest([{ ...entries[0]!, schedule: { days: ['mon'], from: '08:00', to: '17:00' } }, entries[1]!, entries[2]!])).not.toBe(setDigest(entries));
  });
});

describe('visitor QR tokens', () => {
  const { privateKey, publicKey } = ed25519FromSeed(randomBytes(32));
  const now = new Date('2026-11-23T12:00:00Z');
  const claims: VisitorQrClaims = { v: 1, p: 'prop_1', id: 'vp_1', nbf: now.getTime() / 1000 - 3600, exp: now.getTime() / 1000 + 3600, k: 'k1' };
  const keys = { k1: publicKey };
  const token = signVisitorQr(claims, privateKey);

  it('verifies inside its window, offline, with the public key only', () => {
    expect(verifyVisitorQr(token, { publicKeys: keys, propertyId: 'prop_1', now })).toEqual({ ok: true, claims });
  });
  it.each([
    ['before the window', { now: new Date(now.getTime() - 2 * 3600_000) }, 'not-yet-valid'],
    ['after the window', { now: new Date(now.getTime() + 2 * 3600_000) }, 'expired'],
    ['at another property', { propertyId: 'prop_2' }, 'wrong-property'],
    ['with an unknown key id', { publicKeys: { k2: publicKey } }, 'unknown-key'],
    ['with another key', { publicKeys: { k1: ed25519FromSeed(randomBytes(32)).publicKey } }, 'bad-signature'],
  ])('is refused %s', (_name, override, reason) => {
    expect(verifyVisitorQr(token, { publicKeys: keys, propertyId: 'prop_1', now, ...override })).toEqual({ ok: false, reason });
  });
  it('is refused when tampered with', () => {
    const [body, sig] = token.split('.');
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url');
    expect(verifyVisitorQr(`${longer}.${sig}`, { publicKeys: keys, propertyId: 'prop_1', now })).toEqual({ ok: false, reason: 'bad-signature' });
    // Flip one bit of the signature's first byte: always a different signature (writing fixed characters over it is not).
    const flipped = Buffer.from(sig!, 'base64url');
    flipped[0]! ^= 0x01;
    expect(flipped.toString('base64url')).not.toBe(sig);
    expect(verifyVisitorQr(`${body}.${flipped.toString('base64url')}`, { publicKeys: keys, propertyId: 'prop_1', now })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyVisitorQr('garbage', { publicKeys: keys, propertyId: 'prop_1', now })).toEqual({ ok: false, reason: 'malformed' });
  });
  it('derives the same key pair from the same seed (nothing to store in the cloud)', () => {
    const seed = randomBytes(32);
    expect(ed25519FromSeed(seed).publicKey).toBe(ed25519FromSeed(seed).publicKey);
  });
});
