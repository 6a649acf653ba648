import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, FilterCriteria, FilterRule, MetricType, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Data } from './data.ts';
import { LobbyFunction } from './lobby-function.ts';
import type { Observability } from './observability.ts';
import type { Photos } from './photos.ts';
import { grantCapabilities, type IotGrants } from './capability-grants.ts';
import { lobbySettings } from './settings.ts';
import type { TelephonyGrants } from './telephony.ts';

export interface NotificationsProps {
  data: Data;
  photos: Photos;
  iot: IotGrants;
  telephony: TelephonyGrants;
  observability: Observability;
  /** Variables every Lobby function gets (table names, secret ARN, push applications). */
  environment: Record<string, string>;
}

/**
 * The notifications outbox worker (functions/handlers/notifications.ts), with its two triggers:
 * - the Lobby table's stream, filtered to INSERTs of notification records (a new record is sent
 *   as soon as the transaction that queued it commits), reporting batch item failures and
 *   bisecting a failing batch; what it gives up on goes to an SQS queue (only the stream
 *   coordinates: the record itself stays in the table, where the schedule picks it up);
 * - an EventBridge schedule every minute: retries whose backoff is over, claims that lapsed,
 *   anything the stream missed; EventBridge retries, then its dead-letter queue, and the
 *   function's own asynchronous failures go to the same queue.
 * E-mail, SMS and push grants come from the capability table (functions/capabilities.ts
 * `notifications`), each on the one identity or application named in context.
 */
export class Notifications extends Construct {
  readonly worker: LobbyFunction;
  readonly streamMapping: EventSourceMapping;
  readonly schedule: Rule;
  /** What the stream, the schedule and asynchronous invocations gave up on. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const settings = lobbySettings(this);
    this.worker = new LobbyFunction(this, 'Notifications', {
      fn: 'notifications',
      description: 'Lobby notifications outbox: new notification records (table stream) and due retries (schedule) -> SES e-mail, SMS, app push',
      // Up to 100 records a batch, each one provider call: well within a minute.
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    grantCapabilities('notifications', this.worker, { data: props.data, photos: props.photos, iot: props.iot, telephony: props.telephony });
    props.observability.watchFunction('notifications', this.worker.function);

    this.failures = new Queue(this, 'Failures', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the notifications function (stream on-failure destination, schedule dead-letter queue, asynchronous on-failure destination): a DLQ of a DLQ would add nothing. The records stay in the table; the schedule retries them.',
    });

    // ---- the stream: new notification records ------------------------------------------
    const table = props.data.lobbyTable;
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error(`the Lobby table ${table.node.path} has no stream`);
    const role = this.worker.role;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], resources: [streamArn] }));
    const listStreams = new Policy(this.worker, 'ListStreamsPolicy', {
      roles: [role],
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] })],
    });
    Validations.of(listStreams).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Lambda's DynamoDB event source mapping calls dynamodb:ListStreams, which supports no resource-level permissions (the stream itself is read with DescribeStream/GetRecords/GetShardIterator on its ARN only). This policy holds only that action.",
    });
    this.streamMapping = this.worker.function.addEventSourceMapping('NewNotifications', {
      eventSourceArn: streamArn,
      // Only what is queued from now on: older records are the schedule's.
      startingPosition: StartingPosition.LATEST,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(0),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 3,
      maxRecordAge: Duration.hours(1),
      onFailure: new SqsDlq(this.failures),
      metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
      // New notifications and new webhook events (fanned out to their deliveries): one reader of the stream for both outboxes.
      filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { type: { S: FilterRule.or('notification', 'webhook-event') } } } })],
    });
    this.streamMapping.node.addDependency(listStreams);
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) this.streamMapping.node.addDependency(defaultPolicy);

    // ---- the schedule: due retries and lapsed claims -----------------------------------
    this.worker.function.configureAsyncInvoke({ onFailure: new SqsDestination(this.failures), retryAttempts: 2, maxEventAge: Duration.minutes(5) });
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Lobby: deliver notifications whose retry is due (or whose claim lapsed) every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.worker.function, { retryAttempts: 2, maxEventAge: Duration.minutes(5), deadLetterQueue: this.failures })],
    });

    props.observability.watchMetric(
      'NotificationFailureQueueDepth',
      this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      'notifications: stream batches or scheduled runs given up on (the records stay queued in the table)',
    );
    new CfnOutput(Stack.of(this), 'NotificationChannels', {
      value: [
        `e-mail ${settings.sesIdentityArn && settings.fromEmail ? `on (${settings.fromEmail})` : 'off (lobby:sesIdentityArn + lobby:fromEmail)'}`,
        `SMS ${settings.smsOriginationIdentity ? 'on' : 'off (lobby:smsOriginationIdentity)'}`,
        `app push ${settings.pushApnsArn || settings.pushFcmArn ? 'on' : 'off (lobby:pushFcmArn)'}`,
      ].join('; '),
      description: 'Notification channels of this deployment',
    });
  }
}
