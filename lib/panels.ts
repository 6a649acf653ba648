import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy, CfnThingType, CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import { type EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CREDENTIAL_TYPES } from '../functions/domain/credential-sets.ts';
import type { FunctionName } from '../functions/http/routes.ts';
import { panelRules, ruleSql, type PanelRule } from '../functions/iot/rules.ts';
import { panelPolicyDocument } from '../iot/policy/panel-policy.ts';
import { CREDENTIALS_SHADOW, PANEL_TOPIC_ROOT } from '../iot/protocol/topics.ts';
import type { Data } from './data.ts';
import { LobbyFunction } from './lobby-function.ts';
import type { Observability } from './observability.ts';
import { PHOTO_PREFIX, type Photos, SNAPSHOT_PREFIX } from './photos.ts';

/** The IoT thing type every panel is created in (functions/adapters/panel-provisioner.ts). */
export const PANEL_THING_TYPE = 'lobby-panel';
/** The IoT policy attached to every panel certificate (iot/policy/panel-policy.ts). */
export const PANEL_POLICY_NAME = 'lobby-panel';
/** The SDK's service-specific endpoint variable for IoTDataPlaneClient (functions/adapters/panel-channel.ts). */
export const IOT_DATA_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_IOT_DATA_PLANE';
/** The IoT rules engine's SQL version for every topic rule. */
export const IOT_SQL_VERSION = '2016-03-23';

/** The Lambda functions of the panel side (handlers in functions/handlers/). */
export type PanelFunctionName = 'panel-messages' | 'panel-requests' | 'credential-stream';

/**
 * What each API function does with IoT, from its handler and the domain code it runs:
 * - `provision`: creates panels (functions/domain/panels.ts createPanel -> panel-provisioner.ts:
 *   CreateThing, CreateKeysAndCertificate, AttachPolicy, AttachThingPrincipal, DescribeEndpoint);
 * - `commands`: publishes unlock commands (functions/domain/commands.ts requestUnlock);
 * - `shadows`: writes the `credentials` named shadow (createPanel; properties.ts patchSettings ->
 *   credential-sets.ts announce when the offline-pass policy changes).
 */
export const API_IOT_ACCESS: Partial<Record<FunctionName, { provision?: boolean; commands?: boolean; shadows?: boolean }>> = {
  panels: { provision: true, commands: true, shadows: true },
  properties: { shadows: true },
};

export interface PanelsProps {
  data: Data;
  photos: Photos;
  observability: Observability;
  /** Variables every Lobby function gets (table names, bucket, secret ARN). */
  environment: Record<string, string>;
  /** The API's functions by route-table `fn`: the ones in API_IOT_ACCESS get IoT access. */
  apiFunctions: ReadonlyMap<FunctionName, LobbyFunction>;
  /** @default 'lobby-panel' */
  thingTypeName?: string;
  /** @default 'lobby-panel' */
  policyName?: string;
}

/**
 * The panel side in AWS IoT Core:
 * - the `lobby-panel` thing type and the panel IoT policy (the very document the local IoT
 *   Core stand-in enforces, iot/policy/panel-policy.ts, with this stack's region and account);
 * - one topic rule per entry of functions/iot/rules.ts, each invoking its Lambda function
 *   (panel-messages, panel-requests) and logging action failures to a log group;
 * - credential-stream on the Lobby table's stream, filtered to credential items and
 *   removed access events, with an encrypted dead-letter queue;
 * - the account's IoT data endpoint (iot:Data-ATS) for every function that talks to panels;
 * - least-privilege IAM for all of them, including the API functions that provision panels,
 *   send unlock commands or write shadows.
 *
 * Thing type, policy and rules have fixed names: one Lobby per account and region (two
 * stacks would both receive every panel message anyway, as topics are account-wide).
 */
