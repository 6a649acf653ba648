import * as z from 'zod';
import { lazy } from '../../schemas/common.ts';
import { r, type Route } from '../route.ts';

/** The document itself (only its outline: it describes itself in full). */
const openApiDocumentSchema = lazy(() =>
  z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).meta({ id: 'OpenApiDocument' }),
);

/** The openapi function's routes (the whole table: ../routes.ts). */
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
] as const satisfies readonly Route[];
