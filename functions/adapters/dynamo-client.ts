import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traceWhenSampled } from './tracing.ts';

/**
 * The DynamoDB clients, one per process, created on first use (outside the handler so
 * warm invocations reuse connections). Each AWS client has a module of its own, so a
 * function bundles only the clients it reaches. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which the local stack sets.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let dynamoClient: DynamoDBClient | undefined;

export function dynamo(): DynamoDBClient {
  // X-Ray subsegments once an invocation is sampled (tracing.ts: why not at creation).
  dynamoClient ??= traceWhenSampled(new DynamoDBClient({}));
  return dynamoClient;
}

export function documents(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamo(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
