import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { OPERATORS_GROUP } from '../functions/http/caller.ts';

/** The local stand-in for the Cognito user pool: an RS256 issuer whose key lives under .lobby/keys. */
export const LOCAL_ISSUER = 'https://lobby.local/issuer';
/** The app client id: the one entry of the authorizer's audience list (lib/api.ts: jwtAudience = [adminClient id]). */
export const LOCAL_AUDIENCE = 'lobby-local-client';
/** The console's app client (authorization code + PKCE at the local hosted login, local/cognito/hosted-login.ts). */
export const LOCAL_CONSOLE_CLIENT = 'lobby-local-console';
/** The person app clients whose access tokens the API takes (in AWS: the admin tools' and the console's). */
export const PERSON_CLIENTS = [LOCAL_AUDIENCE, LOCAL_CONSOLE_CLIENT];

export interface LocalIssuer {
  /** the kid of the one key in the local JWKS */
  kid: string;
  sign(userId: string, opts?: { operator?: boolean; ttlSeconds?: number; clientId?: string; scope?: string }): Promise<string>;
  /** A Cognito-shaped ID token (aud = the app client, nonce, name) for the hosted login's token endpoint. */
  signId(userId: string, opts: { clientId: string; nonce?: string; name?: string; operator?: boolean; ttlSeconds?: number }): Promise<string>;
  /** A client-credentials access token as Cognito mints it: sub = client_id, scope, no user (local/cognito/server.ts). */
  signClientCredentials(clientId: string, scope: string, ttlSeconds: number): Promise<string>;
  /** The public half of the key, as the pool's /.well-known/jwks.json serves it. */
  jwks: { keys: JWK[] };
}

export async function localIssuer(privateKeyFile: string): Promise<LocalIssuer> {
  if (!existsSync(privateKeyFile)) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    await mkdir(dirname(privateKeyFile), { recursive: true, mode: 0o700 });
    await writeFile(privateKeyFile, JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'RS256', kid: `local-${Date.now()}` }), { mode: 0o600 });
  }
  const jwk = JSON.parse(await readFile(privateKeyFile, 'utf8')) as JWK;
  const kid = jwk.kid!;
  const privateKey = await importJWK(jwk, 'RS256');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return {
    kid,
    // Minted like a Cognito user pool ACCESS token: client_id and token_use, no aud.
    sign: (userId, opts = {}) =>
      new SignJWT({
        client_id: opts.clientId ?? LOCAL_AUDIENCE,
        token_use: 'access',
        scope: opts.scope ?? 'aws.cognito.signin.user.admin',
        username: userId,
        auth_time: Math.floor(Date.now() / 1000),
        ...(opts.operator ? { 'cognito:groups': [OPERATORS_GROUP] } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject(userId)
        .setIssuer(LOCAL_ISSUER)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds ?? 7 * 24 * 3600}s`)
        .sign(privateKey),
    signId: (userId, opts) =>
      new SignJWT({
        token_use: 'id',
        'cognito:username': userId,
        auth_time: Math.floor(Date.now() / 1000),
        ...(opts.nonce ? { nonce: opts.nonce } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.operator ? { 'cognito:groups': [OPERATORS_GROUP] } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject(userId)
        .setAudience(opts.clientId)
        .setIssuer(LOCAL_ISSUER)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds ?? 3600}s`)
        .sign(privateKey),
    signClientCredentials: (clientId, scope, ttlSeconds) =>
      new SignJWT({ client_id: clientId, token_use: 'access', scope, auth_time: Math.floor(Date.now() / 1000), version: 2 })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject(clientId)
        .setIssuer(LOCAL_ISSUER)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    jwks: { keys: [{ ...publicJwk, alg: 'RS256', use: 'sig', kid }] },
  };
}
