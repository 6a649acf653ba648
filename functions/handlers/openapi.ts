import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { Problem } from '../http/problem.ts';
import { serviceInfo } from '../http/service-info.ts';

/**
 * GET /openapi.json, public: it serves a document that is fixed per build. GET / and GET /health
 * (public too) answer the service's name, version and where that document is.
 * The bundle carries it as a string (lib/bundling.ts defines LOBBY_OPENAPI_DOCUMENT from
 * functions/http/openapi.ts); run from source, as the local stack does, it is built on the
 * first request from the same function.
 *
 * No HTTP shell here (httpHandler): the shell's zod, Powertools logger and metrics are ~150 KB
 * read at init for routing, validation and problems this route does not have, and the goal is
 * a cold start within 2x a hello function. Each request is still in the API's access log
 * (route, status, latency).
 */
let document: string | undefined;

const noRoute = new Problem(404, 'no-route', 'Not found', 'No such route');

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  if (event.routeKey === 'GET /' || event.routeKey === 'GET /health') {
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(serviceInfo) };
  }
  if (event.routeKey !== 'GET /openapi.json') {
    return { statusCode: 404, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' }, body: JSON.stringify(noRoute.toBody()) };
  }
  if (process.env.LOBBY_OPENAPI_DOCUMENT) document = process.env.LOBBY_OPENAPI_DOCUMENT;
  else document ??= JSON.stringify((await import('../http/openapi.ts')).openApiDocument());
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: document };
}
