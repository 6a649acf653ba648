import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { DEMO_USERS } from '../../local/seed.ts';

/**
 * The browser-test harness for the Lobby Console: Debian's headless Chromium (package
 * chromium-headless-shell; .ci/run installs it) driven by playwright-core, against the console the
 * suite's local stack serves (local.json consoleUrl), signed in through the local hosted login as
 * one of the demo users. Usage (one browser per file):
 *
 *   let browser: Browser;
 *   beforeAll(async () => { browser = await launchBrowser(); });
 *   afterAll(() => browser?.close());
 *   test('...', async () => {
 *     const c = await openConsole(browser, { as: 'admin' });   // signed in, the app rendered
 *     await c.page.getByRole('link', { name: 'Delivery Authorizations' }).click();
 *     ...
 *     await saveScreenshot(c.page, 'delivery-authorizations');
 *     expect(c.errors).toEqual([]);                             // no console errors
 *     await c.close();
 *   });
 */

export type DemoRole = keyof typeof DEMO_USERS;

const KNOWN_PATHS = ['/usr/bin/chromium-headless-shell', '/usr/lib/chromium/headless_shell', '/usr/bin/chromium'];

/** The headless Chromium binary: CHROMIUM_PATH, else chromium-headless-shell on the PATH, else the Debian paths. */
export function chromiumExecutable(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium-headless-shell');
    if (dir && existsSync(candidate)) return candidate;
  }
  const found = KNOWN_PATHS.find((p) => existsSync(p));
  if (!found) throw new Error('no headless Chromium found: apt-get install -y chromium-headless-shell (.ci/run does), or set CHROMIUM_PATH');
  return found;
}

/**
 * Flags for this closed network and a root CI user: no sandbox (root), no GPU, and none of
 * Chromium's own background connections (component updates, sync, field trials), which the
 * network refuses many at a time.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
  '--no-first-run',
  '--no-default-browser-check',
];

/** One browser per test file. playwright-core's launch gives it a fresh, empty user-data-dir of its own (and removes it on close). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
}

export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  await browser?.close();
}

export const consoleUrl = () => inject('stack').consoleUrl;

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught exceptions seen on every page of this context, in order */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context (its own sessionStorage and cookies) that collects console errors from every page. */
export async function newConsoleContext(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught ${error.message}`));
  };
  context.on('page', watch);
  const page = await context.newPage();
  return { page, context, errors, close: () => context.close() };
}

/** On the local sign-in page: pick a demo user; resolves once the browser is back at the console. */
export async function pickUser(page: Page, as: DemoRole): Promise<void> {
  await page.getByRole('button', { name: new RegExp(DEMO_USERS[as]) }).click();
  await page.waitForURL((url) => url.origin === new URL(consoleUrl()).origin && !url.searchParams.has('code'));
}

/**
 * Opens the console (at `path`, default /) as a demo user: the console sends the browser to the
 * local sign-in page, the user is picked, and the console comes back signed in. Resolves when the
 * app has rendered (the sign-out button is visible).
 */
export async function openConsole(browser: Browser, opts: { as: DemoRole; path?: string }): Promise<ConsolePage> {
  const c = await newConsoleContext(browser);
  await c.page.goto(new URL(opts.path ?? '/', consoleUrl()).toString());
  await c.page.waitForURL((url) => url.pathname === '/oauth2/authorize');
  await pickUser(c.page, opts.as);
  await c.page.getByRole('button', { name: /sign out/i }).waitFor();
  return c;
}

/** Where screenshots go: LOBBY_SCREENSHOTS_DIR (e.g. docs/screenshots for the README), else the test run's state directory. */
export function screenshotDir(): string {
  return resolve(process.env.LOBBY_SCREENSHOTS_DIR ?? join(inject('testHome'), 'screenshots'));
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotDir();
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
