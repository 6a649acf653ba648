import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { DynamoDBClient as DynamoDBClientType } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../functions/adapters/table-definitions.ts';
import { startApiGateway } from './api-gateway.ts';
import type { GatewayEdgeOptions } from './gateway-edge.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { LOCAL_ISSUER, localIssuer, PERSON_CLIENTS } from './jwt.ts';
import { startLocalCognito } from './cognito/server.ts';
import { layout, portsFrom, type Ports } from './paths.ts';
import { startS3 } from './s3.ts';
import { LOCAL_CREDENTIALS } from './sigv4.ts';
import { demoTokens, seedDemoProperty, type DemoTokens } from './seed.ts';
import { ensureTables } from './tables.ts';
import { startLocalIot } from './iot.ts';
import { invokeLambda } from './lambda-runtime.ts';
import { type PushLogEntry, startLocalSns } from './sns/server.ts';
import { startLocalSes } from './ses.ts';
import { type SmsLogEntry, startLocalSms } from './sms/server.ts';
import { type SimulatedCall, startPstnSimulator } from './pstn/simulator.ts';
import { startLocalKvs } from './kvs/index.ts';
import { openLocalCa } from '../iot/local-core/local-ca.ts';
import { localProvisioner } from './panel-provisioner.ts';
import { injectPanelProvisioner } from '../functions/adapters/panel-provisioner.ts';
import { startStreamPoller } from './streams.ts';
import { startSchedules } from './schedules.ts';
import { identityPath, saveIdentity } from '../iot/panel/identity.ts';
import { isPortFree, PortInUseError } from './listen.ts';
import { CONSOLE_PORT_OFFSET, CONSOLE_SCOPES, DEMO_SIGN_IN, ensureConsoleBuilt, startConsoleServer } from './console.ts';
import { hostedLogin } from './cognito/hosted-login.ts';
import { LOCAL_CONSOLE_CLIENT } from './jwt.ts';

// Loading the SDK through require is much faster inside vitest (see TOOLCHAIN.md).
const { DynamoDBClient } = createRequire(import.meta.url)('@aws-sdk/client-dynamodb') as { DynamoDBClient: typeof DynamoDBClientType };

export const PHOTOS_BUCKET = 'lobby-photos-local';
const localTableName = (def: TableDefinition) => `lobby-${def.id}`;
const LOBBY_TABLE = 'lobby-Lobby';
const IDEMPOTENCY_TABLE = 'lobby-Idempotency';

/** What `npm start` writes to .lobby/local.json for tools, tests and people. */
export interface LocalStackInfo {
  apiUrl: string;
  mqttUrl: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  iotDataEndpoint: string;
  /** The SNS mobile push stand-in; every push it delivers is a line of pushLog (JSON). */
  snsEndpoint: string;
  pushLog: string;
  /** The Chime SDK PSTN audio stand-in; `npm run phone` plays the callee through it. */
  pstnEndpoint: string;
  /** The SES v2 stand-in (notification e-mails; its web page, mailUrl, shows them) and the SMS stand-in, whose texts are lines of smsLog (JSON). */
  sesEndpoint: string;
  mailUrl: string;
  smsEndpoint: string;
  smsLog: string;
  /** The Kinesis Video signaling stand-in (control plane, GetIceServerConfig; WSS on the same port). */
  kvsEndpoint: string;
  /** The local CA that signs the stand-ins' TLS certificates (MQTT, KVS WSS): what a local resident client trusts. */
  localCaFile: string;
  photosBucket: string;
  tables: Record<string, string>;
  propertyId: string;
  panels: Array<{ id: string; kind: string }>;
  tokens: DemoTokens;
  /** Integrations' OAuth token endpoint (client credentials) and the Cognito stand-in's service endpoint (app clients). */
  tokenUrl: string;
  cognitoEndpoint: string;
  /** The Lobby Console (its /config.json points at apiUrl and the hosted login) and the local stand-in for Cognito managed login it signs in with. */
  consoleUrl: string;
  hostedLoginUrl: string;
  /** The process running this stack: the CLIs (npm run token, ...) check it is alive before trusting this file. */
  pid: number;
}

export interface LocalStack {
  info: LocalStackInfo;
  stop(): Promise<void>;
}

async function ensureSecret(file: string) {
  if (existsSync(file)) return;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
}

