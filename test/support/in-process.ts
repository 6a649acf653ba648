import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { layout } from '../../local/paths.ts';
import { stack } from './api.ts';

/**
 * For tests that run domain code or a handler in the test process, against the
 * suite's running emulators (DynamoDB Local, S3, the IoT data plane): the same
 * environment the local stack gives its handlers. Used where a test must reach a
 * state no request can (a crash between two writes, a shadow update that throws).
 */
export function useStackEnvironment() {
  const info = stack();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: info.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: info.s3Endpoint,
    AWS_ENDPOINT_URL_IOT_DATA_PLANE: info.iotDataEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    LOBBY_TABLE: info.tables.lobby,
    IDEMPOTENCY_TABLE: info.tables.idempotency,
    PHOTOS_BUCKET: info.photosBucket,
    CODE_SECRET_FILE: layout(inject('testHome')).codeSecret,
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
}

/** A Lambda context whose invocation has `remainingMs` left. */
export function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'lobby-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:lobby-test',
    memoryLimitInMB: '512',
    awsRequestId: `req-${Date.now()}`,
    logGroupName: '/aws/lambda/lobby-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
