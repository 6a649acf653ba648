import type { z } from 'zod';
import type { IntegrationScope } from '../shared/integration-scopes.ts';

/**
 * What a route is (the table itself: routes.ts, one module per function under routes/).
 * This module imports no schema, so a Lambda that reads only its own routes builds only
 * its own schemas at cold start.
 */
export type FunctionName =
  | 'properties'
  | 'people'
  | 'delivery-pins'
  | 'passes'
  | 'panels'
  | 'access-events'
  | 'calls'
  | 'me'
  | 'packages'
  | 'openapi'
  | 'webhooks'
  | 'integrations'
  | 'roster';

interface RouteFields {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  operationId: string;
  summary: string;
  /** 'jwt': the API's JWT authorizer must pass. 'none': public. */
  auth: 'jwt' | 'none';
  /**
   * The OAuth scopes that admit integration clients (client-credentials tokens) to this route,
   * any one of them; without it, integrations get 403 (domain/access.ts admitsCaller).
   */
  scopes?: readonly IntegrationScope[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** A larger request body than the shell's default (http/handler.ts MAX_BODY_BYTES), e.g. a whole roster. */
  maxBodyBytes?: number;
  /** Honors the Idempotency-Key header. */
  idempotent?: boolean;
}

/**
 * The success body's schema, built on first call (functions/schemas, common.ts `lazy`): a route
 * only points at it, so a Lambda builds none at init. The OpenAPI document and the contract test
 * (test/support/contract-check.ts) read it.
 */
export type ResponseSchema = () => z.ZodType;

/** The success status, with the schema of its body (204: none). */
export type Route = RouteFields & ({ status: 200 | 201 | 202; response: ResponseSchema } | { status: 204; response?: undefined });

/** Keeps each entry's literal types (path, fn, operationId, schemas): handlers are typed from them. */
export const r = <const R extends Route>(route: R) => route;

/** The `{name}` segments of a path, in order: '/a/{x}/b/{y}' -> ['x', 'y']. */
export const pathParamNames = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));

/** The same at the type level: '/a/{x}/b/{y}' -> 'x' | 'y'. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
/** The path parameters of a route: exactly its `{names}`, each validated by the shell. */
export type PathParams<P extends string> = { [K in ParamNames<P>]: string };
/** The validated body: the output of the route's body schema (none: undefined). */
export type BodyOf<R extends Route> = R extends { body: infer S extends z.ZodType } ? z.output<S> : undefined;
/** The validated query: the output of the route's query schema (none: an empty object). */
export type QueryOf<R extends Route> = R extends { query: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
