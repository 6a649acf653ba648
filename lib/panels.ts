import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy, CfnThingType, CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import type { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PANEL_OFFLINE_MINUTES_VARIABLE } from '../functions/shared/panel-metrics.ts';
import type { PanelFunctionName } from '../functions/capabilities.ts';
import { panelRulesFor, presenceRule, presenceRuleSql, ruleSql } from '../functions/iot/rules.ts';
import { panelPolicyDocument } from '../iot/policy/panel-policy.ts';
import { CREDENTIALS_SHADOW, panelTopicRoot } from '../iot/protocol/topics.ts';
import type { Data } from './data.ts';
import { LobbyFunction } from './lobby-function.ts';
import type { Observability } from './observability.ts';
import { enableIotLogging, watchPanels } from './panel-monitoring.ts';
import { subscribeToStream } from './credential-stream-source.ts';
import { describeDataEndpoint } from './iot-data-endpoint.ts';
import type { Photos } from './photos.ts';
import { grantCapabilities, type IotGrants } from './capability-grants.ts';
import type { TelephonyGrants } from './telephony.ts';
import { lobbySettings } from './settings.ts';
export { IOT_DATA_ENDPOINT_VARIABLE } from './capability-grants.ts';
/** The IoT rules engine's SQL version for every topic rule. */
export const IOT_SQL_VERSION = '2016-03-23';

export type { PanelFunctionName };

/** The functions IoT rules invoke asynchronously: each parks what it gave up on in its own queue. */
export const RULE_DRIVEN_FUNCTIONS = ['panel-messages', 'panel-requests', 'panel-presence'] as const;

export interface PanelsProps {
  data: Data;
  photos: Photos;
  observability: Observability;
  /** Variables every Lobby function gets (table names, bucket, secret ARN). */
  environment: Record<string, string>;
  /** App push and phone grants (lib/telephony.ts): call.start rings, the reconcile sweep tells devices of missed calls. */
  telephony?: TelephonyGrants;
}

/**
 * The panel side in AWS IoT Core:
 * - the panel thing type and the panel IoT policy (the very document the local IoT
 *   Core stand-in enforces, iot/policy/panel-policy.ts, with this stack's region, account and
 *   topic root);
 * - one topic rule per entry of functions/iot/rules.ts, each invoking its Lambda function
 *   (panel-messages, panel-requests, panel-presence for lifecycle events) and logging action
 *   failures to a log group; each function parks failed invocations in its own queue;
 * - credential-stream on the Lobby table's stream, filtered to credential items and
 *   removed access events, reporting batch item failures, parking failed batches in S3;
 * - reconcile every 5 minutes; IoT logging (the stage that owns it) and panel-health alarms;
 * - the account's IoT data endpoint (iot:Data-ATS) for every function that talks to panels;
 * - for its functions and the API's, the IoT grants of their capabilities (functions/capabilities.ts,
 *   through lib/capability-grants.ts).
 *
 * Stages: topics are account-wide, so each stage has its own topic root (`lobby-<stage>/panels`,
 * iot/protocol/topics.ts) and its rules are named after it. The thing type and the policy
 * are retained (run-time things and certificates refer to them) and therefore unnamed:
 * CloudFormation names them, so a retained pair never blocks the next create.
 */
export class Panels extends Construct implements IotGrants {
  readonly thingType: CfnThingType;
  readonly policy: CfnPolicy;
  readonly stage: string;
  /** `lobby-<stage>/panels`: every panel topic of this stage lives under it. */
  readonly topicRoot: string;
  /** Host name of the account's iot:Data-ATS endpoint (MQTT for panels, HTTPS for the data plane). */
  readonly dataEndpoint: string;
  /** `https://<dataEndpoint>`: what AWS_ENDPOINT_URL_IOT_DATA_PLANE is set to. */
  readonly dataEndpointUrl: string;
  readonly functions = new Map<PanelFunctionName, LobbyFunction>();
  /** By rule name (functions/iot/rules.ts). */
  readonly rules = new Map<string, CfnTopicRule>();
  /** Where IoT writes a message whose rule action failed (the rules' error action). */
  readonly ruleErrors: LogGroup;
  /** Stream batches credential-stream gave up on (after retries and bisecting), records included. */
  readonly streamFailures: Bucket;
  readonly streamMapping: EventSourceMapping;
  readonly reconcileSchedule: Rule;
  /** By rule-driven function: the on-failure queue of its asynchronous invocations. */
  readonly failureQueues = new Map<(typeof RULE_DRIVEN_FUNCTIONS)[number], Queue>();

