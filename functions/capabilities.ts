import type { FunctionName } from './http/routes.ts';

/*
 * What each Lambda function may do in AWS, beside the route table (http/routes.ts): the
 * one place that says it. lib/ grants exactly this (lib/capability-grants.ts) and
 * test/cdk/capabilities.test.ts checks that each function's IAM policy is what its
 * capabilities give, no more, no less. A handler that starts using a new AWS resource
 * adds the capability here; forgetting it shows up in the CDK test, not as AccessDenied in AWS.
 *
 * Logs (its own log group) and X-Ray come with every function (lib/lobby-function.ts); what
 * its trigger needs (reading the table stream, the failure destinations) comes with the
 * trigger (lib/panels.ts, lib/credential-stream-source.ts): neither is a capability.
 */

/** The Lambda functions of the panel side (IoT rules, the table stream, the schedule). */
export type PanelFunctionName = 'panel-messages' | 'panel-requests' | 'panel-presence' | 'credential-stream' | 'reconcile';
/** Every Lambda function: the API's (one per route-table `fn`) and the panel side's. */
/** The SIP media application's Lambda (Chime SDK PSTN audio invokes it): the phone path of calls. */
export type PhoneFunctionName = 'phone-call';
/** The notifications outbox worker (lib/notifications.ts): the table stream and a schedule. */
export type NotificationFunctionName = 'notifications';
/** The HTTP API's Lambda authorizer (lib/api.ts): person and integration tokens on every `auth: 'jwt'` route. */
export type AuthorizerFunctionName = 'authorizer';
export type LambdaName = FunctionName | PanelFunctionName | PhoneFunctionName | NotificationFunctionName | AuthorizerFunctionName;

export type Capability =
  /** Items of the Lobby table and its GSIs (read and write). */
  | 'table'
  /** Powertools idempotency records (functions with an Idempotency-Key route). */
  | 'idempotency'
  /** The code secret: loadStores() reads it at cold start (functions/adapters/code-vault.ts). */
  | 'code-secret'
  /** Photos under photos/: read (presigned GET), write (presigned PUT for panels), delete (expired events). */
  | 'photos-read'
  | 'photos-write'
  | 'photos-delete'
  /** Credential-set snapshots under credential-sets/ (written, then presigned GET for panels). */
  | 'snapshots'
  /** iot:Publish on one channel of every panel of the stage. */
  | 'publish-responses'
  | 'publish-commands'
  /** iot:Publish on the panels' `calls` channel: call state changes. */
  | 'publish-calls'
  /** iot:UpdateThingShadow on the panels' `credentials` named shadow. */
  | 'credentials-shadow'
  /** Create and decommission panels: things, certificates, the panel policy (adapters/panel-provisioner.ts). */
  | 'provision-panels'
  /**
   * App pushes through SNS mobile push: create endpoints on the platform applications from context,
   * publish to and delete their endpoints (adapters/sns-push.ts). Grants nothing when push is off.
   */
  | 'push'
  /** chime:CreateSipMediaApplicationCall on the stack's SIP media application (adapters/chime-phone.ts). Nothing when the phone path is off. */
  | 'dial-phone'
  /**
   * KVS signaling channels of the stage's panels, `channel/lobby-<stage>-*` (adapters/kvs-media.ts):
   * create (and describe) one, delete one, and presign sessions on one (describe, its endpoints, ICE
   * servers, and ConnectAsMaster for a panel's session or ConnectAsViewer for an app's: the presigned URL
   * carries the function's permission, so each side can presign only its own role).
   */
  | 'open-channels'
  | 'delete-channels'
  | 'master-sessions'
  | 'viewer-sessions'
  /** ses:SendEmail on the deployment's identity (lobby:sesIdentityArn), LOBBY_FROM_EMAIL. Nothing without it. */
  | 'send-email'
  /** sms-voice:SendTextMessage from lobby:smsOriginationIdentity (and its configuration set). Nothing without it. */
  | 'send-sms'
  /** cognito-idp Create/Describe/DeleteUserPoolClient on the stack's user pool: one app client per integration (adapters/cognito-clients.ts). */
  | 'app-clients'
  /** dynamodb:GetItem on the Lobby table, nothing else: the authorizer reads an integration's client reference. */
  | 'table-get';

/** Capabilities that talk to the IoT data plane: their function gets the account's data endpoint. */
export const IOT_DATA_CAPABILITIES: readonly Capability[] = ['publish-responses', 'publish-commands', 'publish-calls', 'credentials-shadow', 'provision-panels'];

const data: Capability[] = ['table', 'code-secret'];

export const capabilities: Readonly<Record<LambdaName, readonly Capability[]>> = {
  // A static document: no table, bucket or secret.
  openapi: [],
  // patchSettings announces a new credential-set version when the offline-pass policy changes.
  properties: [...data, 'idempotency', 'credentials-shadow'],
  people: [...data, 'idempotency'],
  'delivery-pins': [...data, 'idempotency'],
  passes: [...data, 'idempotency'],
  // createPanel provisions and writes the new panel's shadow; unlock commands; decommission.
  // Its signaling channel comes and goes with the panel (adapters/kvs-media.ts withSignalingChannel).
  panels: [...data, 'idempotency', 'provision-panels', 'publish-commands', 'credentials-shadow', 'open-channels', 'delete-channels'],
  // Access events come with presigned photo URLs.
  'access-events': [...data, 'photos-read'],
  // Accept, decline, open-door: the call's state to its panel, the door's unlock command.
  calls: [...data, 'publish-calls', 'publish-commands', 'push', 'viewer-sessions'],
  // The resident's record and push devices.
  me: [...data, 'idempotency', 'push'],
  // Packages: the table only (notifications are records in it).
  packages: [...data, 'idempotency'],
  // Integrations: their records (and audit) in the table, their app clients in the user pool.
  integrations: [...data, 'app-clients'],
  // Reads one item per integration token (is the integration live?); person tokens need nothing.
  authorizer: ['table-get'],
  // Webhook subscriptions: the table (secrets are sealed with the code vault, part of data).
  webhooks: [...data],
  // Roster sync: move-ins and move-outs (a move-out removes the resident's push devices).
  roster: [...data, 'push'],
  'panel-messages': [...data],
  'panel-presence': [...data],
  // Sync (snapshots, presigned GET), photo upload URLs (presigned PUT), claims, the reply.
  // call.start rings devices (push) and phones (dial-phone).
  // call.start gives the panel its MASTER session, opening the channel of a panel provisioned before calls.
  'panel-requests': [...data, 'snapshots', 'photos-write', 'publish-responses', 'publish-calls', 'push', 'dial-phone', 'master-sessions', 'open-channels'],
  // Credential changes -> set versions announced in shadows; photos of expired access events.
  'credential-stream': [...data, 'credentials-shadow', 'photos-delete'],
  // Re-announces versions panels missed, rebuilding snapshots.
  reconcile: [...data, 'snapshots', 'credentials-shadow', 'publish-calls', 'push'],
  // 9 accepts the call and opens the door (the unlock command, the panel told); devices that rang are told.
  'phone-call': [...data, 'publish-calls', 'publish-commands', 'push'],
  // The outbox worker: e-mail, texts, and app pushes to the resident's devices.
  notifications: [...data, 'send-email', 'send-sms', 'push'],
};

export const capabilitiesOf = (fn: LambdaName): readonly Capability[] => capabilities[fn];
export const talksToIotData = (fn: LambdaName): boolean => capabilities[fn].some((c) => IOT_DATA_CAPABILITIES.includes(c));
