import * as z from 'zod';
import { lazy } from '../../schemas/common.ts';
import { r, type Route } from '../route.ts';

/** The document itself (only its outline: it describes itself in full). */
const openApiDocumentSchema = lazy(() =>
  z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).meta({ id: 'OpenApiDocument' }),
);

/** GET / and GET /health: ../service-info.ts. */
const serviceInfoSchema = lazy(() =>
  z
    .strictObject({
      service: z.literal('lobby'),
      status: z.literal('ok'),
      version: z.string().describe('The API version (the OpenAPI document info.version)'),
      openapi: z.literal('/openapi.json').describe('Path of this API’s OpenAPI 3.1 document'),
      docs: z.string().describe('Where to read more'),
    })
    .meta({ id: 'ServiceInfo' }),
);

/** The openapi function's routes (the whole table: ../routes.ts): public, no data. */
export const openapiRoutes = [
  r({
    method: 'GET',
    path: '/openapi.json',
    fn: 'openapi',
    operationId: 'getOpenApi',
    summary: 'This API as OpenAPI 3.1',
    auth: 'none',
    status: 200,
    response: openApiDocumentSchema,
  }),
  r({
    method: 'GET',
    path: '/',
    fn: 'openapi',
    operationId: 'getServiceRoot',
    summary: 'The service and pointers to its description (same as /health)',
    auth: 'none',
    status: 200,
    response: serviceInfoSchema,
  }),
  r({
    method: 'GET',
    path: '/health',
    fn: 'openapi',
    operationId: 'getHealth',
    summary: 'Liveness: 200 with the service, its version and where its OpenAPI document is',
    auth: 'none',
    status: 200,
    response: serviceInfoSchema,
  }),
] as const satisfies readonly Route[];
