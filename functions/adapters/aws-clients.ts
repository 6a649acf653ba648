import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { config } from './config.ts';

/**
 * One client of each kind per process, created on first use (outside the handler so
 * warm invocations reuse connections). Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which the local stack sets.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let dynamoClient: DynamoDBClient | undefined;
let s3Client: S3Client | undefined;

export function dynamo(): DynamoDBClient {
  dynamoClient ??= new DynamoDBClient({});
  return dynamoClient;
}

export function documents(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamo(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function s3(): S3Client {
  // WHEN_REQUIRED: with the SDK's default checksums, presigned PUT URLs carry the
  // checksum of an empty body (see TOOLCHAIN.md); the same setting is right in AWS.
  s3Client ??= new S3Client({
    forcePathStyle: config.s3ForcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3Client;
}