/**
 * The environment the handlers read, set in this process before they load: the
 * same variable names CDK sets on the Lambda functions, plus AWS_ENDPOINT_URL_*
 * overrides which the AWS SDK honours by itself.
 */
function handlerEnvironment(home: ReturnType<typeof layout>, endpoints: { dynamodb: string; s3: string; iotData: string; mqtt: string; kvs: string }) {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    // The local stack runs on this machine's Node 20; Lambda runs Node 22.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The local S3, KVS, SNS and PSTN stand-ins verify SigV4 with this one key pair (local/sigv4.ts);
    // DynamoDB Local and the IoT stand-in accept any.
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_IOT_DATA_PLANE: endpoints.iotData,
    // KVS signaling: the control plane and (as GetSignalingChannelEndpoint's HTTPS endpoint) GetIceServerConfig.
    AWS_ENDPOINT_URL_KINESIS_VIDEO: endpoints.kvs,
    AWS_ENDPOINT_URL_KINESIS_VIDEO_SIGNALING: endpoints.kvs,
    S3_FORCE_PATH_STYLE: 'true',
    LOBBY_TABLE,
    IDEMPOTENCY_TABLE,
    // No IoT control plane here: panels get identities from the injected local provisioner
    // (below); a control-plane call that got past it fails on this closed port, never reaches AWS.
    AWS_ENDPOINT_URL_IOT: 'http://127.0.0.1:1',
    PHOTOS_BUCKET,
    CODE_SECRET_FILE: home.codeSecret,
    POWERTOOLS_SERVICE_NAME: 'lobby',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
  });
}

async function assertPortsFree(ports: Ports) {
  for (const [what, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) throw new PortInUseError(what, port);
  }
}

