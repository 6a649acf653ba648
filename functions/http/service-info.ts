/**
 * What GET / and GET /health answer: the service is up, and where to read about it. No imports:
 * the openapi function serves it without loading zod (functions/handlers/openapi.ts).
 */

/** The API's version: the OpenAPI document's info.version and the service info's `version`. */
export const API_VERSION = '1.0.0';

export const serviceInfo = {
  service: 'lobby',
  status: 'ok',
  version: API_VERSION,
  openapi: '/openapi.json',
  docs: 'Open /openapi.json in an OpenAPI viewer (Swagger UI, Redoc); the repository README covers the local stack and deployment.',
} as const;
