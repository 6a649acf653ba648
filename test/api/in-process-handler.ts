import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { inject, vi } from 'vitest';
import { layout } from '../../local/paths.ts';
import { stack } from '../support/api.ts';

/**
 * The real delivery-pins Lambda handler module, loaded in the test's own process
 * with the stack's environment except for the DynamoDB endpoint: for tests of what
 * the API does when DynamoDB is unreachable or hangs. One endpoint per test file
 * (the module keeps its clients, as a warm Lambda does).
 */
export type InProcessHandler = (event: unknown, context: Context) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;

export async function deliveryPinsHandler(dynamodbEndpoint: string): Promise<InProcessHandler> {
  const info = stack();
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: info.s3Endpoint, AWS_ENDPOINT_URL_IOT_DATA_PLANE: info.iotDataEndpoint, S3_FORCE_PATH_STYLE: 'true',
    LOBBY_TABLE: info.tables.lobby, IDEMPOTENCY_TABLE: info.tables.idempotency, PHOTOS_BUCKET: info.photosBucket,
    CODE_SECRET_FILE: layout(inject('testHome')).codeSecret,
    POWERTOOLS_SERVICE_NAME: 'lobby', POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // Imported after the environment is set, as Lambda would load it.
  return (await import('../../functions/handlers/delivery-pins.ts')).handler as unknown as InProcessHandler;
}

export const context = { functionName: 'lobby-delivery-pins', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

/** An API Gateway v2 event for a delivery-pins route, from an authenticated caller. */
export function event(routeKey: string, opts: { propertyId?: string; body?: string; isBase64Encoded?: boolean } = {}) {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0', routeKey, rawPath: path, rawQueryString: '', headers: { 'content-type': 'application/json' },
    pathParameters: { propertyId: opts.propertyId ?? 'prop_01JZZZZZZZZZZZZZZZZZZZZZZZ' },
    body: opts.body, isBase64Encoded: opts.isBase64Encoded ?? false,
    requestContext: { http: { method, path }, routeKey, requestId: randomUUID(), authorizer: { jwt: { claims: { sub: 'someone' }, scopes: null } } },
  };
}