export class Panels extends Construct {
  readonly thingType: CfnThingType;
  readonly policy: CfnPolicy;
  readonly thingTypeName: string;
  readonly policyName: string;
  /** Host name of the account's iot:Data-ATS endpoint (MQTT for panels, HTTPS for the data plane). */
  readonly dataEndpoint: string;
  /** `https://<dataEndpoint>`: what AWS_ENDPOINT_URL_IOT_DATA_PLANE is set to. */
  readonly dataEndpointUrl: string;
  readonly functions = new Map<PanelFunctionName, LobbyFunction>();
  /** By rule name (functions/iot/rules.ts). */
  readonly rules = new Map<string, CfnTopicRule>();
  /** Where IoT writes a message whose rule action failed (the rules' error action). */
  readonly ruleErrors: LogGroup;
  /** Stream batches credential-stream gave up on (after retries and bisecting). */
  readonly streamFailures: Queue;
  readonly streamMapping: EventSourceMapping;

  constructor(scope: Construct, id: string, props: PanelsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.thingTypeName = props.thingTypeName ?? PANEL_THING_TYPE;
    this.policyName = props.policyName ?? PANEL_POLICY_NAME;

    // ---- identity: thing type and policy ------------------------------------------------
    // Retained: things and certificates created at run time by the panels function refer
    // to them, and IoT refuses to delete a policy still attached to a certificate.
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeName: this.thingTypeName,
      thingTypeProperties: {
        thingTypeDescription: 'Lobby door panel (intercom, keypad, camera); thing name = panel id = MQTT client id',
        searchableAttributes: ['propertyId'],
      },
    });
    this.thingType.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.policy = new CfnPolicy(this, 'Policy', {
      policyName: this.policyName,
      policyDocument: panelPolicyDocument({ region: stack.region, account: stack.account }),
    });
    this.policy.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // ---- the data endpoint ------------------------------------------------------------
    this.dataEndpoint = this.describeDataEndpoint();
    this.dataEndpointUrl = `https://${this.dataEndpoint}`;
    const iotEnvironment = { [IOT_DATA_ENDPOINT_VARIABLE]: this.dataEndpointUrl };

    // ---- functions --------------------------------------------------------------------
    const make = (fn: PanelFunctionName, description: string, timeout: Duration, talksToIot: boolean) => {
      const lambda = new LobbyFunction(this, constructId(fn), {
        fn, description, timeout, environment: { ...props.environment, ...(talksToIot ? iotEnvironment : {}) },
      });
      this.functions.set(fn, lambda);
      props.observability.watchFunction(fn, lambda.function);
      return lambda;
    };
    const messages = make('panel-messages', 'Lobby IoT rule: access events, command acks and heartbeats from panels', Duration.seconds(10), false);
    const requests = make('panel-requests', 'Lobby IoT rule: panel requests (credential sync, photo upload URLs, pass claims)', Duration.seconds(10), true);
    const stream = make('credential-stream', 'Lobby table stream: credential changes -> credential sets and panel shadows; photos of expired access events', Duration.seconds(60), true);

    // panel-messages: records events, acks and heartbeats. loadStores() reads the code
    // secret at cold start (functions/adapters/stores.ts), so it needs that too.
    props.data.grantLobbyTable(messages.role);
    props.data.grantCodeSecret(messages.role);

    // panel-requests: sync (snapshots under credential-sets/, presigned GET), photo upload
    // URLs (presigned PUT under photos/: the URL carries this role's permission), claims,
    // and the reply on the panel's responses topic.
    props.data.grantLobbyTable(requests.role);
    props.data.grantCodeSecret(requests.role);
    props.photos.grantObjects(requests.role, ['s3:PutObject', 's3:GetObject'], SNAPSHOT_PREFIX);
    props.photos.grantObjects(requests.role, ['s3:PutObject'], PHOTO_PREFIX);
    this.grantPublish(requests.role, 'responses', 'replies to a panel request go to the requesting panel\'s own responses topic (functions/handlers/panel-requests.ts)');

    // credential-stream: credential sets (table), codes (secret), shadows, expired photos.
    props.data.grantLobbyTable(stream.role);
    props.data.grantCodeSecret(stream.role);
    this.grantShadowUpdate(stream.role, 'credential-set versions are announced to every panel of the property (functions/domain/credential-sets.ts announce)');
    props.photos.grantObjects(stream.role, ['s3:DeleteObject'], PHOTO_PREFIX);
    this.streamFailures = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter (on-failure) destination of the credential-stream event source mapping: it holds the stream records of batches that failed every retry, for inspection and replay. A DLQ of a DLQ would add nothing.',
    });
    this.streamMapping = this.subscribeToStream(stream, props.data.lobbyTable);

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
    for (const rule of panelRules) this.addRule(rule, this.functions.get(rule.fn)!, errorRole);

    const ruleFailures = new MetricFilter(this, 'RuleFailureCount', {
      logGroup: this.ruleErrors,
      filterPattern: FilterPattern.allEvents(),
      metricNamespace: 'Lobby',
      metricName: 'PanelRuleActionFailures',
      metricValue: '1',
    });
    props.observability.watchMetric('PanelRuleFailures',
      ruleFailures.metric({ period: Duration.minutes(5), statistic: Stats.SUM }),
      'IoT topic rules: panel messages whose Lambda action failed (see the RuleErrors log group)');
    props.observability.watchMetric('CredentialStreamFailures',
      this.streamFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      'credential-stream: stream batches given up on (credential changes that may not have reached the doors)');
    props.observability.watchMetric('CredentialStreamIteratorAge',
      stream.function.metric('IteratorAge', { period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      'credential-stream: age of the oldest unprocessed stream record over 5 minutes (ms)', 5 * 60 * 1000);

    // ---- the API functions that talk to IoT ---------------------------------------------
    for (const [fn, access] of Object.entries(API_IOT_ACCESS) as Array<[FunctionName, NonNullable<(typeof API_IOT_ACCESS)[FunctionName]>]>) {
      const lambda = props.apiFunctions.get(fn);
      if (!lambda) continue;
      lambda.function.addEnvironment(IOT_DATA_ENDPOINT_VARIABLE, this.dataEndpointUrl);
      if (access.provision) this.grantProvisioning(lambda);
      if (access.commands) this.grantPublish(lambda.role, 'commands', 'remote unlock commands go to the chosen panel\'s own commands topic (functions/domain/commands.ts requestUnlock)');
      if (access.shadows) this.grantShadowUpdate(lambda.role, `the ${fn} API function writes the credentials shadow of a property's panels (see API_IOT_ACCESS in lib/panels.ts)`);
    }
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

  /** iot:Publish on one channel of every panel: `topic/lobby/panels/* /<channel>`. */
  private grantPublish(role: Role, channel: 'responses' | 'commands', why: string) {
    const resource = this.iotArn(`topic/${PANEL_TOPIC_ROOT}/*/${channel}`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:Publish'], resources: [resource] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn(`topic/${PANEL_TOPIC_ROOT}/*/${channel}`)}]`,
      reason: `The wildcard is the panel id (thing name), known only at run time: ${why}. Only the ${channel} channel, only iot:Publish.`,
    });
  }

  /** iot:UpdateThingShadow on the `credentials` named shadow of any thing: `thing/* /credentials`. */
  private grantShadowUpdate(role: Role, why: string) {
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
  private grantProvisioning(lambda: LobbyFunction) {
    const role = lambda.role;
    lambda.function.addEnvironment('PANEL_THING_TYPE', this.thingType.ref);
    lambda.function.addEnvironment('PANEL_POLICY_NAME', this.policy.ref);

    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:CreateThing'], resources: [this.iotArn('thing/*')] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn('thing/*')}]`,
      reason: 'iot:CreateThing for a new panel: its thing name is the panel id generated at creation time (functions/domain/panels.ts createPanel), so it cannot be named in advance. Only CreateThing is granted on things here.',
    });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:AttachPolicy', 'iot:AttachThingPrincipal'], resources: [this.iotArn('cert/*')] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArn('cert/*')}]`,
      reason: 'iot:AttachPolicy and iot:AttachThingPrincipal act on the certificate just created by CreateKeysAndCertificate (its id is only known at run time); both are authorized against the certificate ARN.',
    });

    // Actions without resource-level permissions, in a policy of their own so that the
    // Resource "*" acknowledgement covers nothing else.
    const unscoped = new Policy(lambda, 'IotProvisioningPolicy', {
      roles: [role],
      statements: [new PolicyStatement({ actions: ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'], resources: ['*'] })],
    });
    lambda.function.node.addDependency(unscoped);
    Validations.of(unscoped).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iot:CreateKeysAndCertificate (a new key pair and certificate for a new panel) and iot:DescribeEndpoint (the MQTT endpoint returned with it) support no resource-level permissions. This policy holds only those two actions.',
    });
  }

  /** One topic rule: SQL from functions/iot/rules.ts, its function as the action, failures to RuleErrors. */
  private addRule(rule: PanelRule, target: LobbyFunction, errorRole: Role) {
    const topicRule = new CfnTopicRule(this, `Rule${constructId(rule.name.replace(/_/g, '-'))}`, {
      ruleName: rule.name,
      topicRulePayload: {
        description: `Panel messages on ${rule.topicFilter} -> ${rule.fn}`,
        sql: ruleSql(rule),
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: target.function.functionArn } }],
        errorAction: { cloudwatchLogs: { logGroupName: this.ruleErrors.logGroupName, roleArn: errorRole.roleArn } },
      },
    });
    this.rules.set(rule.name, topicRule);
    target.function.addPermission(`InvokedBy${constructId(rule.name.replace(/_/g, '-'))}`, {
      principal: new ServicePrincipal('iot.amazonaws.com'),
      sourceArn: topicRule.attrArn,
      sourceAccount: Stack.of(this).account,
    });
  }

  /**
   * The Lobby table's stream -> credential-stream, only for what the handler acts on:
   * items whose type is a credential type (new or old image: created, changed, deleted)
   * and REMOVEs of access events (TTL expiry takes the photo with it).
   *
   * The mapping is what DynamoEventSource makes, but with the stream grant spelled out:
   * DynamoEventSource's grantStreamRead puts dynamodb:ListStreams on "*" into the role's
   * default policy; here it gets a policy of its own with its own acknowledgement.
   */
  private subscribeToStream(stream: LobbyFunction, table: Table): EventSourceMapping {
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error(`the Lobby table ${table.node.path} has no stream`);
    stream.role.addToPrincipalPolicy(new PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [streamArn],
    }));
    const listStreams = new Policy(stream, 'ListStreamsPolicy', {
      roles: [stream.role],
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] })],
    });
    Validations.of(listStreams).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda\'s DynamoDB event source mapping calls dynamodb:ListStreams, which supports no resource-level permissions (the stream itself is read with DescribeStream/GetRecords/GetShardIterator on its ARN only). This policy holds only that action.',
    });

    const types = [...CREDENTIAL_TYPES];
    const mapping = stream.function.addEventSourceMapping('LobbyTableStream', {
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      // One batch at a time per shard: set versions are an optimistic lock per property.
      parallelizationFactor: 1,
      bisectBatchOnError: true,
      retryAttempts: 5,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(this.streamFailures),
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
   * IoT DescribeEndpoint (iot:Data-ATS) at deploy time, by a custom resource whose
   * singleton function runs with a role of its own: write to its own log group and
   * iot:DescribeEndpoint, nothing else (no AWS managed policy).
   */
  private describeDataEndpoint(): string {
    const logs = new LogGroup(this, 'DataEndpointLogs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'DataEndpointRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Lobby custom resource: look up the IoT data endpoint (iot:DescribeEndpoint)',
    });
    logs.grantWrite(role);
    const lookup = new AwsCustomResource(this, 'DataEndpoint', {
      resourceType: 'Custom::IotDataEndpoint',
      onCreate: describeEndpointCall,
      onUpdate: describeEndpointCall,
      role,
      logGroup: logs,
      installLatestAwsSdk: false,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['iot:DescribeEndpoint'], resources: ['*'] }),
      ]),
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iot:DescribeEndpoint supports no resource-level permissions. This policy (the custom resource\'s own) holds only that action.',
    });
    return lookup.getResponseField('endpointAddress');
  }
}

const describeEndpointCall = {
  service: 'Iot',
  action: 'describeEndpoint',
  parameters: { endpointType: 'iot:Data-ATS' },
  physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
  outputPaths: ['endpointAddress'],
};


/** 'panel-messages' -> 'PanelMessages' */
const constructId = (name: string) => name.split('-').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
