import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { documents } from '../adapters/dynamo-client.ts';
import { integrationRepository } from '../adapters/integration-repository.ts';
import { LobbyTable } from '../adapters/lobby-table.ts';
import { liveIntegrationOf } from '../domain/integrations.ts';
import type { AuthorizerContext } from '../http/caller.ts';

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses) for every `auth: 'jwt'` route.
 * A JWT authorizer cannot take integrations: its audience list is static and a client-credentials
 * token carries its own client's id and no `aud`. This one verifies the user pool's tokens with
 * aws-jwt-verify (RS256 and the pool's JWKS; kid, exp, iat/nbf within 60 s, iss) and says who calls:
 *  - a person: an access token whose client_id is a person app client (LOBBY_PERSON_CLIENT_IDS:
 *    the admin tools', the console's), or an ID token whose aud is one; any scope claim is ignored;
 *  - an integration: an access token of a client-credentials client (sub = client_id) whose record
 *    is live, with the token's scopes that the record still grants. Read on every request (no
 *    result caching), so deleting the integration refuses its tokens at once.
 * Anything else throws 'Unauthorized': API Gateway answers 401 {"message":"Unauthorized"}.
 */
const CLOCK_SKEW_SECONDS = 60;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const issuer = required('LOBBY_JWT_ISSUER');
const personClients = required('LOBBY_PERSON_CLIENT_IDS')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/** The JWKS over fetch (the library's own fetcher speaks only https; the local stand-in is http on loopback). */
const fetcher: Fetcher = {
  async fetch(uri) {
    const reply = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!reply.ok) throw new Error(`JWKS: ${reply.status}`);
    return reply.arrayBuffer();
  },
};
const verifier = JwtRsaVerifier.create(
  { issuer, audience: null, jwksUri: process.env.LOBBY_JWKS_URI ?? `${issuer}/.well-known/jwks.json`, graceSeconds: 0 },
  { jwksCache: new SimpleJwksCache({ fetcher }) },
);
let integrations: ReturnType<typeof integrationRepository> | undefined;

class Unauthorized extends Error {
  constructor() {
    super('Unauthorized');
  }
}

/** The checks API Gateway's JWT authorizer made that the library leaves optional. */
function strictShape(token: string): void {
  let header: { alg?: unknown; kid?: unknown };
  let payload: { exp?: unknown; iat?: unknown; nbf?: unknown };
  try {
    const [h = '', p = ''] = token.split('.');
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    throw new Unauthorized();
  }
  const now = Math.floor(Date.now() / 1000);
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw new Unauthorized();
  if (typeof payload.exp !== 'number') throw new Unauthorized();
  for (const claim of [payload.iat, payload.nbf]) if (claim !== undefined && (typeof claim !== 'number' || claim > now + CLOCK_SKEW_SECONDS)) throw new Unauthorized();
}

const claimList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : []);

async function callerOf(payload: JwtPayload): Promise<AuthorizerContext> {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new Unauthorized();
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
  const groups = claimList(payload['cognito:groups']).join(' ');
  if (payload.token_use === 'id') {
    if (!claimList(payload.aud).some((aud) => personClients.includes(aud))) throw new Unauthorized();
    return { kind: 'person', sub, groups };
  }
  if (payload.token_use !== 'access' || !clientId || payload.aud !== undefined) throw new Unauthorized();
  if (personClients.includes(clientId)) return { kind: 'person', sub, groups };
  // Client credentials: Cognito sets sub to the client id; a token with a user in it is not one.
  if (sub !== clientId || payload.username !== undefined) throw new Unauthorized();
  integrations ??= integrationRepository(new LobbyTable(documents(), required('LOBBY_TABLE')));
  const integration = await liveIntegrationOf({ integrations }, clientId);
  if (!integration) throw new Unauthorized();
  const granted = claimList(payload.scope).filter((scope) => (integration.scopes as string[]).includes(scope));
  return { kind: 'integration', integrationId: integration.integrationId, propertyId: integration.propertyId, clientId, scopes: granted.join(' ') };
}

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  const token = BEARER.exec(event.headers?.authorization ?? '')?.[1];
  if (!token) throw new Unauthorized();
  strictShape(token);
  let payload: JwtPayload;
  try {
    payload = await verifier.verify(token);
  } catch {
    throw new Unauthorized();
  }
  return { isAuthorized: true, context: await callerOf(payload) };
};
