import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { OPERATORS_GROUP } from '../functions/http/caller.ts';

/** The local stand-in for the Cognito user pool: an RS256 issuer whose key lives under .lobby/keys. */
export const LOCAL_ISSUER = 'https://lobby.local/issuer';
export const LOCAL_AUDIENCE = 'lobby-local-client';

export interface LocalIssuer {
  sign(userId: string, opts?: { operator?: boolean; ttlSeconds?: number }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

export async function localIssuer(privateKeyFile: string): Promise<LocalIssuer> {
  if (!existsSync(privateKeyFile)) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    await mkdir(dirname(privateKeyFile), { recursive: true, mode: 0o700 });
    await writeFile(privateKeyFile, JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'RS256', kid: `local-${Date.now()}` }), { mode: 0o600 });
  }
  const jwk = JSON.parse(await readFile(privateKeyFile, 'utf8')) as JWK;
  const privateKey = await importJWK(jwk, 'RS256');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const publicKey = await importJWK(publicJwk, 'RS256');
  return {
    // Shaped like a Cognito access token: sub, client_id, token_use, cognito:groups.
    sign: (userId, opts = {}) =>
      new SignJWT({ client_id: LOCAL_AUDIENCE, token_use: 'access', ...(opts.operator ? { 'cognito:groups': [OPERATORS_GROUP] } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setSubject(userId)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds ?? 7 * 24 * 3600}s`)
        .sign(privateKey),
    verify: async (token) => (await jwtVerify(token, publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['RS256'] })).payload,
  };
}