export async function startLocalStack(opts: {
  home: string;
  portBase: number;
  fresh?: boolean;
  inMemory?: boolean;
  /** a child process of the stack (DynamoDB Local's java) died while running: one sentence saying which and how */
  onChildDied?: (message: string) => void;
  /** an app push was delivered / a phone call changed (npm start prints them) */
  onPush?: (push: PushLogEntry) => void;
  /** a text was sent through the SMS stand-in (npm start prints it) */
  onText?: (text: SmsLogEntry) => void;
  onPhoneCall?: (call: SimulatedCall, what: string) => void;
  /** progress lines while starting (DynamoDB Local download and Java, tables, seed); npm start prints them */
  progress?: (line: string) => void;
  /** one entry per API request (npm start prints it as `POST /path/{id} 201 32 ms`) */
  onRequest?: GatewayEdgeOptions['onRequest'];
  /** browser origins the API allows (CORS, as lib/settings.ts corsOrigins does in AWS); the console adds its own */
  corsOrigins?: readonly string[];
}): Promise<LocalStack> {
  const paths = layout(opts.home);
  const ports = portsFrom(opts.portBase);
  await assertPortsFree(ports);
  const consolePort = opts.portBase + CONSOLE_PORT_OFFSET;
  if (!(await isPortFree(consolePort))) throw new PortInUseError('console', consolePort);
  let previous: Partial<LocalStackInfo> = {};
  if (opts.fresh) {
    await rm(paths.home, { recursive: true, force: true });
  } else if (existsSync(paths.localJson)) {
    previous = JSON.parse(await readFile(paths.localJson, 'utf8'));
  }
  await mkdir(paths.keys, { recursive: true, mode: 0o700 });
  await ensureSecret(paths.codeSecret);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    await mkdir(paths.dynamodb, { recursive: true });
    const dynamodb = await startDynamoDbLocal({
      port: ports.dynamodb,
      dbPath: opts.inMemory ? undefined : paths.dynamodb,
      progress: opts.progress,
      onUnexpectedExit: ({ pid, code, signal }) => opts.onChildDied?.(`DynamoDB Local (java, pid ${pid}) died: exit code ${code ?? 'none'}${signal ? ` (signal ${signal})` : ''}`),
    });
    stops.push(() => dynamodb.stop());
    const s3 = await startS3({ port: ports.s3, directory: paths.s3, buckets: [PHOTOS_BUCKET] });
    stops.push(() => s3.stop());
    const mqtt = await startLocalIot({ mqttPort: ports.mqtt, httpPort: ports.iotData, dataDir: paths.iot });
    stops.push(() => mqtt.stop());
    // App push and the phone path: stand-ins on ports of their own choosing (local.json says which).
    const sns = await startLocalSns({ port: 0, stateFile: `${paths.home}/sns/endpoints.json`, logFile: `${paths.home}/pushes.jsonl`, onPush: opts.onPush });
    stops.push(() => sns.stop());
    // Notifications: SES v2 (e-mail) and End User Messaging SMS stand-ins, SigV4-checked like the others.
    const ses = await startLocalSes({ port: 0 });
    stops.push(() => ses.stop());
    const sms = await startLocalSms({ port: 0, logFile: `${paths.home}/sms.jsonl`, onText: opts.onText });
    stops.push(() => sms.stop());
    const pstn = await startPstnSimulator({ port: 0, invoke: (event) => invokeLambda('phone-call', event), onCall: opts.onPhoneCall });
    stops.push(() => pstn.stop());
    // The signaling stand-in's WSS uses the IoT CA's server certificate.
    const ca = await openLocalCa(paths.iot);
    const kvs = await startLocalKvs({ port: ports.kvs, wssPort: ports.kvsWss, dataDir: paths.kvs, credentials: LOCAL_CREDENTIALS, tls: ca.server });
    stops.push(() => kvs.stop());

    handlerEnvironment(paths, { dynamodb: dynamodb.endpoint, s3: s3.endpoint, iotData: mqtt.dataPlaneEndpoint, mqtt: mqtt.mqttUrl, kvs: kvs.endpoint });
    // What CDK context gives in AWS (lib/): the platform applications, the SIP media application and its number.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      LOBBY_PUSH_APNS_ARN: sns.applications.apns,
      LOBBY_PUSH_FCM_ARN: sns.applications.fcm,
      AWS_ENDPOINT_URL_CHIME_SDK_VOICE: pstn.endpoint,
      LOBBY_SIP_MEDIA_APPLICATION_ID: pstn.sipMediaApplicationId,
      LOBBY_PHONE_NUMBER: pstn.phoneNumber,
      // The notifications function's: the SES identity (context lobby:fromEmail), the SMS origination identity and configuration set.
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      LOBBY_FROM_EMAIL: 'Lobby <no-reply@lobby.local>',
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
      LOBBY_SMS_ORIGINATION_IDENTITY: sms.originationIdentity.arn,
      LOBBY_SMS_CONFIGURATION_SET: sms.configurationSet,
      // Webhooks may point at http://127.0.0.1 here (receivers on this machine); never in AWS.
      LOBBY_WEBHOOKS_ALLOW_LOOPBACK: '1',
    });
    // The local stack's composition root: the handlers run in this process and create panels with the local CA.
    injectPanelProvisioner(localProvisioner({ dataDir: paths.iot, mqttUrl: mqtt.mqttUrl }));
    const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await ensureTables(client, localTableName);
    opts.progress?.(`tables: ${LOBBY_TABLE}, ${IDEMPOTENCY_TABLE} (the definitions CDK deploys)`);
    client.destroy();
    const poller = await startStreamPoller({
      endpoint: dynamodb.endpoint,
      tableName: LOBBY_TABLE,
      fn: 'credential-stream',
      checkpointFile: paths.streamCheckpoint,
      onError: (error) => process.stderr.write(`stream: batch failed, retrying: ${(error as Error).name}: ${(error as Error).message}\n`),
      onDiscard: (sequenceNumber, attempts) =>
        process.stderr.write(`stream: gave up on record ${sequenceNumber} after ${attempts} attempts (in AWS it goes to the on-failure queue)\n`),
    });
    stops.push(() => poller.stop());
    // The notifications worker's own stream mapping (lib/notifications.ts), with its filter: new notification records only.
    const notificationPoller = await startStreamPoller({
      endpoint: dynamodb.endpoint,
      tableName: LOBBY_TABLE,
      fn: 'notifications',
      checkpointFile: join(paths.home, 'notification-stream-checkpoint.json'),
      filter: (r) => r.eventName === 'INSERT' && ['notification', 'webhook-event'].includes(r.dynamodb?.NewImage?.type?.S ?? ''),
      onError: (error) => process.stderr.write(`notifications stream: batch failed, retrying: ${(error as Error).name}: ${(error as Error).message}\n`),
      onDiscard: (sequenceNumber, attempts) =>
        process.stderr.write(`notifications stream: gave up on record ${sequenceNumber} after ${attempts} attempts (in AWS it goes to the on-failure queue)\n`),
    });
    stops.push(() => notificationPoller.stop());

    const issuer = await localIssuer(paths.jwtPrivateKey);
    // Integrations: the user pool's app clients and its token endpoint (client credentials); its JWKS for the API's authorizer.
    // The console signs in at the same domain: authorization code + PKCE and refresh grants, /oauth2/authorize (demo users to pick), /logout.
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    const login = hostedLogin({
      issuer,
      clients: [{ clientId: LOCAL_CONSOLE_CLIENT, callbackUrls: [`${consoleUrl}/`], logoutUrls: [`${consoleUrl}/`], scopes: CONSOLE_SCOPES }],
      users: DEMO_SIGN_IN,
    });
    const cognito = await startLocalCognito({
      port: 0,
      issuer,
      stateFile: join(paths.home, 'cognito', 'clients.json'),
      grants: login.grants,
      routes: login.handle,
      corsOrigins: login.corsOrigins,
    });
    stops.push(() => cognito.stop());
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      LOBBY_USER_POOL_ID: cognito.userPoolId,
      LOBBY_TOKEN_URL: cognito.tokenUrl,
      // The authorizer's (functions/handlers/authorizer.ts): the issuer, its keys, the person app clients.
      LOBBY_JWT_ISSUER: LOCAL_ISSUER,
      LOBBY_JWKS_URI: cognito.jwksUri,
      LOBBY_PERSON_CLIENT_IDS: PERSON_CLIENTS.join(','),
    });
    const api = await startApiGateway({ port: ports.api, issuer, onRequest: opts.onRequest, corsOrigins: [...(opts.corsOrigins ?? []), consoleUrl] });
    stops.push(() => api.stop());

    const consoleServer = await startConsoleServer({
      port: consolePort,
      dist: await ensureConsoleBuilt(() => process.stdout.write('console: building (vite build)...\n')),
      config: {
        apiUrl: api.url,
        auth: {
          authorizeUrl: `${cognito.endpoint}/oauth2/authorize`,
          tokenUrl: `${cognito.tokenUrl}`,
          logoutUrl: `${cognito.endpoint}/logout`,
          clientId: LOCAL_CONSOLE_CLIENT,
          scopes: CONSOLE_SCOPES,
        },
      },
      photoOrigins: [s3.endpoint],
    });
    stops.push(() => consoleServer.stop());
    const tokens = await demoTokens(issuer);
    const { propertyId, panel } = await seedDemoProperty(api.url, tokens, previous.propertyId, previous.panels);
    opts.progress?.(`seed: Demo Tower ${propertyId}${previous.propertyId === propertyId ? ' (kept from the last start)' : ''}, panel ${panel.id}`);
    const schedules = startSchedules({
      everySeconds: Number(process.env.LOBBY_RECONCILE_SECONDS ?? 60),
      // The outbox's retries and lapsed claims (every minute in AWS; sooner here, so a retry is seen soon).
      also: [{ fn: 'notifications', everySeconds: Number(process.env.LOBBY_NOTIFY_SECONDS ?? 10) }],
      onError: (fn, error) => process.stderr.write(`schedule: ${fn} failed: ${(error as Error).name}: ${(error as Error).message}\n`),
    });
    stops.push(() => schedules.stop());
    if (panel.connection) await saveIdentity({ panelId: panel.id, propertyId, kind: panel.kind, ...panel.connection }, identityPath(panel.id, paths.home));
    const info: LocalStackInfo = {
      apiUrl: api.url,
      mqttUrl: mqtt.mqttUrl,
      s3Endpoint: s3.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      iotDataEndpoint: mqtt.dataPlaneEndpoint,
      snsEndpoint: sns.endpoint,
      pushLog: sns.logFile,
      pstnEndpoint: pstn.endpoint,
      sesEndpoint: ses.endpoint,
      mailUrl: ses.webUrl,
      smsEndpoint: sms.endpoint,
      smsLog: sms.logFile,
      kvsEndpoint: kvs.endpoint,
      localCaFile: join(ca.dir, 'ca.cert.pem'),
      photosBucket: PHOTOS_BUCKET,
      tables: { lobby: LOBBY_TABLE, idempotency: IDEMPOTENCY_TABLE },
      propertyId,
      panels: [{ id: panel.id, kind: panel.kind }],
      tokens,
      tokenUrl: cognito.tokenUrl,
      cognitoEndpoint: cognito.endpoint,
      consoleUrl: consoleServer.url,
      hostedLoginUrl: cognito.endpoint,
      pid: process.pid,
    };
    await writeFile(paths.localJson, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
