import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LocalStackInfo } from '../../local/stack.ts';
import { isPortFree } from '../../local/listen.ts';

/**
 * The real local stack (DynamoDB Local, S3 emulator, MQTT/IoT stand-in, the local API
 * Gateway running the Lambda handlers) as a child process, exactly like `npm start`,
 * with its output captured in a log file. Used by the test suite's global setup and by
 * `npm run bench`.
 */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A free block of ports (the stack uses base+0.. and keeps the rest of the ten free), so several suites (or an `npm start`) can run side by side. */
export async function freePortBase(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 2_000) * 10;
    const free = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => isPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port block found on 127.0.0.1');
}

export interface StackProcessOptions {
  /** the stack's state directory (`--home`); local.json is read from here */
  home: string;
  portBase: number;
  /** where the child's stdout and stderr go */
  logFile: string;
  /** on top of this process's environment */
  env?: Record<string, string>;
  /** DynamoDB Local without a database file (default true) */
  inMemory?: boolean;
  /** default 120 s */
  startTimeoutMs?: number;
}

export interface StackProcess {
  info: LocalStackInfo;
  home: string;
  logFile: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s */
  stop(): Promise<void>;
}

export async function startStackProcess(opts: StackProcessOptions): Promise<StackProcess> {
  await mkdir(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile);
  const args = ['--import', 'tsx', resolve(REPO_ROOT, 'local', 'start.ts'), '--home', opts.home, '--port-base', String(opts.portBase), '--quiet'];
  if (opts.inMemory ?? true) args.push('--in-memory');
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...opts.env },
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error(`local stack did not start in ${timeoutMs / 1000} s; see ${opts.logFile}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('local stack ready')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', async (code) => {
      clearTimeout(timer);
      const tail = (await readFile(opts.logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
      failed(new Error(`local stack exited with ${code} before it was ready:\n${tail}`));
    });
  }).catch(async (error) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  });
  const info = JSON.parse(await readFile(resolve(opts.home, 'local.json'), 'utf8')) as LocalStackInfo;
  return {
    info,
    home: opts.home,
    logFile: opts.logFile,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
