import { r, type Route } from '../route.ts';

/** The openapi function's routes (the whole table: ../routes.ts). */
export const openapiRoutes = [
  r({ method: 'GET', path: '/openapi.json', fn: 'openapi', operationId: 'getOpenApi', summary: 'This API as OpenAPI 3.1', auth: 'none', status: 200 }),
] as const satisfies readonly Route[];
