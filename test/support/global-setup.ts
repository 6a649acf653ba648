import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePortBase, startStackProcess, type StackProcess } from './stack-process.ts';

/**
 * Starts the real local stack (DynamoDB Local, S3 emulator, MQTT/IoT stand-in, the
 * local API Gateway running the Lambda handlers) once for the whole suite, as a
 * child process exactly like `npm start`, with its output captured in a log file
 * that the no-secrets-in-logs test reads.
 */
let stack: StackProcess | undefined;
let TEST_HOME = '';

export async function setup(project: TestProject) {
  const TEST_PORT_BASE = await freePortBase();
  TEST_HOME = resolve('.lobby-test', `run-${TEST_PORT_BASE}`);
  const STACK_LOG = resolve(TEST_HOME, 'logs', 'stack.log');
  await rm(TEST_HOME, { recursive: true, force: true });
  stack = await startStackProcess({ home: TEST_HOME, portBase: TEST_PORT_BASE, logFile: STACK_LOG, env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', LOBBY_RECONCILE_SECONDS: '5' } });
  project.provide('stack', stack.info);
  project.provide('testHome', TEST_HOME);
  project.provide('stackLog', STACK_LOG);
}

export async function teardown() {
  await stack?.stop();
  if (TEST_HOME && !process.env.LOBBY_KEEP_TEST_STATE) await rm(TEST_HOME, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('../../local/stack.ts').LocalStackInfo;
    testHome: string;
    stackLog: string;
  }
}
