import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { loadStores } from '../adapters/stores.ts';
import { pathId, userId } from '../schemas/common.ts';
import type { Stores } from '../domain/stores.ts';
import { admitsCaller } from '../domain/access.ts';
import { callerFromEvent, type Caller } from './caller.ts';
import { idempotentCreate } from './idempotency.ts';
import { count, logger, metrics } from './observability.ts';
import { badRequest, knownProblem, Problem, unauthorized } from './problem.ts';
import { pathParamNames, routeKey, type BodyOf, type FunctionName, type PathParams, type QueryOf, type Route } from './route.ts';
// Types only: the table's values (every function's schemas) are not loaded by a Lambda.
import type { RoutesOf } from './routes.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** What an operation gets: the caller, the stores, and its route's path, query and body as the shell validated them. */
export interface ApiRequest<R extends Route> {
  caller: Caller;
  params: PathParams<R['path']>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  headers: Record<string, string | undefined>;
  stores: Stores;
}
export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type Operation<R extends Route> = (request: ApiRequest<R>) => Promise<ApiResult>;
export type PublicOperation = () => Promise<ApiResult>;
/** One operation per route of the function, keyed by operationId: a missing or extra one is a type error. */
export type Operations<F extends FunctionName> = {
  [R in RoutesOf<F> as R['operationId']]: R extends { auth: 'none' } ? PublicOperation : Operation<R>;
};
/**
 * The shell's side of an operation: which route matched is known only at run time,
 * so here the validated values are plain. They were parsed by exactly the schemas
 * that `Operations<F>` types them from (both come from the same route entry).
 */
interface ShellRequest extends Omit<ApiRequest<Route>, 'params' | 'query' | 'body'> {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
}
type ShellOperation = (request: ShellRequest) => Promise<ApiResult>;

const zodErrors = (error: z.ZodError) => error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string): T | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`The ${what} is not valid`, zodErrors(result.error));
  return result.data;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const notUtf8 = () => badRequest('The body is not valid UTF-8', [{ path: '(root)', message: 'must be UTF-8 encoded JSON' }]);

/**
 * The body as text, refusing invalid UTF-8 instead of silently replacing it. A
 * string body was already decoded upstream (API Gateway, the local gateway), where
 * invalid bytes become U+FFFD: a raw U+FFFD is refused too (a client who means
 * that character can send it escaped, \ufffd, which JSON.parse still accepts).
 */
function bodyText(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  if (event.body === undefined || event.body === null) return '';
  if (!event.isBase64Encoded) {
    if (event.body.includes('\uFFFD') || !event.body.isWellFormed()) throw notUtf8();
    return event.body;
  }
  try {
    return strictUtf8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw notUtf8();
  }
}

function readBody(event: APIGatewayProxyEventV2WithJWTAuthorizer, route: Route): unknown {
  if (!route.body) return undefined;
  const raw = bodyText(event);
  const maxBytes = route.maxBodyBytes ?? MAX_BODY_BYTES;
  if (Buffer.byteLength(raw) > maxBytes) {
    throw new Problem(413, 'too-large', 'Request body too large', `A request body may be at most ${maxBytes} bytes`);
  }
  const contentType = event.headers?.['content-type'] ?? '';
  if (raw.length > 0 && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json');
  }
  if (raw.trim().length === 0) throw badRequest('A JSON body is required');
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('The body is not valid JSON');
  }
}

const json = (status: number, body: unknown, contentType = 'application/json', extra: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
  statusCode: status,
  headers: { 'content-type': contentType, 'cache-control': 'no-store', ...extra },
  body: body === undefined ? '' : JSON.stringify(body),
});

export function problemResponse(problem: Problem): APIGatewayProxyResultV2 {
  return json(problem.status, problem.toBody(), 'application/problem+json', problem.headers);
}

const RETRY_AFTER_SECONDS = 2;
const throttled = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // Our own deadline on a table call (adapters/lobby-table.ts) ran out.
  'AbortError',
]);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * An AWS dependency that is down, unreachable or throttling us (after the SDK's own
 * retries): the client should retry later, so 503 with Retry-After, not 500. A
 * transaction cancelled only for throttling counts too.
 */
