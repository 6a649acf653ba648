import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { handlerFile } from '../functions/http/handler-files.ts';

/**
 * Runs a Lambda handler module in this process, as Lambda would: the same file CDK
 * bundles, loaded once (so module scope is a warm container), called with an event
 * and a context.
 *
 * Unlike Lambda, every function runs in this one process, at the same time and sharing
 * module scope (the one Powertools logger). So the runtime does what Lambda's runtime
 * does for concurrent invocations in one environment (Managed Instances): each call runs
 * in its own InvokeStore context (AsyncLocalStorage, `globalThis.awslambda.InvokeStore`),
 * and with AWS_LAMBDA_MAX_CONCURRENCY set Powertools keeps each invocation's Lambda context
 * (function name, request id) there instead of in the shared logger, where concurrent calls
 * overwrote each other's. Cold start is per function: the runtime records whether this is
 * the function's first call (LOCAL_COLD_START, read by functions/http/observability.ts).
 */
const functionsDir = join(import.meta.dirname, '..', 'functions');
type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<string, Promise<Handler>>();

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
/** The key functions/http/observability.ts reads; Symbol.for so neither imports the other. */
export const LOCAL_COLD_START = Symbol.for('lobby.local.coldStart');

/** The runtime's per-invocation store (the contract of @aws/lambda-invoke-store's InvokeStoreMulti). */
class LocalInvokeStore {
  readonly #als = new AsyncLocalStorage<Record<symbol | string, unknown>>();
  /** Outside any invocation (module scope of a handler): one shared context, as Lambda's init phase has. */
  readonly #outside: Record<symbol | string, unknown> = {};
  getContext() {
    return this.#als.getStore();
  }
  hasContext() {
    return this.#als.getStore() !== undefined;
  }
  get(key: symbol | string) {
    return (this.#als.getStore() ?? this.#outside)[key];
  }
  set(key: symbol | string, value: unknown) {
    (this.#als.getStore() ?? this.#outside)[key] = value;
  }
  run<T>(context: Record<symbol | string, unknown>, fn: () => T): T {
    return this.#als.run(context, fn);
  }
  getRequestId() {
    return (this.get(REQUEST_ID) as string | undefined) ?? '-';
  }
  getXRayTraceId() {
    return undefined;
  }
  getTenantId() {
    return undefined;
  }
}

const lambdaGlobal = globalThis as { awslambda?: { InvokeStore?: unknown } };
lambdaGlobal.awslambda ??= {};
lambdaGlobal.awslambda.InvokeStore = new LocalInvokeStore();
const invokeStore = lambdaGlobal.awslambda.InvokeStore as LocalInvokeStore;
// Powertools reads both per call: the store is used when this is set; cold start only counts on demand.
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
process.env.AWS_LAMBDA_INITIALIZATION_TYPE ??= 'on-demand';

function lambdaContext(fn: string, awsRequestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `lobby-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:lobby-${fn}`,
    memoryLimitInMB: '512',
    awsRequestId,
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
  const coldStart = handler === undefined;
  if (!handler) {
    handler = import(join(functionsDir, handlerFile(fn))).then((m) => m.handler as Handler);
    loaded.set(fn, handler);
  }
  const run = await handler;
  const awsRequestId = randomUUID();
  return (await invokeStore.run({ [REQUEST_ID]: awsRequestId, [LOCAL_COLD_START]: coldStart }, () => run(event, lambdaContext(fn, awsRequestId)))) as T;
}
