import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routeKey, routes } from '../functions/http/routes.ts';
import { invokeLambda } from './lambda-runtime.ts';
import { badRequest } from '../functions/http/problem.ts';
import type { LocalIssuer } from './jwt.ts';
import { listen } from './listen.ts';
import { type GatewayEdgeOptions, gatewayEdge } from './gateway-edge.ts';

/** API Gateway HTTP API's own payload limit. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

const matchers = routes.map((route) => ({
  route,
  names: [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/** The route a request goes to (its path template and function), for the access log. */
const routeOf = (method: string, pathname: string) => matchers.find((m) => m.route.method === method && m.pattern.test(pathname))?.route;

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses, no result caching), run as API
 * Gateway runs it: a missing identity source (the Authorization header) is 401 without a call;
 * the authorizer throwing 'Unauthorized' is 401, `isAuthorized: false` 403, any other failure 500,
 * each with API Gateway's own body. Allowed: its context reaches the function as
 * requestContext.authorizer.lambda.
 */
async function authorize(
  route: (typeof routes)[number],
  url: URL,
  headers: Record<string, string>,
  query: Record<string, string>,
  pathParameters: Record<string, string>,
): Promise<{ status: number; message: string; context?: undefined } | { status?: undefined; context: Record<string, unknown> }> {
  const authorization = headers.authorization;
  if (!authorization) return { status: 401, message: 'Unauthorized' };
  const now = new Date();
  const event = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${route.method}${route.path}`,
    identitySource: [authorization],
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      stage: '$default',
      requestId: randomUUID(),
      routeKey: routeKey(route),
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
  try {
    const result = await invokeLambda<{ isAuthorized?: unknown; context?: Record<string, unknown> }>('authorizer', event);
    if (result?.isAuthorized !== true) return { status: 403, message: 'Forbidden' };
    return { context: result.context ?? {} };
  } catch (error) {
    if ((error as Error)?.message === 'Unauthorized') return { status: 401, message: 'Unauthorized' };
    process.stderr.write(`local api gateway: authorizer failed: ${(error as Error)?.name}\n`);
    return { status: 500, message: 'Internal Server Error' };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway's own (non-Lambda) responses have this shape, not problem+json. */
function gatewayReply(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify({ message }));
}

/** Path parameters decoded, or undefined when a %-escape is malformed (decodeURIComponent would throw). */
function decodePathParams(names: string[], values: string[]): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i]!)]));
  } catch {
    return undefined;
  }
}

const isText = (contentType: string) => contentType === '' || /json|text|xml|x-www-form-urlencoded/i.test(contentType);

/**
 * The local API Gateway HTTP API: matches the route table, runs the API's Lambda authorizer
 * (functions/handlers/authorizer.ts) as API Gateway would, builds a payload-format-2.0 event and calls the same
 * handler module that Lambda runs.
 */
export async function startApiGateway(opts: { port: number; issuer?: LocalIssuer } & GatewayEdgeOptions): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const routesListener = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const match = matchers.map((m) => ({ ...m, found: m.route.method === method ? m.pattern.exec(url.pathname) : null })).find((m) => m.found);
      if (!match?.found) return gatewayReply(res, 404, 'Not Found');
      const { route } = match;
      const pathParameters = decodePathParams(match.names, match.found.slice(1));
      if (!pathParameters) {
        const problem = badRequest('The request path holds a malformed %-escape').toBody();
        return void res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      const query: Record<string, string> = {};
      for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
      let authorizer: Record<string, unknown> | undefined;
      if (route.auth === 'jwt') {
        const decision = await authorize(route, url, headers, query, pathParameters);
        if (decision.status) return gatewayReply(res, decision.status, decision.message);
        authorizer = { lambda: decision.context };
      }
      const raw = await readBody(req);
      if (raw === 'too-large') return gatewayReply(res, 413, 'Request Entity Too Large');
      const text = isText(headers['content-type'] ?? '');
      const now = new Date();
      const event = {
        version: '2.0',
        routeKey: routeKey(route),
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        queryStringParameters: Object.keys(query).length ? query : undefined,
        pathParameters: match.names.length ? pathParameters : undefined,
        body: raw.length ? (text ? raw.toString('utf8') : raw.toString('base64')) : undefined,
        isBase64Encoded: raw.length > 0 && !text,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: `127.0.0.1`,
          domainPrefix: 'local',
          stage: '$default',
          requestId: randomUUID(),
          routeKey: routeKey(route),
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
          http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          ...(authorizer ? { authorizer } : {}),
        },
      } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
      const result = await invokeLambda<APIGatewayProxyStructuredResultV2>(route.fn, event);
      const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
      res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(body);
    } catch (error) {
      process.stderr.write(`local api gateway: handler failed: ${(error as Error).name}\n`);
      if (!res.headersSent) gatewayReply(res, 500, 'Internal Server Error');
    }
  };
  const server = createServer(gatewayEdge(opts, routeOf, routesListener));
  await listen(server, opts.port, 'API');
  return {
    url: `http://127.0.0.1:${opts.port}`,
    server,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
