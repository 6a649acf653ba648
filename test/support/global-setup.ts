import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Starts the real local stack (DynamoDB Local, S3 emulator, MQTT/IoT stand-in, the
 * local API Gateway running the Lambda handlers) once for the whole suite, as a
 * child process exactly like `npm start`, with its output captured in a log file
 * that the no-secrets-in-logs test reads.
 */
let child: ChildProcess | undefined;
let TEST_HOME = '';

/** A free block of five ports, so several suites (or an `npm start`) can run side by side. */
async function freePortBase(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 2_000) * 10;
    const free = await Promise.all([0, 1, 2, 3, 4].map((i) => new Promise<boolean>((done) => {
      const probe = createServer().once('error', () => done(false));
      probe.listen(base + i, '127.0.0.1', () => probe.close(() => done(true)));
    })));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port block found on 127.0.0.1');
}

export async function setup(project: TestProject) {
  const TEST_PORT_BASE = await freePortBase();
  TEST_HOME = resolve('.lobby-test', `run-${TEST_PORT_BASE}`);
  const STACK_LOG = resolve(TEST_HOME, 'logs', 'stack.log');
  await rm(TEST_HOME, { recursive: true, force: true });
  await mkdir(resolve(TEST_HOME, 'logs'), { recursive: true });
  const log = createWriteStream(STACK_LOG);
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--home', TEST_HOME, '--port-base', String(TEST_PORT_BASE), '--quiet', '--in-memory'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error(`local stack did not start in 120 s; see ${STACK_LOG}`)), 120_000);
    child!.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('local stack ready')) { clearTimeout(timer); ready(); }
    });
    child!.once('exit', async (code) => {
      clearTimeout(timer);
      const tail = (await readFile(STACK_LOG, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
      failed(new Error(`local stack exited with ${code} before it was ready:\n${tail}`));
    });
  });
  project.provide('stack', JSON.parse(await readFile(resolve(TEST_HOME, 'local.json'), 'utf8')));
  project.provide('testHome', TEST_HOME);
  project.provide('stackLog', STACK_LOG);
}

export async function teardown() {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (TEST_HOME && !process.env.LOBBY_KEEP_TEST_STATE) await rm(TEST_HOME, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('../../local/stack.ts').LocalStackInfo;
    testHome: string;
    stackLog: string;
  }
}
