import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { OPERATORS_GROUP } from '../functions/http/caller.ts';

/** The local stand-in for the Cognito user pool: an RS256 issuer whose key lives under .lobby/keys. */
export const LOCAL_ISSUER = 'https://lobby.local/issuer';
/** The app client id: the one entry of the authorizer's audience list (lib/api.ts: jwtAudience = [adminClient id]). */
export const LOCAL_AUDIENCE = 'lobby-local-client';
/** The console's app client (authorization code + PKCE at the local hosted login, local/cognito/hosted-login.ts). */
export const LOCAL_CONSOLE_CLIENT = 'lobby-local-console';
/** The person app clients whose access tokens the API takes (in AWS: the admin tools' and the console's). */
export const PERSON_CLIENTS = [LOCAL_AUDIENCE, LOCAL_CONSOLE_CLIENT];
/** How far in the future `iat`/`nbf` may be (clock skew between issuer and gateway). */
export const CLOCK_SKEW_SECONDS = 60;

export interface LocalIssuer {
  /** the kid of the one key in the local JWKS */
  kid: string;
  sign(userId: string, opts?: { operator?: boolean; ttlSeconds?: number; clientId?: string; scope?: string }): Promise<string>;
  /** A Cognito-shaped ID token (aud = the app client, nonce, name) for the hosted login's token endpoint. */
  signId(userId: string, opts: { clientId: string; nonce?: string; name?: string; operator?: boolean; ttlSeconds?: number }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
  /** A client-credentials access token as Cognito mints it: sub = client_id, scope, no user (local/cognito/server.ts). */
  signClientCredentials(clientId: string, scope: string, ttlSeconds: number): Promise<string>;
  /** The public half of the key, as the pool's /.well-known/jwks.json serves it. */
  jwks: { keys: JWK[] };
}

export class InvalidTokenError extends Error {}

/**
 * Checks a token the way API Gateway's HTTP API JWT authorizer does (see its
 * documented workflow): RSA signature with the key the header's `kid` names, `iss`,
 * `aud` (or, only when there is no `aud`, `client_id`) in the audience list, `exp`
 * in the future, `nbf` and `iat` in the past.
 */
async function verifyLikeApiGateway(token: string, kid: string, publicKey: Awaited<ReturnType<typeof importJWK>>): Promise<JWTPayload> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new InvalidTokenError('malformed token');
  }
  if (header.alg !== 'RS256') throw new InvalidTokenError('unsupported alg');
  if (typeof header.kid !== 'string' || header.kid !== kid) throw new InvalidTokenError('unknown kid');
  const { payload } = await jwtVerify(token, publicKey, {
    issuer: LOCAL_ISSUER,
    algorithms: ['RS256'],
    requiredClaims: ['exp'],
    clockTolerance: 0,
  }).catch((error: Error) => {
    throw new InvalidTokenError(error.message);
  });
  const now = Math.floor(Date.now() / 1000);
  if (payload.nbf !== undefined && payload.nbf > now + CLOCK_SKEW_SECONDS) throw new InvalidTokenError('nbf in the future');
  if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) throw new InvalidTokenError('iat in the future');
  // API Gateway evaluates aud when present, client_id only when aud is absent.
  if (payload.aud !== undefined) {
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => PERSON_CLIENTS.includes(a))) throw new InvalidTokenError('audience');
  } else if (!PERSON_CLIENTS.includes(payload.client_id as string)) {
    throw new InvalidTokenError('audience');
  }
  return payload;
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
  const publicKey = await importJWK(publicJwk, 'RS256');
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
    verify: (token) => verifyLikeApiGateway(token, kid, publicKey),
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
