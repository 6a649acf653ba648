import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS } from '../lib/settings.ts';

/** One request as `npm start` prints it: `POST /properties/{propertyId}/delivery-pins 201 32 ms`. */
export interface RequestLogEntry {
  method: string;
  /** the route's path template, or the raw path when no route matched */
  path: string;
  status: number;
  ms: number;
  /** the function that served it (absent: the gateway answered itself) */
  fn?: string;
}

export interface GatewayEdgeOptions {
  /** exact browser origins allowed (lib/settings.ts corsOrigins); none: no CORS headers, OPTIONS is 404 as without CORS */
  corsOrigins?: readonly string[];
  onRequest?: (entry: RequestLogEntry) => void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;
type RouteOf = (method: string, pathname: string) => { path: string; fn: string } | undefined;

/**
 * What API Gateway does around the routes, applied to the local gateway's request listener:
 * CORS as the HTTP API's corsPreflight does it (preflights answered here, 204, before any route or
 * authorizer; headers added for an allowed Origin, none for others; the same rules as lib/cors.ts),
 * and one access-log entry per request (what the stage's access log records in AWS).
 */
export function gatewayEdge(opts: GatewayEdgeOptions, routeOf: RouteOf, next: Listener): Listener {
  const origins = new Set(opts.corsOrigins ?? []);
  return (req, res) => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (opts.onRequest) {
      const route = routeOf(method, pathname);
      res.once('finish', () => opts.onRequest?.({ method, path: route?.path ?? pathname, status: res.statusCode, ms: Math.round(performance.now() - started), fn: route?.fn }));
    }
    const origin = req.headers.origin;
    const allowed = origins.size > 0 && origin !== undefined && origins.has(origin);
    if (origins.size > 0 && method === 'OPTIONS' && req.headers['access-control-request-method']) {
      // A preflight: answered by the gateway, never by a function or the authorizer.
      const headers: Record<string, string> = { vary: 'Origin' };
      if (allowed) {
        Object.assign(headers, {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': CORS.allowMethods.join(','),
          'access-control-allow-headers': CORS.allowHeaders.join(',').toLowerCase(),
          'access-control-max-age': String(CORS.maxAgeSeconds),
        });
      }
      res.writeHead(204, headers).end();
      return;
    }
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', CORS.exposeHeaders.join(',').toLowerCase());
      res.setHeader('vary', 'Origin');
    }
    return next(req, res);
  };
}

/** The line `npm start` prints per request: `POST /properties/{propertyId}/delivery-pins 201 32 ms`. */
export const requestLine = (r: RequestLogEntry) => `${r.method} ${r.path} ${r.status} ${r.ms} ms`;

/** The route table as `npm start` prints it: `  GET    /properties/{propertyId} -> properties` (`*`: public). */
export function routeTable(routes: ReadonlyArray<{ method: string; path: string; fn: string; auth: string }>): string {
  const width = Math.max(...routes.map((r) => r.path.length));
  return routes.map((r) => `  ${r.method.padEnd(6)} ${r.path.padEnd(width)} -> ${r.fn}${r.auth === 'none' ? ' *' : ''}`).join('\n');
}
