import * as z from 'zod';
import { routes } from './routes.ts';
import { pathParamNames, type Route } from './route.ts';
import { pathId, userId } from '../schemas/common.ts';
import { MAX_BODY_BYTES } from './handler.ts';
import { API_VERSION } from './service-info.ts';
import { SCOPE_DESCRIPTIONS } from '../shared/integration-scopes.ts';

type JsonSchema = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** What API Gateway itself answers (authorizer, throttling, limits, a Lambda that failed or timed out): not problem+json. */
const gatewayMessage = (message: string) => ({ 'application/json': { schema: ref('schemas', 'GatewayMessage'), example: { message } } });
const problemBody = (status: number, slug: string, title: string) => ({
  'application/problem+json': { schema: ref('schemas', 'Problem'), example: { type: `urn:lobby:problem:${slug}`, title, status, detail: '…' } },
});

/**
 * Every error the API sends, once (components.responses); each operation points at the ones
 * it can answer. Problems come from our handlers (functions/http/handler.ts, problem.ts, the
 * domain's DomainError); plain `{ message }` bodies from API Gateway in front of them.
 */
const errorResponses = {
  BadRequest: {
    description: 'The path, query string, body or Idempotency-Key is not valid (`errors` lists each field).',
    content: problemBody(400, 'validation', 'Your request is not valid'),
  },
  Unauthorized: {
    description:
      'No valid bearer token (missing, malformed, expired, not signed by the user pool, or of a deleted integration). The API\'s Lambda authorizer refuses it and API Gateway answers `{"message":"Unauthorized"}` (application/json); the local stack does the same. A handler that finds no caller answers a problem.',
    content: { ...gatewayMessage('Unauthorized'), ...problemBody(401, 'unauthorized', 'Unauthorized') },
  },
  Forbidden: { description: 'Authenticated but not allowed (role, or the property turned the feature off).', content: problemBody(403, 'forbidden', 'Forbidden') },
  NotFound: { description: 'No such resource at this property (or not visible to the caller).', content: problemBody(404, 'not-found', 'Not found') },
  Conflict: {
    description:
      'The resource is not in a state that allows this (e.g. `code-in-use`, `not-active`, `too-many-passes`), or a request with this Idempotency-Key is still in progress (`idempotency-in-progress`).',
    content: problemBody(409, 'conflict', 'Conflict'),
  },
  PayloadTooLarge: {
    description: `The body is over ${MAX_BODY_BYTES} bytes (a problem), or over API Gateway's 10 MB payload limit (\`{"message":"Request Entity Too Large"}\`).`,
    content: { ...problemBody(413, 'too-large', 'Request body too large'), ...gatewayMessage('Request Entity Too Large') },
  },
  UnsupportedMediaType: { description: 'A body that is not application/json.', content: problemBody(415, 'unsupported-media-type', 'Unsupported media type') },
  IdempotencyKeyReused: {
    description: 'This Idempotency-Key was used with a different request body (keys are kept 24 hours, per caller and route).',
    content: problemBody(422, 'idempotency-key-reused', 'Idempotency-Key reused'),
  },
  TooManyRequests: { description: "API Gateway's stage throttling (in AWS only).", content: gatewayMessage('Too Many Requests') },
  InternalError: {
    description: 'A fault on our side (a problem), or a Lambda that failed outright (`{"message":"Internal Server Error"}`). Never a stack trace.',
    content: { ...problemBody(500, 'internal', 'Internal error'), ...gatewayMessage('Internal Server Error') },
  },
  Unavailable: {
    description:
      'A service we depend on is unreachable or throttling (a problem with `Retry-After`), or the Lambda timed out or was throttled (`{"message":"Service Unavailable"}`). Safe to retry after the delay; creates with the same Idempotency-Key.',
    headers: { 'Retry-After': { schema: { type: 'string' }, description: 'Seconds to wait (problem responses only).' } },
    content: { ...problemBody(503, 'unavailable', 'Service unavailable'), ...gatewayMessage('Service Unavailable') },
  },
};
type ErrorName = keyof typeof errorResponses;

const statusOf: Record<ErrorName, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  IdempotencyKeyReused: 422,
  TooManyRequests: 429,
  InternalError: 500,
  Unavailable: 503,
};

/** The errors an operation can answer, from what its route has (auth, path, body, idempotency). */
function errorsOf(route: Route): ErrorName[] {
  const always: ErrorName[] = ['TooManyRequests', 'InternalError', 'Unavailable'];
  if (route.auth === 'none') return always;
  const when = (yes: unknown, ...names: ErrorName[]) => (yes ? names : []);
  return [
    'BadRequest',
    'Unauthorized',
    'Forbidden',
    ...when(pathParamNames(route.path).length > 0, 'NotFound'),
    ...when(route.method !== 'GET', 'Conflict'),
    ...when(route.body, 'PayloadTooLarge', 'UnsupportedMediaType'),
    ...when(route.idempotent, 'IdempotencyKeyReused'),
    ...always,
  ];
}