function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; cause?: unknown; $metadata?: { httpStatusCode?: number }; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name && throttled.has(e.name)) return true;
  // Powertools idempotency wraps its persistence layer's errors.
  if (e.cause && e.cause !== error && isUnavailable(e.cause)) return true;
  if (e.code && networkCodes.has(e.code)) return true;
  if (e.$metadata?.httpStatusCode === 503 || e.$metadata?.httpStatusCode === 429) return true;
  const reasons = e.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : [];
  return reasons.some((r) => r.Code === 'ThrottlingError') && reasons.every((r) => r.Code === 'ThrottlingError' || r.Code === 'None');
}

function asProblem(error: unknown): Problem {
  // Problems the shell threw, and the domain's own refusals (DomainError).
  const known = knownProblem(error);
  if (known) return known;
  if (isUnavailable(error)) {
    logger.warn('dependency unavailable', { errorName: (error as Error).name, code: (error as { code?: string }).code });
    return new Problem(
      503,
      'unavailable',
      'Service unavailable',
      'A service we depend on is unreachable or busy; retry shortly',
      {},
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
  // Only the error's class is logged: messages from lower layers may quote input.
  logger.error('unhandled error', { errorName: (error as Error)?.name ?? typeof error });
  return new Problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged');
}

/** The route's path parameters, each a well-formed id (a user id like move-in's body). */
function pathParams(event: APIGatewayProxyEventV2WithJWTAuthorizer, route: Route): Record<string, string> {
  const shape = Object.fromEntries(pathParamNames(route.path).map((name) => [name, name === 'userId' ? userId : pathId]));
  return parse(z.strictObject(shape), event.pathParameters ?? {}, 'path') as Record<string, string>;
}

/** Caller, path, query, body, then the operation: idempotently for creates that carry an Idempotency-Key. */
async function runAuthenticated(event: APIGatewayProxyEventV2WithJWTAuthorizer, route: Route, operation: ShellOperation, context?: Context): Promise<ApiResult> {
  const caller = callerFromEvent(event);
  if (!caller) throw unauthorized();
  admitsCaller(caller, route.scopes);
  const params = pathParams(event, route);
  const query = parse(route.query ?? z.strictObject({}), event.queryStringParameters ?? {}, 'query string');
  const body = parse(route.body, readBody(event, route), 'request body');
  const request: ShellRequest = { caller, params, query, body, headers: event.headers ?? {}, stores: await loadStores() };
  const key = route.idempotent ? event.headers?.['idempotency-key'] : undefined;
  if (key === undefined) return operation(request);
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw badRequest('The Idempotency-Key header is not valid', [{ path: 'headers.idempotency-key', message: 'must be 1-128 visible ASCII characters' }]);
  }
  return idempotentCreate(request.stores.vault, () => operation(request), { key, userId: caller.userId, routeKey: event.routeKey, params, body }, context);
}

/**
 * The thin HTTP shell every API Lambda shares: find the route by routeKey, require
 * a caller, validate query and body against the route's schemas, run the
 * operation (idempotently for creates with an Idempotency-Key), and render the
 * result or an RFC 9457 problem.
 */
export function httpHandler<F extends FunctionName>(fn: F, ownRoutes: readonly NoInfer<RoutesOf<F>>[], typedOperations: NoInfer<Operations<F>>) {
  // Erased once here: the route found at run time picks the operation (see ShellRequest).
  const operations = typedOperations as Record<string, ShellOperation | PublicOperation | undefined>;
  const run = async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context?: Context): Promise<APIGatewayProxyResultV2> => {
    const started = Date.now();
    const route: Route | undefined = ownRoutes.find((r) => routeKey(r) === event.routeKey);
    let status = 500;
    try {
      if (!route || route.fn !== fn) throw new Problem(404, 'no-route', 'Not found', 'No such route');
      const operation = operations[route.operationId];
      if (!operation) throw new Error(`operation ${route.operationId} missing in ${fn}`);
      const result = route.auth === 'none' ? await (operation as PublicOperation)() : await runAuthenticated(event, route, operation as ShellOperation, context);
      status = result.status;
      return result.status === 204 ? { statusCode: 204, headers: { 'cache-control': 'no-store' } } : json(result.status, result.body, undefined, result.headers);
    } catch (error) {
      const problem = asProblem(error);
      status = problem.status;
      return problemResponse(problem);
    } finally {
      logger.info('request', { route: event.routeKey, status, ms: Date.now() - started });
      count(status >= 500 ? 'ApiServerError' : status >= 400 ? 'ApiClientError' : 'ApiSuccess');
    }
  };
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(run);
}
