import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnSamplingRule } from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import { routes as routeTable, type Route } from '../functions/http/routes.ts';
import { Api } from './api.ts';
import { Auth } from './auth.ts';
import { ConsoleHosting } from './console.ts';
import { Data } from './data.ts';
import { Observability } from './observability.ts';
import { Notifications } from './notifications.ts';
import { Panels } from './panels.ts';
import { Photos } from './photos.ts';
import { grantCapabilities } from './capability-grants.ts';
import { lobbySettings } from './settings.ts';
import { Telephony } from './telephony.ts';
import { STAGE_VARIABLE } from '../iot/protocol/topics.ts';

export interface LobbyStackProps extends StackProps {
  /** @default the route table of functions/http/routes.ts */
  routes?: readonly Route[];
}

/**
 * The Lobby backend. Each part is one construct (lib/<part>.ts): a new part reads
 * `data`, `photos`, `api.functions`, adds its own LobbyFunctions (lib/lobby-function.ts)
 * with `functionEnvironment`, grants them their capabilities (functions/capabilities.ts,
 * lib/capability-grants.ts), and registers them with
 * `observability.watchFunction` (as `panels`, the IoT side, does).
 */
export class LobbyStack extends Stack {
  readonly data: Data;
  readonly photos: Photos;
  readonly auth: Auth;
  readonly api: Api;
  readonly panels: Panels;
  readonly observability: Observability;
  readonly telephony: Telephony;
  readonly notifications: Notifications;
  /** The Lobby Console: CloudFront + private bucket, its app client, the API's CORS origin (outputs ConsoleUrl, ConsoleClientId). */
  readonly console: ConsoleHosting;
  readonly stage: string;
  /** The variables functions/adapters/config.ts reads, for every handler. */
  readonly functionEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: LobbyStackProps = {}) {
    super(scope, id, {
      description: 'Lobby: open-source backend for apartment intercoms and delivery access',
      ...props,
    });

    const settings = lobbySettings(this);
    this.stage = settings.stage;
    this.data = new Data(this, 'Data');
    this.photos = new Photos(this, 'Photos');
    this.auth = new Auth(this, 'Auth');
    this.observability = new Observability(this, 'Observability');

    this.functionEnvironment = {
      LOBBY_TABLE: this.data.lobbyTable.tableName,
      IDEMPOTENCY_TABLE: this.data.idempotencyTable.tableName,
      PHOTOS_BUCKET: this.photos.bucket.bucketName,
      CODE_SECRET_ARN: this.data.codeSecret.secretArn,
      // The stage: its topic root (iot/protocol/topics.ts) and the metrics' stage dimension.
      [STAGE_VARIABLE]: settings.stage,
      // Destination country codes the building texts and calls (functions/domain/phone-verification.ts).
      LOBBY_SMS_COUNTRIES: JSON.stringify(smsCountriesContext(this.node.tryGetContext('lobby:smsCountries'))),
    };
    // How residents are rung (app push, phone): the context values reach every function.
    this.telephony = new Telephony(this, 'Telephony', { environment: this.functionEnvironment });
    Object.assign(this.functionEnvironment, this.telephony.environment);

    this.api = new Api(this, 'Api', {
      routes: props.routes ?? routeTable,
      auth: this.auth,
      environment: this.functionEnvironment,
      // A roster of up to MAX_ROSTER_ROWS rows (functions/schemas/roster.ts) within API Gateway's 30 s.
      functionProps: { roster: { timeout: Duration.seconds(29) } },
      corsOrigins: settings.corsOrigins,
      publicRoutes: {
        getServiceRoot: 'the service name, version and where its OpenAPI document is (the same as /health); no data, served by the openapi function.',
        getHealth: 'liveness for monitors and a first pointer for developers: the service name, version and where its OpenAPI document is; no data.',
        getOpenApi: 'the OpenAPI description of this API, generated from the route table at build time; it holds no data and the function that serves it has no data permissions.',
      },
    });

    this.console = new ConsoleHosting(this, 'Console', { auth: this.auth, api: this.api, photos: this.photos });

    // IoT Core: thing type, panel policy, topic rules, the stream processor and the
    // schedule, each of their functions granted its capabilities.
    this.panels = new Panels(this, 'Panels', {
      data: this.data,
      photos: this.photos,
      observability: this.observability,
      environment: this.functionEnvironment,
      telephony: this.telephony,
    });
    // Least privilege, per function: exactly its capabilities (functions/capabilities.ts).
    const grants = { data: this.data, photos: this.photos, iot: this.panels, telephony: this.telephony, auth: this.auth };
    for (const [fn, lambda] of this.api.functions) grantCapabilities(fn, lambda, grants);
    grantCapabilities('authorizer', this.api.authorizerFunction, grants);
    grantCapabilities('phone-call', this.telephony.phoneCall, grants);
    // The notifications outbox: its worker on the table stream and a schedule, e-mail/SMS/push granted by the capability table.
    this.notifications = new Notifications(this, 'Notifications', { ...grants, observability: this.observability, environment: this.functionEnvironment });
    this.observability.watchFunction('phone-call', this.telephony.phoneCall.function);
    this.observability.watchFunction('authorizer', this.api.authorizerFunction.function);

    this.observability.watchHttpApi('Api', this.api.httpApi);
    for (const [fn, lambda] of this.api.functions) this.observability.watchFunction(fn, lambda.function);
    for (const [name, table] of Object.entries(this.data.tables)) this.observability.watchTable(name, table);

    // Active tracing asks X-Ray whether to sample: this rule (matched by the functions'
    // names, which start with the stack name) keeps it to a few traces, not every invocation.
    if (settings.tracing === 'sampled') {
      new CfnSamplingRule(this, 'TraceSampling', {
        samplingRule: {
          ruleName: `lobby-${settings.stage}`,
          priority: 100,
          fixedRate: settings.traceSampleRate,
          reservoirSize: 0,
          serviceName: `${this.stackName}-*`,
          serviceType: '*',
          host: '*',
          httpMethod: '*',
          urlPath: '*',
          resourceArn: '*',
          version: 1,
        },
      });
    }

    new CfnOutput(this, 'Stage', { value: settings.stage, description: 'Deployment stage (lobby:stage)' });
    new CfnOutput(this, 'PanelTopicRoot', { value: this.panels.topicRoot, description: "MQTT topic root of this stage's panels" });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn, description: 'SNS topic every alarm notifies' });
    new CfnOutput(this, 'StreamFailuresBucketName', {
      value: this.panels.streamFailures.bucketName,
      description: 'Stream batches credential-stream gave up on (records included)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.adminClient.userPoolClientId, description: 'App client of the admin tools (no secret)' });
    new CfnOutput(this, 'TokenUrl', { value: this.auth.tokenUrl, description: "Integrations' OAuth 2.0 token endpoint (client credentials)" });
    new CfnOutput(this, 'LobbyTableName', { value: this.data.lobbyTable.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.data.idempotencyTable.tableName });
    new CfnOutput(this, 'PhotosBucketName', { value: this.photos.bucket.bucketName });
    new CfnOutput(this, 'IotDataEndpoint', { value: this.panels.dataEndpoint, description: "MQTT (8883) endpoint for panels: the account's iot:Data-ATS endpoint" });
    new CfnOutput(this, 'PanelThingType', { value: this.panels.thingType.ref, description: 'IoT thing type of every panel' });
    new CfnOutput(this, 'PanelPolicyName', { value: this.panels.policy.ref, description: 'IoT policy attached to every panel certificate' });
  }
}

/** `lobby:smsCountries` (a JSON list or a comma-separated string of "+<digits>"), default ["+1"]; anything else fails the synth. */
function smsCountriesContext(raw: unknown): string[] {
  if (raw === undefined) return ['+1'];
  const list = typeof raw === 'string' ? (raw.trim().startsWith('[') ? (JSON.parse(raw) as unknown) : raw.split(',').map((c) => c.trim())) : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string' && /^\+[0-9]{1,4}$/.test(c))) {
    throw new Error('lobby:smsCountries must list country codes such as ["+1", "+44"]');
  }
  return list as string[];
}
