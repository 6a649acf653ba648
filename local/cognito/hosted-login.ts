import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalIssuer } from '../jwt.ts';

/**
 * The local stand-in for Cognito managed login, for the console's public app client: the
 * authorization code grant with PKCE as Cognito offers it (GET /oauth2/authorize, POST
 * /oauth2/token with grant_type authorization_code or refresh_token, GET /logout). Instead of a
 * password form, the sign-in page lists the demo users to pick. The Cognito stand-in's server
 * (server.ts) serves it: `grants` on its token endpoint, `handle` as its extra routes. Codes are one-time, bound to the
 * client, the redirect URI and the S256 challenge, and expire after 5 minutes (as Cognito's do).
 */

export interface HostedLoginClient {
  clientId: string;
  /** exact matches only, as Cognito compares callback and sign-out URLs */
  callbackUrls: string[];
  logoutUrls: string[];
  scopes: string[];
}

export interface HostedLoginUser {
  sub: string;
  name: string;
  /** what the sign-in page says about them */
  role: string;
  operator?: boolean;
}

interface Grant {
  clientId: string;
  user: HostedLoginUser;
  scope: string;
}

interface PendingCode extends Grant {
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expiresAt: number;
}

/** The token endpoint's answer and one grant_type's handler, as the Cognito stand-in's server (server.ts) takes them. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}
export type TokenGrant = (form: URLSearchParams, req: IncomingMessage) => Promise<TokenAnswer>;

export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TOKEN_SECONDS = 3600;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const oauthError = (error: string, status = 400): TokenAnswer => ({ status, body: { error } });

export function hostedLogin(opts: { issuer: LocalIssuer; clients: HostedLoginClient[]; users: HostedLoginUser[]; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, Grant>();
  const client = (id: string | null) => opts.clients.find((c) => c.clientId === id);

  async function tokens(grant: Grant, nonce?: string, withRefresh = false): Promise<TokenAnswer> {
    const body: Record<string, unknown> = {
      access_token: await opts.issuer.sign(grant.user.sub, { clientId: grant.clientId, scope: grant.scope, operator: grant.user.operator, ttlSeconds: ACCESS_TOKEN_SECONDS }),
      id_token: await opts.issuer.signId(grant.user.sub, {
        clientId: grant.clientId,
        nonce,
        name: grant.user.name,
        operator: grant.user.operator,
        ttlSeconds: ACCESS_TOKEN_SECONDS,
      }),
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
    };
    if (withRefresh) {
      const refresh = randomBytes(32).toString('base64url');
      refreshTokens.set(refresh, { clientId: grant.clientId, user: grant.user, scope: grant.scope });
      body.refresh_token = refresh;
    }
    return { status: 200, body };
  }

  /** The token endpoint's grants for a public client (client_id in the form, or HTTP Basic with an empty secret). */
  const grants: Record<'authorization_code' | 'refresh_token', TokenGrant> = {
    async authorization_code(form, req) {
      const clientId = tokenClientId(req, form);
      if (!client(clientId)) return oauthError('invalid_client', 401);
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      // One try per code, right or wrong (a guessed verifier gets no second chance).
      codes.delete(code);
      if (!pending || pending.expiresAt < now() || pending.clientId !== clientId) return oauthError('invalid_grant');
      if (form.get('redirect_uri') !== pending.redirectUri) return oauthError('invalid_grant');
      const verifier = form.get('code_verifier') ?? '';
      if (!VERIFIER.test(verifier) || s256(verifier) !== pending.challenge) return oauthError('invalid_grant');
      return tokens(pending, pending.nonce, true);
    },
    async refresh_token(form, req) {
      const clientId = tokenClientId(req, form);
      if (!client(clientId)) return oauthError('invalid_client', 401);
      const grant = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.clientId !== clientId) return oauthError('invalid_grant');
      return tokens(grant);
    },
  };

  /** Checks an authorization request; an error either goes back to the client (redirect) or, when the client or redirect URI is wrong, is shown here. */
  function checkAuthorize(p: URLSearchParams): { page: string } | { redirect: string } | { ok: { c: HostedLoginClient; redirectUri: string } } {
    const c = client(p.get('client_id'));
    if (!c) return { page: 'Unknown client_id.' };
    const redirectUri = p.get('redirect_uri') ?? '';
    if (!c.callbackUrls.includes(redirectUri)) return { page: 'redirect_mismatch: redirect_uri is not a callback URL of this client.' };
    const back = (error: string, description: string) => {
      const url = new URL(redirectUri);
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      if (p.get('state')) url.searchParams.set('state', p.get('state')!);
      return { redirect: url.toString() };
    };
    if (p.get('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    if (p.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(p.get('code_challenge') ?? ''))
      return back('invalid_request', 'PKCE with code_challenge_method S256 is required');
    if (!p.get('state')) return back('invalid_request', 'state is required');
    const scopes = (p.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.some((s) => !c.scopes.includes(s))) return back('invalid_scope', 'a requested scope is not allowed for this client');
    return { ok: { c, redirectUri } };
  }

  function signInPage(p: URLSearchParams, c: HostedLoginClient): string {
    const hidden = [...p.entries()]
      .filter(([k]) => k !== 'user')
      .map(([k, v]) => `<input type="hidden" name="${html(k)}" value="${html(v)}">`)
      .join('');
    const buttons = opts.users
      .map(
        (u) => `<li><button type="submit" name="user" value="${html(u.sub)}"><strong>${html(u.name)}</strong> <span>${html(u.role)} &middot; ${html(u.sub)}</span></button></li>`,
      )
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>Sign in to Lobby (local)</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111}ul{list-style:none;padding:0}li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.75rem 1rem;font:inherit;border:1px solid #555;border-radius:6px;background:#fff;cursor:pointer}button:focus,button:hover{background:#e8eefc;outline:2px solid #1d4ed8}
span{color:#444;font-size:.9em}</style></head><body><main><h1>Sign in to Lobby</h1>
<p>Local stand-in for Cognito managed login (client <code>${html(c.clientId)}</code>). Pick a demo user:</p>
<form method="post" action="/oauth2/authorize">${hidden}<ul>${buttons}</ul></form></main></body></html>`;
  }

  function issueCode(p: URLSearchParams, c: HostedLoginClient, redirectUri: string, user: HostedLoginUser): string {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: c.clientId,
      user,
      scope: (p.get('scope') ?? '').split(' ').filter(Boolean).join(' ') || c.scopes.join(' '),
      redirectUri,
      challenge: p.get('code_challenge')!,
      nonce: p.get('nonce') ?? undefined,
      expiresAt: now() + CODE_TTL_MS,
    });
    const url = new URL(redirectUri);
    url.searchParams.set('code', code);
    url.searchParams.set('state', p.get('state')!);
    return url.toString();
  }

  type Reply = { status: number; html: string } | { location: string };
  const errorPage = (text: string): Reply => ({
    status: 400,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sign-in error</title></head><body><p>${html(text)}</p></body></html>`,
  });

  function authorize(method: string, p: URLSearchParams): Reply {
    const checked = checkAuthorize(p);
    if ('page' in checked) return errorPage(checked.page);
    if ('redirect' in checked) return { location: checked.redirect };
    const { c, redirectUri } = checked.ok;
    if (method === 'GET') return { status: 200, html: signInPage(p, c) };
    const user = opts.users.find((u) => u.sub === p.get('user'));
    if (!user) return errorPage('Pick one of the listed users.');
    return { location: issueCode(p, c, redirectUri, user) };
  }

  function logout(p: URLSearchParams): Reply {
    const to = p.get('logout_uri') ?? '';
    if (!client(p.get('client_id'))?.logoutUrls.includes(to)) return errorPage('logout_uri is not a sign-out URL of this client.');
    return { location: to };
  }

  /** GET and POST /oauth2/authorize, GET /logout. Resolves false for any other request. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, body?: string): Promise<boolean> {
    let reply: Reply;
    if (url.pathname === '/oauth2/authorize' && (req.method === 'GET' || req.method === 'POST')) {
      reply = authorize(req.method, req.method === 'GET' ? url.searchParams : new URLSearchParams(body ?? ''));
    } else if (url.pathname === '/logout' && req.method === 'GET') {
      reply = logout(url.searchParams);
    } else {
      return false;
    }
    if ('location' in reply) res.writeHead(302, { location: reply.location, 'cache-control': 'no-store' }).end();
    else res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(reply.html);
    return true;
  }

  /** Browsers call the token endpoint from the console's origin: Cognito answers with CORS headers for it. */
  const corsOrigins = new Set(opts.clients.flatMap((c) => c.callbackUrls.map((u) => new URL(u).origin)));

  return { handle, grants, corsOrigins };
}

export type HostedLogin = ReturnType<typeof hostedLogin>;

/** The client id of a token request: HTTP Basic (id:secret, an empty secret for a public client) or the form's client_id. */
function tokenClientId(req: IncomingMessage, form: URLSearchParams): string | null {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) return Buffer.from(basic, 'base64').toString('utf8').split(':')[0] ?? null;
  return form.get('client_id');
}
