import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.ts';
import { ShadowError } from './shadow-errors.ts';
import { MAX_MESSAGE_BYTES, type ShadowMessage, type ShadowResult, type ShadowService } from './shadow-service.ts';
import { SHADOW_NAME, THING_NAME, type ShadowRef } from './shadow-topics.ts';
import { isValidTopicName } from './topic-filter.ts';

export interface DataPlaneOptions {
  port: number;
  shadows: ShadowService;
  /** publishes a message as if it came in through IoT Core (shadow service, subscribers, rules) */
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): Promise<void>;
  /** sends the shadow service's change announcements to MQTT subscribers and rules */
  broadcast(messages: ShadowMessage[]): Promise<void>;
  log: Logger;
}

export interface DataPlane {
  port: number;
  endpoint: string;
  close(): Promise<void>;
}

/** The `x-amzn-ErrorType` names the AWS SDK maps to exception classes of @aws-sdk/client-iot-data-plane. */
const ERROR_TYPES: Record<number, string> = {
  400: 'InvalidRequestException',
  404: 'ResourceNotFoundException',
  405: 'MethodNotAllowedException',
  409: 'ConflictException',
  413: 'RequestEntityTooLargeException',
  500: 'InternalFailureException',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The IoT data-plane HTTP API subset Lobby uses: UpdateThingShadow, GetThingShadow,
 * DeleteThingShadow (`?name=` for named shadows), ListNamedShadowsForThing and Publish. Plain
 * HTTP on 127.0.0.1; SigV4 signatures are not checked (the caller is the trusted backend).
 */
export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      if (!(error instanceof HttpError || error instanceof ShadowError)) options.log.error('iot data plane: request failed', error);
      sendError(response, error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: DataPlaneOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const body = await readBody(request);
  const path = url.pathname.split('/').slice(1).map(decodeURIComponent);

  if (path.length === 3 && path[0] === 'things' && path[2] === 'shadow') {
    const ref = shadowRef(path[1], url.searchParams.get('name'));
    const operation = { GET: 'get', POST: 'update', DELETE: 'delete' }[method] as 'get' | 'update' | 'delete' | undefined;
    if (!operation) throw new HttpError(405, `Method ${method} not allowed`);
    const result: ShadowResult = options.shadows[operation](ref, body);
    await options.broadcast(result.broadcast);
    return sendJson(response, result.response);
  }
  if (path.length === 5 && path.slice(0, 4).join('/') === 'api/things/shadow/ListNamedShadowsForThing') {
    if (method !== 'GET') throw new HttpError(405, `Method ${method} not allowed`);
    const thingName = shadowRef(path[4], null).thingName;
    return sendJson(response, { results: options.shadows.listNamedShadows(thingName), timestamp: Math.floor(Date.now() / 1000) });
  }
  if (path.length === 2 && path[0] === 'topics') {
    if (method !== 'POST') throw new HttpError(405, `Method ${method} not allowed`);
    const topic = path[1];
    if (!isValidTopicName(topic)) throw new HttpError(400, `Invalid topic: ${topic}`);
    const qos = Number(url.searchParams.get('qos') ?? '0');
    if (qos !== 0 && qos !== 1) throw new HttpError(400, 'qos must be 0 or 1');
    await options.publish(topic, body, qos, url.searchParams.get('retain') === 'true');
    return sendJson(response, {});
  }
  throw new HttpError(404, `No route for ${method} ${url.pathname}`);
}

function shadowRef(thingName: string, shadowName: string | null): ShadowRef {
  if (!THING_NAME.test(thingName)) throw new HttpError(400, `Invalid thing name: ${thingName}`);
  if (shadowName !== null && !SHADOW_NAME.test(shadowName)) throw new HttpError(400, `Invalid shadow name: ${shadowName}`);
  return { thingName, ...(shadowName !== null && { shadowName }) };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MESSAGE_BYTES) throw new HttpError(413, 'The payload exceeds the maximum size allowed');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, document: object): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(document));
}

// Shaped like the real service: the SDK reads the exception name from x-amzn-ErrorType.
function sendError(response: ServerResponse, error: unknown): void {
  const status = error instanceof ShadowError ? error.code : error instanceof HttpError ? error.status : 500;
  const message = error instanceof Error && status !== 500 ? error.message : 'Internal service failure';
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-ErrorType': ERROR_TYPES[status] ?? ERROR_TYPES[500] });
  response.end(JSON.stringify({ code: status, message }));
}