  constructor(scope: Construct, id: string, props: PanelsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const settings = lobbySettings(this);
    this.stage = settings.stage;
    this.topicRoot = panelTopicRoot(this.stage);

    // ---- identity: thing type and policy ------------------------------------------------
    // Retained: things and certificates created at run time by the panels function refer
    // to them, and IoT refuses to delete a policy still attached to a certificate.
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeProperties: {
        thingTypeDescription: 'Lobby door panel (intercom, keypad, camera); thing name = panel id = MQTT client id',
        searchableAttributes: ['propertyId'],
      },
    });
    this.thingType.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.policy = new CfnPolicy(this, 'Policy', {
      policyDocument: panelPolicyDocument({ region: stack.region, account: stack.account }, { topicRoot: this.topicRoot }),
    });
    this.policy.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // ---- the data endpoint ------------------------------------------------------------
    this.dataEndpoint = describeDataEndpoint(this);
    this.dataEndpointUrl = `https://${this.dataEndpoint}`;

    // ---- functions --------------------------------------------------------------------
    // Each granted exactly its capabilities (functions/capabilities.ts).
    const make = (fn: PanelFunctionName, description: string, timeout: Duration) => {
      const lambda = new LobbyFunction(this, constructId(fn), { fn, description, timeout, environment: props.environment });
      this.functions.set(fn, lambda);
      grantCapabilities(fn, lambda, { data: props.data, photos: props.photos, iot: this, telephony: props.telephony });
      props.observability.watchFunction(fn, lambda.function);
      return lambda;
    };
    const messages = make('panel-messages', 'Lobby IoT rule: access events, command acks and heartbeats from panels', Duration.seconds(10));
    const requests = make('panel-requests', 'Lobby IoT rule: panel requests (credential sync, photo upload URLs, pass claims)', Duration.seconds(10));
    const presence = make('panel-presence', 'Lobby IoT rule: panel connects and disconnects (AWS IoT lifecycle events)', Duration.seconds(10));
    const stream = make('credential-stream', 'Lobby table stream: credential changes -> credential sets and panel shadows; photos of expired access events', Duration.seconds(60));

    // credential-stream reads the table stream (its trigger, below). An S3 on-failure destination keeps the records of a batch given up on (an SQS one
    // would get only their shard and sequence numbers, useless once the stream trims them
    // after 24 hours).
    this.streamFailures = new Bucket(this, 'StreamFailures', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.photos.accessLogs,
      serverAccessLogsPrefix: 'stream-failures/',
      lifecycleRules: [{ id: 'expire-parked-batches', expiration: Duration.days(90) }],
    });
    this.streamMapping = subscribeToStream(stream, props.data.lobbyTable, this.streamFailures);

    // ---- reconcile: the periodic safety net behind the stream ---------------------------
    // (functions/handlers/reconcile.ts) every 5 minutes; a failed run is retried, then
    // parked in its own queue (alarmed), and its errors alarm too.
    const reconcile = make('reconcile', "Lobby schedule: reconcile every property's credential set with its panels", Duration.seconds(120));
    // The panel-health gauges it reports (PANEL_METRICS) count panels silent for this long.
    reconcile.function.addEnvironment(PANEL_OFFLINE_MINUTES_VARIABLE, String(settings.panelOfflineMinutes));
    const reconcileFailures = new Queue(this, 'ReconcileFailures', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(reconcileFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the reconcile schedule (EventBridge target) and the on-failure destination of its runs: a DLQ of a DLQ would add nothing. The next run, 5 minutes later, reconciles everything again anyway.',
    });
    this.reconcileSchedule = new Rule(this, 'ReconcileSchedule', {
      description: 'Lobby: reconcile credential sets with panels every 5 minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(reconcile.function, { retryAttempts: 2, maxEventAge: Duration.minutes(4), deadLetterQueue: reconcileFailures })],
    });
    // EventBridge invokes asynchronously: a run that fails after Lambda's own retry is parked in the same queue
    // (its dead-letter queue covers only events EventBridge could not hand to Lambda).
    reconcile.function.configureAsyncInvoke({ onFailure: new SqsDestination(reconcileFailures), retryAttempts: 1, maxEventAge: Duration.minutes(4) });
    props.observability.watchMetric(
      'ReconcileFailureQueueDepth',
      reconcileFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      'reconcile: scheduled runs EventBridge could not deliver, or that failed after a retry',
    );

    // ---- asynchronous invocations of the rule-driven functions --------------------------
    // IoT rules invoke asynchronously: after Lambda's retries an event lands in the
    // function's on-failure queue (the invocation record, requestPayload included), where
    // `npm run redrive` replays it through the same function.
    for (const [fn, lambda] of [
      ['panel-messages', messages],
      ['panel-requests', requests],
      ['panel-presence', presence],
    ] as const) {
      const queue = new Queue(this, `${constructId(fn)}Failures`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the on-failure destination of ${fn}'s asynchronous invocations (IoT rule actions): it holds what failed every retry, for \`npm run redrive\`. A DLQ of a DLQ would add nothing.`,
      });
      lambda.function.configureAsyncInvoke({ onFailure: new SqsDestination(queue), retryAttempts: 2, maxEventAge: Duration.hours(6) });
      this.failureQueues.set(fn, queue);
      props.observability.watchMetric(
        `${constructId(fn)}FailureQueueDepth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        `${fn}: IoT rule invocations given up on, parked for npm run redrive`,
      );
      new CfnOutput(Stack.of(this), `${constructId(fn)}FailureQueueUrl`, { value: queue.queueUrl, description: `On-failure queue of ${fn} (npm run redrive)` });
      new CfnOutput(Stack.of(this), `${constructId(fn)}FailureQueueArn`, { value: queue.queueArn, description: `On-failure queue of ${fn}` });
    }

    // ---- topic rules ------------------------------------------------------------------
    this.ruleErrors = new LogGroup(this, 'RuleErrors', { retention: RetentionDays.THREE_MONTHS });
    const errorRole = new Role(this, 'RuleErrorRole', {
      description: 'Lobby IoT topic rules: write failed rule actions to the RuleErrors log group',
      assumedBy: new ServicePrincipal('iot.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          // The form the IoT docs give for IoT role trust policies (confused-deputy prevention).
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'iot', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
        },
      }),
    });
    this.ruleErrors.grantWrite(errorRole);
    this.ruleErrors.grant(errorRole, 'logs:DescribeLogStreams');
    for (const rule of panelRulesFor(this.topicRoot, this.stage)) {
      const target = this.functions.get(rule.fn);
      if (!target) throw new Error(`topic rule ${rule.name} invokes ${rule.fn}, which Panels does not create`);
      this.addRule(rule.name, rule.topicFilter, ruleSql(rule), target, errorRole);
    }
    const presenceTopics = presenceRule(this.stage);
    this.addRule(presenceTopics.name, presenceTopics.topicFilter, presenceRuleSql(presenceTopics), presence, errorRole);

    const ruleFailures = new MetricFilter(this, 'RuleFailureCount', {
      logGroup: this.ruleErrors,
      filterPattern: FilterPattern.allEvents(),
      metricNamespace: 'Lobby',
      metricName: 'PanelRuleActionFailures',
      metricValue: '1',
    });
    props.observability.watchMetric(
      'PanelRuleFailures',
      ruleFailures.metric({ period: Duration.minutes(5), statistic: Stats.SUM }),
      'IoT topic rules: panel messages whose Lambda action failed (see the RuleErrors log group)',
    );
    props.observability.watchMetric(
      'CredentialStreamFailures',
      new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'OnFailureDestinationDeliveredEventCount',
        dimensionsMap: { EventSourceMappingUUID: this.streamMapping.eventSourceMappingId },
        period: Duration.minutes(5),
        statistic: Stats.SUM,
      }),
      'credential-stream: stream records given up on, parked in the StreamFailures bucket (credential changes that may not have reached the doors)',
    );
    props.observability.watchMetric(
      'CredentialStreamIteratorAge',
      stream.function.metric('IteratorAge', { period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      'credential-stream: age of the oldest unprocessed stream record over 5 minutes (ms)',
      5 * 60 * 1000,
    );

    // ---- panel health ------------------------------------------------------------------
    watchPanels(props.observability, this.stage, settings.panelOfflineMinutes);
    if (settings.iotLogging) enableIotLogging(this);
  }

  /**
   * How cdk-nag prints `iotArn(resource)` in an IAM5 finding: pseudo parameters as
   * `<AWS::Region>` etc., literal values (a stack with an explicit env) as they are.
   */
  private nagArn(resource: string): string {
    const stack = Stack.of(this);
    const show = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    return `arn:${show(stack.partition, 'Partition')}:iot:${show(stack.region, 'Region')}:${show(stack.account, 'AccountId')}:${resource}`;
  }

  /** `arn:<partition>:iot:<region>:<account>:<resource>` */
  private iotArn(resource: string): string {
    return Stack.of(this).formatArn({ service: 'iot', resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  }

  /** iot:Publish on one channel of every panel of the stage: `topic/lobby-<stage>/panels/* /<channel>`. */
  grantPublish(role: Role, channel: 'responses' | 'commands' | 'calls', why: string) {
    const resource = this.iotArn(`topic/${this.topicRoot}/*/${channel}`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:Publish'], resources: [resource] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn(`topic/${this.topicRoot}/*/${channel}`)}]`,
      reason: `The wildcard is the panel id (thing name), known only at run time: ${why}. Only the ${channel} channel, only iot:Publish.`,
    });
  }

  /** iot:UpdateThingShadow on the `credentials` named shadow of any thing: `thing/* /credentials`. */
  grantShadowUpdate(role: Role, why: string) {
    const name = `thing/*/${CREDENTIALS_SHADOW}`;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:UpdateThingShadow'], resources: [this.iotArn(name)] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn(name)}]`,
      reason: `The wildcard is the panel id (thing name), known only at run time: ${why}. Named-shadow ARN form (thing/<name>/<shadow>): only the "${CREDENTIALS_SHADOW}" shadow, no classic shadow, only UpdateThingShadow.`,
    });
  }

  /**
   * What functions/adapters/panel-provisioner.ts iotProvisioner calls, and the thing type
   * and policy names it reads. Resource types per the Service Authorization Reference:
   * CreateThing -> thing; AttachPolicy -> cert (the target); AttachThingPrincipal -> cert;
   * CreateKeysAndCertificate and DescribeEndpoint support no resource-level permissions.
   */
  grantProvisioning(lambda: LobbyFunction) {
    const role = lambda.role;
    lambda.function.addEnvironment('PANEL_THING_TYPE', this.thingType.ref);
    lambda.function.addEnvironment('PANEL_POLICY_NAME', this.policy.ref);

    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:CreateThing'], resources: [this.iotArn('thing/*')] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn('thing/*')}]`,
      reason:
        'Thing names are panel ids generated at run time (functions/domain/panels.ts createPanel), so they cannot be named in advance: iot:CreateThing for a new panel; iot:ListThingPrincipals, iot:DetachThingPrincipal and iot:DeleteThing to decommission one. Nothing else is granted on things.',
    });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:AttachPolicy', 'iot:AttachThingPrincipal'], resources: [this.iotArn('cert/*')] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn('cert/*')}]`,
      reason:
        "iot:AttachPolicy and iot:AttachThingPrincipal act on the certificate just created by CreateKeysAndCertificate (its id is only known at run time); both are authorized against the certificate ARN. Decommissioning (functions/adapters/panel-provisioner.ts decommission) deactivates, detaches and deletes a panel's certificate: UpdateCertificate, DetachThingPrincipal, DetachPolicy, DeleteCertificate on cert/*.",
    });
    // Decommission, per the Service Authorization Reference: UpdateCertificate, DeleteCertificate,
    // DetachThingPrincipal -> cert; DetachPolicy -> cert (the target); ListThingPrincipals,
    // DeleteThing -> thing; DetachPolicy also names the policy (this stage's only).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iot:UpdateCertificate', 'iot:DeleteCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy'],
        resources: [this.iotArn('cert/*')],
      }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:DetachPolicy'], resources: [this.iotArn(`policy/${this.policy.ref}`)] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:ListThingPrincipals', 'iot:DeleteThing', 'iot:DetachThingPrincipal'], resources: [this.iotArn('thing/*')] }));

    // Actions without resource-level permissions, in a policy of their own so that the
    // Resource "*" acknowledgement covers nothing else.
    const unscoped = new Policy(lambda, 'IotProvisioningPolicy', {
      roles: [role],
      statements: [new PolicyStatement({ actions: ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'], resources: ['*'] })],
    });
    lambda.function.node.addDependency(unscoped);
    Validations.of(unscoped).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'iot:CreateKeysAndCertificate (a new key pair and certificate for a new panel) and iot:DescribeEndpoint (the MQTT endpoint returned with it) support no resource-level permissions. This policy holds only those two actions.',
    });
  }

  /** One topic rule: SQL from functions/iot/rules.ts, its function as the action, failures to RuleErrors. */
  private addRule(name: string, topicFilter: string, sql: string, target: LobbyFunction, errorRole: Role) {
    // Construct ids without the stage: a stage's rules keep their logical ids.
    const id = constructId(name.replace(`lobby_${this.stage}_`, 'lobby_').replace(/_/g, '-'));
    const topicRule = new CfnTopicRule(this, `Rule${id}`, {
      ruleName: name,
      topicRulePayload: {
        description: `Panel messages on ${topicFilter} -> ${target.node.id}`,
        sql,
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: target.function.functionArn } }],
        errorAction: { cloudwatchLogs: { logGroupName: this.ruleErrors.logGroupName, roleArn: errorRole.roleArn } },
      },
    });
    this.rules.set(name, topicRule);
    target.function.addPermission(`InvokedBy${id}`, {
      principal: new ServicePrincipal('iot.amazonaws.com'),
      sourceArn: topicRule.attrArn,
      sourceAccount: Stack.of(this).account,
    });
  }
}

/** 'panel-messages' -> 'PanelMessages' */
const constructId = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
