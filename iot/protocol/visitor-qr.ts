import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Visitor QR tokens: a compact, signed statement "visitor pass X of property P is
 * valid from nbf to exp", verifiable by a panel with no connection. Ed25519 with
 * a per-property key; the public halves reach panels through the credentials
 * shadow (current and previous key id, so rotation never strands a visitor).
 * Format: base64url(JSON claims) "." base64url(signature).
 */
export interface VisitorQrClaims {
  v: 1;
  /** property id */
  p: string;
  /** visitor pass id */
  id: string;
  /** valid from / until, epoch seconds */
  nbf: number;
  exp: number;
  /** signing key id */
  k: string;
}

export type QrVerdict =
  | { ok: true; claims: VisitorQrClaims }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'wrong-property' | 'not-yet-valid' | 'expired' };

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 key pair from a 32-byte seed, so the cloud can re-derive it from its secret instead of storing it. */
export function ed25519FromSeed(seed: Buffer): { privateKey: KeyObject; publicKey: string } {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const publicKey = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
  return { privateKey, publicKey };
}

export function signVisitorQr(claims: VisitorQrClaims, privateKey: KeyObject): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
}

export function verifyVisitorQr(token: string, opts: { publicKeys: Record<string, string>; propertyId: string; now: Date }): QrVerdict {
  const [body, signature, extra] = token.trim().split('.');
  if (!body || !signature || extra !== undefined || token.length > 1024) return { ok: false, reason: 'malformed' };
  let claims: VisitorQrClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims?.v !== 1 || typeof claims.id !== 'string' || typeof claims.k !== 'string' || !Number.isFinite(claims.nbf) || !Number.isFinite(claims.exp)) {
    return { ok: false, reason: 'malformed' };
  }
  const publicKey = opts.publicKeys[claims.k];
  if (!publicKey) return { ok: false, reason: 'unknown-key' };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  if (!verify(null, Buffer.from(body), key, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad-signature' };
  if (claims.p !== opts.propertyId) return { ok: false, reason: 'wrong-property' };
  const now = opts.now.getTime() / 1000;
  if (now < claims.nbf) return { ok: false, reason: 'not-yet-valid' };
  if (now >= claims.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
