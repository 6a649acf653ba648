import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, stack } from '../support/api.ts';
import { closeBrowser, consoleUrl, launchBrowser, newConsoleContext, openConsole, pickUser, saveScreenshot } from './support.ts';

/*
 * Signing in to the console (issue 13 item 2) in headless Chromium against the suite's local stack:
 * the console sends the browser to the local hosted login (Cognito managed login's flow: code +
 * PKCE S256, state, nonce), comes back signed in, keeps the session over a reload, signs out; the
 * token endpoint refuses a wrong code_verifier; a resident gets the resident menu only.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => closeBrowser(browser));

const TOKENS = 'lobby.console.tokens';
/** In the page: this tab's stored tokens (console/src/auth/session.ts), or null. */
const storedTokens = (key: string) => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(key);

describe('console sign-in (browser)', () => {
  it('console -> local sign-in page -> admin -> signed in; a reload keeps the session; sign out -> signed out', async () => {
    const c = await newConsoleContext(browser);
    const { page } = c;
    await page.goto(consoleUrl());
    // Sent to the hosted login with a PKCE S256 authorization request for the console's client.
    await page.waitForURL((url) => url.pathname === '/oauth2/authorize');
    const request = new URL(page.url());
    expect(request.origin).toBe(new URL(stack().hostedLoginUrl).origin);
    expect(Object.fromEntries(request.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'lobby-local-console',
      redirect_uri: `${consoleUrl()}/`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    expect(request.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('heading', { name: 'Sign in to Lobby' }).waitFor();
    expect(await page.getByRole('button').allInnerTexts()).toEqual([
      expect.stringContaining('demo-admin'),
      expect.stringContaining('demo-staff'),
      expect.stringContaining('demo-resident'),
      expect.stringContaining('demo-operator'),
    ]);
    await saveScreenshot(page, 'console-sign-in');

    await pickUser(page, 'admin');
    // Back in the console, signed in: the property's name shows, and the code is gone from the address bar.
    await page.getByText('Demo Tower').first().waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByRole('button', { name: /sign out/i }).waitFor();
    expect(await page.evaluate(storedTokens, TOKENS)).toContain('accessToken');

    // A reload keeps the session: no trip to the sign-in page.
    const visited: string[] = [];
    page.on('framenavigated', (frame) => visited.push(frame.url()));
    await page.reload();
    await page.getByText('Demo Tower').first().waitFor();
    expect(visited.filter((u) => u.includes('/oauth2/authorize'))).toEqual([]);

    await page.getByRole('button', { name: /sign out/i }).click();
    await page.getByRole('heading', { name: 'You are signed out of Lobby' }).waitFor();
    expect(new URL(page.url()).origin).toBe(consoleUrl());
    expect(await page.evaluate(storedTokens, TOKENS)).toBeNull();
    // Signing in again goes back to the sign-in page.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/oauth2/authorize');

    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('a resident signing in sees only the resident menu', async () => {
    const c = await openConsole(browser, { as: 'resident' });
    const nav = c.page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link').first().waitFor();
    expect((await nav.getByRole('link').allInnerTexts()).sort()).toEqual(['Calls', 'Packages', 'Passes']);
    expect(await c.page.getByText('Delivery Authorizations').count()).toBe(0);
    expect(c.errors).toEqual([]);
    await c.close();
  });
});

/** The authorization request a browser would make, done with fetch: the sign-in page's form posted for a demo user. */
async function authorize(verifier: string, user = 'demo-admin') {
  const params = {
    response_type: 'code',
    client_id: 'lobby-local-console',
    redirect_uri: `${consoleUrl()}/`,
    scope: 'openid email profile',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  const base = stack().hostedLoginUrl;
  const page = await fetch(`${base}/oauth2/authorize?${new URLSearchParams(params)}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(user);
  const res = await fetch(`${base}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, user }),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(`${consoleUrl()}/`);
  expect(back.searchParams.get('state')).toBe(params.state);
  return { code: back.searchParams.get('code')!, nonce: params.nonce };
}

const token = (form: Record<string, string>) =>
  fetch(stack().tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl() },
    body: new URLSearchParams({ client_id: 'lobby-local-console', redirect_uri: `${consoleUrl()}/`, ...form }),
  });

describe('the local hosted login (plain HTTP, as Cognito answers)', () => {
  it('a wrong code_verifier gets 400 invalid_grant, and the code is spent', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code } = await authorize(verifier);
    const wrong = await token({ grant_type: 'authorization_code', code, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant' });
    // One try per code: the right verifier after a wrong one gets nothing either.
    const again = await token({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
  });

  it('the right verifier: access, ID and refresh tokens (CORS for the console origin); the access token calls the API; refresh works; a code works once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code, nonce } = await authorize(verifier);
    const res = await token({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(consoleUrl());
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; id_token: string; refresh_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    expect(claims(body.access_token)).toMatchObject({ client_id: 'lobby-local-console', token_use: 'access', sub: 'demo-admin', scope: 'openid email profile' });
    expect(claims(body.id_token)).toMatchObject({ aud: 'lobby-local-console', token_use: 'id', nonce, sub: 'demo-admin' });
    expect((await call('GET', `/properties/${stack().propertyId}`, { token: body.access_token })).status).toBe(200);

    const replay = await token({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(replay.status).toBe(400);

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token?: string };
    expect(next.refresh_token).toBeUndefined();
    expect((await call('GET', `/properties/${stack().propertyId}`, { token: next.access_token })).status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' })).status).toBe(400);
  });

  it('the authorization request is checked: PKCE S256 required, exact redirect URI, known client; logout only to a sign-out URL', async () => {
    const base = stack().hostedLoginUrl;
    const good = {
      response_type: 'code',
      client_id: 'lobby-local-console',
      redirect_uri: `${consoleUrl()}/`,
      state: 's',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'S256',
    };
    const get = (p: Record<string, string>) => fetch(`${base}/oauth2/authorize?${new URLSearchParams(p)}`, { redirect: 'manual' });
    expect((await get(good)).status).toBe(200);
    // Without PKCE, or plain: back to the client with invalid_request.
    for (const p of [{ code_challenge_method: 'plain' }, { code_challenge: '' }]) {
      const res = await get({ ...good, ...p });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    }
    // A redirect URI that is not exactly the callback URL, or another client: shown here, never redirected.
    for (const p of [{ redirect_uri: `${consoleUrl()}/evil` }, { redirect_uri: 'https://attacker.example/' }, { client_id: 'someone-else' }]) {
      const res = await get({ ...good, ...p });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
    const logout = (uri: string) => fetch(`${base}/logout?${new URLSearchParams({ client_id: 'lobby-local-console', logout_uri: uri })}`, { redirect: 'manual' });
    expect((await logout(`${consoleUrl()}/`)).headers.get('location')).toBe(`${consoleUrl()}/`);
    expect((await logout('https://attacker.example/')).status).toBe(400);
  });

  it('the console is served with config.json and the security headers CloudFront sends', async () => {
    const config = await fetch(`${consoleUrl()}/config.json`);
    expect(await config.json()).toEqual({
      apiUrl: stack().apiUrl,
      auth: {
        authorizeUrl: `${stack().hostedLoginUrl}/oauth2/authorize`,
        tokenUrl: stack().tokenUrl,
        logoutUrl: `${stack().hostedLoginUrl}/logout`,
        clientId: 'lobby-local-console',
        scopes: ['openid', 'email', 'profile'],
      },
    });
    const index = await fetch(`${consoleUrl()}/delivery-pins`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${stack().apiUrl} ${new URL(stack().tokenUrl).origin}`);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    // The API answers the console's origin (CORS) and no other.
    const preflight = (origin: string) =>
      fetch(`${stack().apiUrl}/properties/${stack().propertyId}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight(consoleUrl())).headers.get('access-control-allow-origin')).toBe(consoleUrl());
    expect((await preflight('http://127.0.0.1:1')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
