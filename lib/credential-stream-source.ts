import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, FilterCriteria, FilterRule, type IEventSourceDlq, MetricType, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { CREDENTIAL_TYPES } from '../functions/shared/credential-types.ts';
import type { LobbyFunction } from './lobby-function.ts';

/**
 * The Lobby table's stream -> credential-stream, only for what the handler acts on:
 * items whose type is a credential type (new or old image: created, changed, deleted)
 * and REMOVEs of access events (TTL expiry takes the photo with it).
 *
 * The mapping is what DynamoEventSource makes, but with the stream grant spelled out:
 * DynamoEventSource's grantStreamRead puts dynamodb:ListStreams on "*" into the role's
 * default policy; here it gets a policy of its own with its own acknowledgement.
 */
export function subscribeToStream(stream: LobbyFunction, table: Table, failures: Bucket): EventSourceMapping {
  const streamArn = table.tableStreamArn;
  if (!streamArn) throw new Error(`the Lobby table ${table.node.path} has no stream`);
  stream.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [streamArn],
    }),
  );
  const listStreams = new Policy(stream, 'ListStreamsPolicy', {
    roles: [stream.role],
    statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] })],
  });
  Validations.of(listStreams).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "Lambda's DynamoDB event source mapping calls dynamodb:ListStreams, which supports no resource-level permissions (the stream itself is read with DescribeStream/GetRecords/GetShardIterator on its ARN only). This policy holds only that action.",
  });

  const types = [...CREDENTIAL_TYPES];
  const mapping = stream.function.addEventSourceMapping('LobbyTableStream', {
    eventSourceArn: streamArn,
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    // One batch at a time per shard: set versions are an optimistic lock per property.
    parallelizationFactor: 1,
    bisectBatchOnError: true,
    // The handler answers batchItemFailures: only the failed record and what follows it is retried.
    reportBatchItemFailures: true,
    retryAttempts: 5,
    // Given up on well before the stream trims a record (24 h), so the records reach the bucket.
    maxRecordAge: Duration.hours(6),
    onFailure: parkInBucket(stream, failures),
    // Event counts per mapping, among them OnFailureDestinationDeliveredEventCount (alarmed).
    metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
    filters: [
      FilterCriteria.filter({ dynamodb: { NewImage: { type: { S: FilterRule.or(...types) } } } }),
      FilterCriteria.filter({ dynamodb: { OldImage: { type: { S: FilterRule.or(...types) } } } }),
      FilterCriteria.filter({ eventName: FilterRule.isEqual('REMOVE'), dynamodb: { OldImage: { type: { S: FilterRule.isEqual('access-event') } } } }),
    ],
  });
  // Lambda checks the role when the mapping is created.
  mapping.node.addDependency(listStreams);
  const defaultPolicy = stream.role.node.tryFindChild('DefaultPolicy');
  if (defaultPolicy) mapping.node.addDependency(defaultPolicy);
  return mapping;
}

/**
 * The S3 on-failure destination, with only what Lambda needs to write to it (s3:PutObject on
 * its objects, s3:ListBucket on it), instead of S3OnFailureDestination's read-write grant.
 */
function parkInBucket(stream: LobbyFunction, bucket: Bucket): IEventSourceDlq {
  stream.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('*')] }));
  stream.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  Validations.of(stream.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
    reason: "Lambda names the objects of the stream on-failure destination itself (one per batch given up on): s3:PutObject on the StreamFailures bucket's objects only.",
  });
  return { bind: () => ({ destination: bucket.bucketArn }) };
}
