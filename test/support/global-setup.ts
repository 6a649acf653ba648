import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Starts the real local stack (DynamoDB Local, S3 emulator, MQTT/IoT stand-in, the
 * local API Gateway running the Lambda handlers) once for the whole suite, as a
 * child process exactly like `npm start`, with its output captured in a log file
 * that the no-secrets-in-logs test reads.
 */
export const TEST_HOME = resolve('.lobby-test');
export const TEST_PORT_BASE = 4800;
export const STACK_LOG = resolve(TEST_HOME, 'logs', 'stack.log');

let child: ChildProcess | undefined;

export async function setup(project: TestProject) {
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
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child!.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('../../local/stack.ts').LocalStackInfo;
    testHome: string;
    stackLog: string;
  }
}
