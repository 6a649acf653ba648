import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { lambdaContext, useStackEnvironment } from '../support/in-process.ts';

/**
 * The real delivery-pins Lambda handler module, loaded in the test's own process
 * with the stack's environment except for the DynamoDB endpoint: for tests of what
 * the API does when DynamoDB is unreachable or hangs. One endpoint per test file
 * (the module keeps its clients, as a warm Lambda does).
 */
export type InProcessHandler = (event: unknown, context: Context) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;

export async function deliveryPinsHandler(dynamodbEndpoint: string): Promise<InProcessHandler> {
  useStackEnvironment();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  // Imported after the environment is set, as Lambda would load it.
  return (await import('../../functions/handlers/delivery-pins.ts')).handler as unknown as InProcessHandler;
}

export const context = (): Context => lambdaContext(29_000);

/** An API Gateway v2 event for a delivery-pins route, from an authenticated caller. */
export function event(routeKey: string, opts: { propertyId?: string; body?: string; isBase64Encoded?: boolean; headers?: Record<string, string> } = {}) {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    pathParameters: { propertyId: opts.propertyId ?? 'prop_01JZZZZZZZZZZZZZZZZZZZZZZZ' },
    body: opts.body,
    isBase64Encoded: opts.isBase64Encoded ?? false,
    requestContext: { http: { method, path }, routeKey, requestId: randomUUID(), authorizer: { jwt: { claims: { sub: 'someone' }, scopes: null } } },
  };
}
