import type { ConsoleConfig } from '../config.ts';
import { jwtClaims, randomToken, s256 } from './pkce.ts';

/**
 * Sign-in with the authorization code grant and PKCE (S256), against Cognito managed login in AWS
 * and the local issuer under `npm start` (same endpoints, same parameters). Tokens live in this
 * tab's sessionStorage (a reload keeps the session, another tab or a closed browser does not) and
 * in memory; the access token is refreshed a minute before it expires, and a failed refresh sends
 * the browser to sign in again.
 */

export interface SessionUser {
  sub: string;
  name?: string;
  email?: string;
}

interface Tokens {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** epoch ms */
  expiresAt: number;
}

interface Pending {
  state: string;
  verifier: string;
  nonce: string;
  /** where to land after sign-in (path + query + hash) */
  returnTo: string;
}

export type SessionState = { status: 'signed-in'; user: SessionUser; accessToken: string } | { status: 'signed-out' } | { status: 'error'; message: string };

const TOKENS = 'lobby.console.tokens';
const PENDING = 'lobby.console.pending';
const SIGNED_OUT = 'lobby.console.signedOut';
/** refresh this long before `exp` */
const REFRESH_MARGIN_MS = 60_000;

let cfg: ConsoleConfig | undefined;
let tokens: Tokens | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<(state: SessionState) => void>();

/** The config startSession() was given (nothing here runs before it). */
function conf(): ConsoleConfig {
  if (!cfg) throw new Error('the session is used before startSession()');
  return cfg;
}

const redirectUri = () => `${window.location.origin}/`;

function read<T>(key: string): T | undefined {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function userOf(t: Tokens): SessionUser {
  const access = jwtClaims(t.accessToken);
  const id = t.idToken ? jwtClaims(t.idToken) : {};
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    sub: String(access.sub ?? id.sub),
    name: str(id.name) ?? str(id['cognito:username']) ?? str(access.username),
    email: str(id.email),
  };
}

function publish() {
  const state = current();
  for (const l of listeners) l(state);
}

function current(): SessionState {
  return tokens ? { status: 'signed-in', user: userOf(tokens), accessToken: tokens.accessToken } : { status: 'signed-out' };
}

function keep(next: Tokens) {
  tokens = next;
  sessionStorage.setItem(TOKENS, JSON.stringify(next));
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => signIn()), Math.max(0, next.expiresAt - REFRESH_MARGIN_MS - Date.now()));
  publish();
}

async function tokenRequest(form: Record<string, string>): Promise<Tokens> {
  const res = await fetch(conf().auth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: conf().auth.clientId, ...form }),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.access_token !== 'string') throw new Error(`sign-in failed: ${String(body.error ?? res.status)}`);
  return {
    accessToken: body.access_token,
    idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    // A refresh answer carries no new refresh token (Cognito without rotation): keep the old one.
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : form.refresh_token,
    expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
  };
}

async function refresh(): Promise<void> {
  if (!tokens?.refreshToken) throw new Error('no refresh token');
  keep(await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }));
}

/** Leaves for the sign-in page; the promise never settles (the page unloads). */
export async function signIn(returnTo = window.location.pathname + window.location.search + window.location.hash): Promise<never> {
  const pending: Pending = { state: randomToken(), verifier: randomToken(48), nonce: randomToken(), returnTo };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  sessionStorage.removeItem(SIGNED_OUT);
  const url = new URL(conf().auth.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: conf().auth.clientId,
    redirect_uri: redirectUri(),
    scope: conf().auth.scopes.join(' '),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await s256(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
  return new Promise<never>(() => {});
}

/** Forgets the tokens here and ends the managed-login session too (its cookie would sign the next person straight in). */
export function signOut(): void {
  tokens = undefined;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(TOKENS);
  sessionStorage.setItem(SIGNED_OUT, '1');
  const url = new URL(conf().auth.logoutUrl);
  url.search = new URLSearchParams({ client_id: conf().auth.clientId, logout_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}

/** The access token for the API's Authorization header ('' when signed out). Kept fresh by a timer. */
export function getAccessToken(): string {
  return tokens?.accessToken ?? '';
}

export function subscribe(listener: (state: SessionState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function completeSignIn(params: URLSearchParams): Promise<SessionState> {
  const pending = read<Pending>(PENDING);
  sessionStorage.removeItem(PENDING);
  // One code, one try: drop it from the address bar whatever happens next.
  window.history.replaceState(null, '', pending?.returnTo ?? '/');
  if (params.get('error')) return { status: 'error', message: `Sign-in was refused: ${params.get('error_description') ?? params.get('error')}` };
  if (!pending || params.get('state') !== pending.state) return { status: 'error', message: 'This sign-in answer does not belong to this tab (state mismatch). Sign in again.' };
  const got = await tokenRequest({ grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: redirectUri(), code_verifier: pending.verifier });
  if (got.idToken && jwtClaims(got.idToken).nonce !== pending.nonce)
    return { status: 'error', message: 'The ID token does not answer this sign-in (nonce mismatch). Sign in again.' };
  keep(got);
  return current();
}

/**
 * Called once before the app renders: finishes a sign-in that came back to the callback URL,
 * or picks up this tab's tokens (refreshing them if needed), or sends the browser to sign in.
 * Resolves 'signed-out' only right after signOut() (the page then offers to sign in again).
 */
export async function startSession(config: ConsoleConfig): Promise<SessionState> {
  cfg = config;
  document.addEventListener('visibilitychange', () => {
    // Timers sleep with the laptop: check again when the tab comes back.
    if (document.visibilityState === 'visible' && tokens && tokens.expiresAt - REFRESH_MARGIN_MS < Date.now()) void refresh().catch(() => signIn());
  });
  const params = new URLSearchParams(window.location.search);
  if (params.has('code') || params.has('error')) {
    try {
      return await completeSignIn(params);
    } catch (error) {
      return { status: 'error', message: (error as Error).message };
    }
  }
  const stored = read<Tokens>(TOKENS);
  if (stored) {
    if (stored.expiresAt - REFRESH_MARGIN_MS > Date.now()) {
      keep(stored);
      return current();
    }
    tokens = stored;
    try {
      await refresh();
      return current();
    } catch {
      tokens = undefined;
      sessionStorage.removeItem(TOKENS);
    }
  }
  if (sessionStorage.getItem(SIGNED_OUT)) return { status: 'signed-out' };
  return signIn();
}
