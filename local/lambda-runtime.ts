import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { handlerFile } from '../functions/http/handler-files.ts';

/**
 * Runs a Lambda handler module in this process, as Lambda would: the same file CDK
 * bundles, loaded once (so module scope is a warm container), called with an event
 * and a context.
 */
const functionsDir = join(import.meta.dirname, '..', 'functions');
type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<string, Promise<Handler>>();

function lambdaContext(fn: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `lobby-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:lobby-${fn}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/lobby-${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export async function invokeLambda<T = unknown>(fn: string, event: unknown): Promise<T> {
  let handler = loaded.get(fn);
  if (!handler) {
    handler = import(join(functionsDir, handlerFile(fn))).then((m) => m.handler as Handler);
    loaded.set(fn, handler);
  }
  return (await (
    await handler
  )(event, lambdaContext(fn))) as T;
}