/**
 * Schemas as the document holds them: named zod schemas (`.meta({ id })`) become
 * components.schemas entries, referenced from where they are used.
 */
class SchemaSet {
  readonly named: Record<string, JsonSchema> = {};

  add(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, def] of Object.entries($defs ?? {})) {
      const hoisted = relink(def) as JsonSchema;
      const known = this.named[id];
      if (known && JSON.stringify(known) !== JSON.stringify(hoisted)) throw new Error(`OpenAPI: two different schemas are named ${id}`);
      this.named[id] = hoisted;
    }
    return relink(rest) as JsonSchema;
  }
}

/** zod's local `#/$defs/X` references, as references to the document's components. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : relink(v)]));
}

const tagDescriptions: Record<string, string> = {
  openapi: 'This document',
  properties: 'Properties, their settings and audit trail',
  people: 'Members (admins, staff), residents and the directory',
  'delivery-pins': 'Reusable keypad PINs for carriers',
  passes: 'Single-use delivery passes and time-boxed visitor passes',
  panels: 'Door panels, remote unlock, panel keys',
  'access-events': 'Every entry, with its photo',
  calls: 'Calls from panels, and notifications',
  me: "A resident's own record and devices",
  integrations: 'OAuth client-credentials clients of property-management systems and partner apps',
};

/**
 * OpenAPI 3.1, generated from the route table: request schemas, each route's response schema
 * (routes/<fn>.ts `response`) and the errors it can answer. Called at bundle time (lib/bundling.ts
 * puts it into the openapi function as a string), by that function when it runs from source (the
 * local stack), by `npm run lint:openapi` and by the contract test.
 */
export function openApiDocument() {
  const schemas = new SchemaSet();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = pathParamNames(route.path).map((name) => ({ name, in: 'path', required: true, schema: schemas.add(name === 'userId' ? userId : pathId, 'input') }));
    const queryShape = route.query ? (schemas.add(route.query, 'input') as { properties?: Record<string, object>; required?: string[] }) : {};
    const queryParams = Object.entries(queryShape.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: queryShape.required?.includes(name) ?? false,
      schema,
      ...(name === 'cursor' ? { description: 'The `nextCursor` of the previous page.' } : {}),
    }));
    const success =
      route.status === 204
        ? { description: 'Done (no body)', headers: { 'Cache-Control': ref('headers', 'CacheControl') } }
        : {
            description: route.status === 201 ? 'Created' : route.status === 202 ? 'Accepted' : 'OK',
            headers: { 'Cache-Control': ref('headers', 'CacheControl') },
            content: { 'application/json': { schema: schemas.add(route.response(), 'output') } },
          };
    const responses: Record<string, unknown> = { [route.status]: success };
    for (const name of errorsOf(route)) responses[statusOf[name]] = ref('responses', name);
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.fn],
      // People: any bearer token; integrations: a client-credentials token with one of the route's scopes.
      security: route.auth === 'jwt' ? [{ bearer: [] }, ...(route.scopes?.length ? [{ integration: [...route.scopes] }] : [])] : [],
      parameters: [
        ...pathParams,
        ...queryParams,
        ...(route.idempotent
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'The same key and body within 24 hours returns the first response again and creates nothing new; the same key with another body is 422.',
                schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
              },
            ]
          : []),
      ],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.add(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  const tags = [...new Set(routes.map((route) => route.fn))].map((name) => ({ name, description: tagDescriptions[name] ?? name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lobby API',
      version: API_VERSION,
      description: 'Apartment building intercom and delivery access. Times are ISO-8601 UTC; codes are strings of digits; lists page with `limit` and `cursor`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployed stack (the HTTP API default stage; `cdk deploy` prints the URL)',
        variables: { apiId: { default: 'abc123defg', description: 'The HTTP API id' }, region: { default: 'us-east-1' } },
      },
      { url: 'http://127.0.0.1:4700', description: 'The local stack (`npm start`; `--port-base` moves it)' },
    ],
    tags,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito user pool access token (locally: `npm run -s token`).' },
        integration: {
          type: 'oauth2',
          description:
            "Integration clients (POST /properties/{propertyId}/integrations): OAuth 2.0 client credentials at the user pool domain's token endpoint (the stack output `TokenUrl`; locally `tokenUrl` in .lobby/local.json), HTTP Basic client id and secret. The token acts at its own property only, on operations that list one of its scopes.",
          flows: { clientCredentials: { tokenUrl: 'https://lobby-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token', scopes: SCOPE_DESCRIPTIONS } },
        },
      },
      headers: {
        CacheControl: { description: 'Responses are never cached.', schema: { type: 'string', const: 'no-store' } },
      },
      responses: errorResponses,
      schemas: {
        ...schemas.named,
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status', 'detail'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', description: 'urn:lobby:problem:<slug>' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], additionalProperties: false, properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
        GatewayMessage: {
          type: 'object',
          description: "API Gateway's own answer (not from a handler)",
          required: ['message'],
          additionalProperties: false,
          properties: { message: { type: 'string' } },
        },
      },
    },
  };
}
