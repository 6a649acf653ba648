import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTEGRATION_SCOPES } from '../../functions/shared/integration-scopes.ts';
import type { LocalIssuer } from '../jwt.ts';
import { readLimitedBody, serveAwsJson } from '../aws-json.ts';
import { listen } from '../listen.ts';
import { AwsError, commonAwsError, type Credentials, LOCAL_CREDENTIALS, SigV4Verifier } from '../sigv4.ts';
import { type AppClient, accessTokenSeconds, ClientStore, secretMatches } from './clients.ts';

/**
 * A stand-in for the Cognito user pool that @aws-sdk/client-cognito-identity-provider drives
 * unmodified (JSON 1.1: POST /, X-Amz-Target AWSCognitoIdentityProviderService.<Operation>, SigV4
 * with signing name `cognito-idp` and the local key pair): CreateUserPoolClient,
 * DescribeUserPoolClient, DeleteUserPoolClient. On the same port, the pool domain's OAuth token
 * endpoint (POST /oauth2/token, Cognito's request and error shapes; one function per grant type,
 * `grants`) and the pool's JWKS (GET /.well-known/jwks.json). Tokens are signed by the local issuer.
 */
export const LOCAL_USER_POOL_ID = 'us-east-1_LobbyLocal';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_REQUEST_BYTES = 64 * 1024;

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}
/** One grant_type of the token endpoint: the form and the request (for HTTP Basic). */
export type TokenGrant = (form: URLSearchParams, req: IncomingMessage) => Promise<TokenAnswer>;
/** Other routes on this server (the hosted login): true when it answered. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<boolean>;

const oauthError = (error: string, status = 400): TokenAnswer => ({ status, body: { error } });

/** HTTP Basic client_id:client_secret (both form-urlencoded first, as RFC 6749 2.3.1 says). */
function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!basic) return undefined;
  const text = Buffer.from(basic, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** grant_type=client_credentials: a confidential client, its secret, scopes among its allowed ones (all of them when none are asked). */
function clientCredentialsGrant(clients: ClientStore, issuer: LocalIssuer): TokenGrant {
  return async (form, req) => {
    const credentials = basicCredentials(req);
    const client: AppClient | undefined = credentials && clients.find(credentials.id);
    if (!credentials || !client || !secretMatches(client, credentials.secret)) return oauthError('invalid_client', 401);
    if (!client.AllowedOAuthFlowsUserPoolClient || !client.AllowedOAuthFlows.includes('client_credentials')) return oauthError('unauthorized_client');
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (asked.some((s) => !client.AllowedOAuthScopes.includes(s))) return oauthError('invalid_scope');
    const scope = (asked.length ? asked : client.AllowedOAuthScopes).join(' ');
    const ttl = accessTokenSeconds(client);
    return { status: 200, body: { access_token: await issuer.signClientCredentials(client.ClientId, scope, ttl), expires_in: ttl, token_type: 'Bearer' } };
  };
}

export interface LocalCognito {
  /** The service endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER). */
  endpoint: string;
  userPoolId: string;
  /** The pool domain's token endpoint. */
  tokenUrl: string;
  jwksUri: string;
  clients: ClientStore;
  stop(): Promise<void>;
}

export async function startLocalCognito(opts: {
  port: number;
  issuer: LocalIssuer;
  stateFile: string;
  credentials?: Credentials;
  /** More grant types for the token endpoint (the console's authorization code + PKCE). */
  grants?: Record<string, TokenGrant>;
  routes?: ExtraRoutes;
  /** Origins whose browsers may call the token endpoint (CORS). */
  corsOrigins?: ReadonlySet<string>;
  maxClients?: number;
}): Promise<LocalCognito> {
  const verifier = new SigV4Verifier({ service: 'cognito-idp', credentials: opts.credentials ?? LOCAL_CREDENTIALS, refuse: commonAwsError });
  const clients = await new ClientStore(LOCAL_USER_POOL_ID, opts.stateFile, INTEGRATION_SCOPES, opts.maxClients).load();
  const grants: Record<string, TokenGrant> = { client_credentials: clientCredentialsGrant(clients, opts.issuer), ...opts.grants };

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    async CreateUserPoolClient(input) {
      return { UserPoolClient: await clients.create(input) };
    },
    async DescribeUserPoolClient(input) {
      return { UserPoolClient: clients.get(input) };
    },
    async DeleteUserPoolClient(input) {
      await clients.delete(input);
      return {};
    },
  };

  const tooLarge = () => new AwsError(400, 'InvalidParameterException', 'Request too large');
  const service = {
    verifier,
    targetPrefix: TARGET_PREFIX,
    operations,
    jsonVersion: '1.1',
    maxRequestBytes: MAX_REQUEST_BYTES,
    tooLarge,
    internalErrorCode: 'InternalErrorException',
  } as const;

  async function token(req: IncomingMessage, res: ServerResponse, body: string) {
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin && opts.corsOrigins?.has(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    const form = new URLSearchParams(body);
    const type = form.get('grant_type') ?? '';
    const grant = Object.hasOwn(grants, type) ? grants[type] : undefined;
    const answer = !/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
      ? oauthError('invalid_request')
      : grant
        ? await grant(form, req)
        : oauthError('unsupported_grant_type');
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors }).end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (req.method === 'POST' && url.pathname === '/' && req.headers['x-amz-target'] !== undefined) return await serveAwsJson(req, res, service);
        if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(opts.issuer.jwks));
        }
        const body = req.method === 'POST' ? (await readLimitedBody(req, MAX_REQUEST_BYTES, tooLarge)).toString('utf8') : '';
        if (req.method === 'POST' && url.pathname === '/oauth2/token') return await token(req, res, body);
        if (opts.routes && (await opts.routes(req, res, url, body))) return;
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      } catch (error) {
        process.stderr.write(`cognito stand-in: ${(error as Error).name}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
      }
    })();
  });
  await listen(server, opts.port, 'Cognito stand-in');
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    userPoolId: LOCAL_USER_POOL_ID,
    tokenUrl: `${endpoint}/oauth2/token`,
    jwksUri: `${endpoint}/.well-known/jwks.json`,
    clients,
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
