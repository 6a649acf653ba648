import * as z from 'zod';
import { routes } from './routes.ts';
import { pathId, userId } from '../schemas/common.ts';

const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** A schema as it sits inside the document (no $schema of its own). */
function jsonSchema(schema: z.ZodType) {
  const { $schema: _, ...rest } = z.toJSONSchema(schema);
  return rest;
}

/**
 * OpenAPI 3.1, generated from the route table and its request schemas. Called at bundle time
 * (lib/bundling.ts puts it into the openapi function as a string) and by that function when
 * it runs from source (the local stack).
 */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: jsonSchema(m[1] === 'userId' ? userId : pathId) }));
    const queryShape = route.query ? (z.toJSONSchema(route.query, { io: 'input' }) as { properties?: Record<string, object>; required?: string[] }) : {};
    const queryParams = Object.entries(queryShape.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: queryShape.required?.includes(name) ?? false,
      schema,
    }));
    const responses: Record<string, unknown> = { [route.status]: { description: route.status === 204 ? 'Done' : 'Success' } };
    if (route.auth === 'jwt') Object.assign(responses, { 400: problem, 401: problem, 403: problem, 404: problem });
    if (route.body || route.idempotent) Object.assign(responses, { 409: problem });
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      security: route.auth === 'jwt' ? [{ bearer: [] }] : [],
      parameters: [
        ...pathParams,
        ...queryParams,
        ...(route.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }] : []),
      ],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lobby API', version: '1.0.0', description: 'Apartment building intercom and delivery access.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
