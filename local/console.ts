import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { consoleSourceHash, REPO_ROOT, viteBuildCommand } from '../lib/console-build.ts';
import { CONSOLE_REFERRER_POLICY, consoleCsp } from '../lib/console-policy.ts';
import type { HostedLoginUser } from './cognito/hosted-login.ts';
import { listen } from './listen.ts';
import { DEMO_USERS } from './seed.ts';

/**
 * The Lobby Console under `npm start`: the same production build CloudFront serves (vite build),
 * from its own port, with a runtime /config.json pointing at the local API and the local hosted
 * login, and the same security headers as CloudFront's response headers policy.
 */
/** The console's port is the port base + 8 (the stack's own ports are base+0..6). */
export const CONSOLE_PORT_OFFSET = 8;
export const CONSOLE_SCOPES = ['openid', 'email', 'profile'];

/** Who the local sign-in page offers: the seeded demo users (local/seed.ts). */
export const DEMO_SIGN_IN: HostedLoginUser[] = [
  { sub: DEMO_USERS.admin, name: 'Demo Admin', role: 'Admin of Demo Tower' },
  { sub: DEMO_USERS.staff, name: 'Demo Staff', role: 'Staff at Demo Tower' },
  { sub: DEMO_USERS.resident, name: 'Riley Resident', role: 'Resident, unit 4B' },
  { sub: DEMO_USERS.operator, name: 'Demo Operator', role: 'Platform operator' },
];

/**
 * Builds the console once per version of its sources into a cache shared by every local stack
 * (npm start, each test run): built in a private directory, then renamed into place, so stacks
 * starting at the same time never serve a half-written build. LOBBY_CONSOLE_DIST serves a prebuilt one.
 */
export async function ensureConsoleBuilt(onBuild?: () => void): Promise<string> {
  if (process.env.LOBBY_CONSOLE_DIST) return resolve(process.env.LOBBY_CONSOLE_DIST);
  const cache = join(REPO_ROOT, 'node_modules', '.cache', 'lobby-console');
  const dist = join(cache, consoleSourceHash());
  if (existsSync(join(dist, 'index.html'))) return dist;
  onBuild?.();
  const tmp = `${dist}.tmp-${process.pid}`;
  await mkdir(cache, { recursive: true });
  const build = viteBuildCommand(tmp);
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((done) => {
    const child = spawn(build.command, build.args, { cwd: build.cwd, env: build.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    child.on('exit', done);
  });
  if (code !== 0) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`the console did not build (vite build exited ${code}):\n${Buffer.concat(output).toString().slice(-2000)}`);
  }
  // Another stack may have finished the same build first: keep theirs.
  await rename(tmp, dist).catch(() => rm(tmp, { recursive: true, force: true }));
  return dist;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleServerOptions {
  port: number;
  dist: string;
  /** written as /config.json (console/src/config.ts) */
  config: { apiUrl: string; auth: { authorizeUrl: string; tokenUrl: string; logoutUrl: string; clientId: string; scopes: string[] } };
  photoOrigins: string[];
}

export async function startConsoleServer(opts: ConsoleServerOptions) {
  const csp = consoleCsp({ apiUrl: opts.config.apiUrl, authOrigin: new URL(opts.config.auth.tokenUrl).origin, photoOrigins: opts.photoOrigins });
  const security = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': CONSOLE_REFERRER_POLICY, 'x-frame-options': 'DENY' };
  const configJson = JSON.stringify(opts.config);
  const root = resolve(opts.dist);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (url.pathname === '/config.json') return void res.writeHead(200, { ...security, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(configJson);
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    const inside = file.startsWith(root + sep);
    const found = inside && (await stat(file).catch(() => undefined))?.isFile();
    // A path without a file is a page of the app (client-side routing): index.html, as CloudFront's error response does.
    const served = found ? file : extname(url.pathname) ? undefined : join(root, 'index.html');
    if (!served) return void res.writeHead(404, { ...security, 'content-type': 'text/plain' }).end('Not Found');
    const cache = served.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res
      .writeHead(200, { ...security, 'content-type': TYPES[extname(served)] ?? 'application/octet-stream', 'cache-control': cache })
      .end(req.method === 'HEAD' ? undefined : await readFile(served));
  });
  await listen(server, opts.port, 'console');
  return {
    url: `http://127.0.0.1:${opts.port}`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
