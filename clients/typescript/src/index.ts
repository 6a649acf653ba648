import createClient, { type Client } from 'openapi-fetch';
import { type components, idempotentPaths, type paths } from './schema.ts';

/*
 * The Lobby API's typed client: openapi-fetch over the types openapi-typescript generates from the
 * OpenAPI document (schema.ts, `npm run -s client:generate`). Adds what every caller needs: the
 * bearer token, retries that are safe (reads, PUT/DELETE, and creates with an Idempotency-Key,
 * which it adds itself), cursor iteration and typed problems.
 */

export type { components, paths } from './schema.ts';
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
/** API Gateway's own answers (401 from the JWT authorizer, 429, a Lambda that failed or timed out). */
export type GatewayMessage = Schemas['GatewayMessage'];

/** A refusal or failure: the problem (RFC 9457) from a handler, or API Gateway's `{ message }`. */
export class LobbyProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Problem | GatewayMessage | undefined,
  ) {
    super(body && 'title' in body ? `${status} ${body.title}: ${body.detail}` : `${status} ${body?.message ?? 'no body'}`);
    this.name = 'LobbyProblem';
  }

  /** The problem's type (`urn:lobby:problem:<slug>`), when a handler answered. */
  get type(): string | undefined {
    return this.body && 'type' in this.body ? this.body.type : undefined;
  }

  /** Field errors of a 400. */
  get errors(): Problem['errors'] {
    return this.body && 'errors' in this.body ? this.body.errors : undefined;
  }
}

export interface LobbyClientOptions {
  /** e.g. the local stack's apiUrl, or https://<api-id>.execute-api.<region>.amazonaws.com */
  baseUrl: string;
  /** A bearer token, or a function that returns a fresh one for each request. */
  token?: string | (() => string | Promise<string>);
  /** Attempts for a retryable request (default 3: the first and two retries). */
  attempts?: number;
  /** First backoff in ms (default 200; doubles, plus jitter; a Retry-After wins). */
  backoffMs?: number;
  fetch?: typeof globalThis.fetch;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const idempotentPosts = new Set<string>(idempotentPaths);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The typed client: `client.GET('/properties/{propertyId}', { params: { path: { propertyId } } })`, see README. */
export function lobbyClient(options: LobbyClientOptions) {
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 200;
  const baseFetch = options.fetch ?? globalThis.fetch;

  /** Retries only what is safe to repeat: reads, PUT, DELETE, and requests that carry an Idempotency-Key. */
  const retryingFetch = async (request: Request): Promise<Response> => {
    const retryable = SAFE_METHODS.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 1; ; attempt++) {
      const last = !retryable || attempt >= attempts;
      try {
        const response = await baseFetch(last ? request : request.clone());
        if (last || !RETRY_STATUSES.has(response.status)) return response;
        const retryAfter = Number(response.headers.get('retry-after'));
        await response.body?.cancel();
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : backoffMs * 2 ** (attempt - 1) * (1 + Math.random()));
      } catch (error) {
        // A network failure (fetch rejects): the request may or may not have arrived.
        if (last) throw error;
        await sleep(backoffMs * 2 ** (attempt - 1) * (1 + Math.random()));
      }
    }
  };

  const client: Client<paths> = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), fetch: retryingFetch });
  client.use({
    async onRequest({ request, schemaPath }) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      // Creates are retried with one key for all attempts: the API returns the first response again.
      if (request.method === 'POST' && idempotentPosts.has(schemaPath) && !request.headers.has('idempotency-key')) {
        request.headers.set('idempotency-key', crypto.randomUUID());
      }
      return request;
    },
  });
  return client;
}

export type LobbyClient = ReturnType<typeof lobbyClient>;

/** The body of a success, or a LobbyProblem thrown: `const pin = ok(await client.POST(...))`. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new LobbyProblem(result.response.status, result.error as Problem | GatewayMessage | undefined);
}

/** List paths: GET operations whose 200 body is a page (`items` and `nextCursor`). */
type ListPath = {
  [P in keyof paths]: paths[P] extends { get: { responses: { 200: { content: { 'application/json': { items: unknown[]; nextCursor: string | null } } } } } } ? P : never;
}[keyof paths];
type ItemOf<P extends ListPath> = paths[P]['get']['responses'][200]['content']['application/json']['items'][number];
type ParamsOf<P extends ListPath> = paths[P]['get']['parameters'];

/**
 * Every item of a list, page after page (following `nextCursor`):
 * `for await (const event of items(client, '/properties/{propertyId}/access-events', { path: { propertyId } })) ...`
 */
export async function* items<P extends ListPath>(
  client: LobbyClient,
  path: P,
  params: Omit<ParamsOf<P>, 'query'> & { query?: Omit<NonNullable<ParamsOf<P>['query']>, 'cursor'> },
): AsyncGenerator<ItemOf<P>> {
  // openapi-fetch's per-path overloads do not survive a generic path: one erased call, typed at the edges.
  const get = client.GET as unknown as (
    path: string,
    init: { params: unknown },
  ) => Promise<{ data?: { items: ItemOf<P>[]; nextCursor: string | null }; error?: unknown; response: Response }>;
  let cursor: string | undefined;
  do {
    const page = ok(await get(path, { params: { ...params, query: { ...params.query, ...(cursor ? { cursor } : {}) } } }));
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
