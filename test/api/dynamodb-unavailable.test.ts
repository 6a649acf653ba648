import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { layout } from '../../local/paths.ts';
import { stack } from '../support/api.ts';

/**
 * DynamoDB unreachable: the real API handler module, loaded in this process with the
 * stack's environment except that DynamoDB points at a closed port, answers 503 with
 * Retry-After (not 500 "internal"). Bad input still gets its 400 without DynamoDB.
 */
type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;
let handler: Handler;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const info = stack();
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}`,
    AWS_ENDPOINT_URL_S3: info.s3Endpoint, AWS_ENDPOINT_URL_IOT_DATA_PLANE: info.iotDataEndpoint, S3_FORCE_PATH_STYLE: 'true',
    LOBBY_TABLE: info.tables.lobby, IDEMPOTENCY_TABLE: info.tables.idempotency, PHOTOS_BUCKET: info.photosBucket,
    CODE_SECRET_FILE: layout(inject('testHome')).codeSecret,
    POWERTOOLS_SERVICE_NAME: 'lobby', POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // Imported after the environment is set, as Lambda would load it.
  handler = (await import('../../functions/handlers/delivery-pins.ts')).handler as unknown as Handler;
});
afterAll(() => { vi.unstubAllEnvs(); });

const context = { functionName: 'lobby-delivery-pins', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

function event(routeKey: string, opts: { propertyId?: string; body?: string; isBase64Encoded?: boolean } = {}) {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0', routeKey, rawPath: path, rawQueryString: '', headers: { 'content-type': 'application/json' },
    pathParameters: { propertyId: opts.propertyId ?? 'prop_01JZZZZZZZZZZZZZZZZZZZZZZZ' },
    body: opts.body, isBase64Encoded: opts.isBase64Encoded ?? false,
    requestContext: { http: { method, path }, routeKey, requestId: randomUUID(), authorizer: { jwt: { claims: { sub: 'someone' }, scopes: null } } },
  };
}

describe('while DynamoDB is unreachable', () => {
  it('a read answers 503 problem+json with Retry-After', async () => {
    const reply = await handler(event('GET /properties/{propertyId}/delivery-pins'), context);
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['content-type']).toBe('application/problem+json');
    expect(Number(reply.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(reply.body!)).toMatchObject({ type: 'urn:lobby:problem:unavailable', status: 503 });
  });

  it('a write answers 503 with Retry-After too', async () => {
    const reply = await handler(event('POST /properties/{propertyId}/delivery-pins', { body: JSON.stringify({ description: 'USPS', pin: '480213' }) }), context);
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['retry-after']).toBeDefined();
  });

  it('bad input is still a 400, decided before any table access: invalid UTF-8 in a base64 body', async () => {
    const bytes = Buffer.concat([Buffer.from('{"description":"Caf'), Buffer.from([0xe9]), Buffer.from('","pin":"480213"}')]);
    const reply = await handler(event('POST /properties/{propertyId}/delivery-pins', { body: bytes.toString('base64'), isBase64Encoded: true }), context);
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body!).detail).toMatch(/UTF-8/);
  });
});
