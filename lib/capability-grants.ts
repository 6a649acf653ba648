import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { type Capability, capabilitiesOf, type LambdaName, talksToIotData } from '../functions/capabilities.ts';
import type { Data } from './data.ts';
import type { LobbyFunction } from './lobby-function.ts';
import { PHOTO_PREFIX, type Photos, SNAPSHOT_PREFIX } from './photos.ts';
import { lobbySettings } from './settings.ts';
import type { TelephonyGrants } from './telephony.ts';

/** The IoT side of the grants (lib/panels.ts Panels): topics, shadows and provisioning of this stage. */
export interface IotGrants {
  /** `https://<iot:Data-ATS endpoint>`, for IOT_DATA_ENDPOINT_VARIABLE. */
  readonly dataEndpointUrl: string;
  grantPublish(role: Role, channel: 'responses' | 'commands' | 'calls', why: string): void;
  grantShadowUpdate(role: Role, why: string): void;
  grantProvisioning(lambda: LobbyFunction): void;
}

/** The SDK's service-specific endpoint variable for IoTDataPlaneClient (functions/adapters/panel-channel.ts). */
export const IOT_DATA_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_IOT_DATA_PLANE';

/** Why a function holds a wildcard IoT grant: the cdk-nag IAM5 acknowledgement's reason names the code. */
const iotReasons: Partial<Record<LambdaName, Partial<Record<Capability, string>>>> = {
  'panel-requests': { 'publish-responses': "replies to a panel request go to the requesting panel's own responses topic (functions/handlers/panel-requests.ts)" },
  'credential-stream': { 'credentials-shadow': 'credential-set versions are announced to every panel of the property (functions/domain/credential-sets.ts announce)' },
  reconcile: { 'credentials-shadow': 'reconciliation re-announces the current credential-set version to panels that missed it (functions/domain/reconcile.ts)' },
  panels: { 'publish-commands': "remote unlock commands go to the chosen panel's own commands topic (functions/domain/commands.ts requestUnlock)" },
};
const reason = (fn: LambdaName, capability: Capability, fallback: string) => iotReasons[fn]?.[capability] ?? fallback;

const telephonyOf = (fn: LambdaName, by: { telephony?: TelephonyGrants }): TelephonyGrants => {
  if (!by.telephony) throw new Error(`${fn} has a push or phone capability: pass the stack's Telephony (lib/telephony.ts) to grantCapabilities`);
  return by.telephony;
};

/** What adapters/kvs-media.ts session() calls or presigns, by role (the WSS URL is authorized as ConnectAsMaster or ConnectAsViewer). */
const sessionActions = (connect: 'kinesisvideo:ConnectAsMaster' | 'kinesisvideo:ConnectAsViewer') => [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
  connect,
];

/** The stage's panel channels, `channel/lobby-<stage>-<panelId>/<creation time>` (adapters/kvs-media.ts signalingChannelName). */
export const signalingChannels = (stage: string) => `channel/lobby-${stage}-*/*`;

function grantSignaling(lambda: LobbyFunction, actions: string[]) {
  const stack = Stack.of(lambda);
  const resource = signalingChannels(lobbySettings(lambda).stage);
  lambda.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [stack.formatArn({ service: 'kinesisvideo', resource, arnFormat: ArnFormat.NO_RESOURCE_NAME })] }));
  const show = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  Validations.of(lambda.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${show(stack.partition, 'Partition')}:kinesisvideo:${show(stack.region, 'Region')}:${show(stack.account, 'AccountId')}:${resource}]`,
    reason:
      "The wildcards are the panel id and the channel's creation time, known only at run time: only this stage's panel signaling channels (lobby-<stage>-<panelId>), only the KVS actions adapters/kvs-media.ts calls.",
  });
}

/** The variables adapters/ses-email.ts and adapters/sms-text.ts read. */
export const NOTIFICATION_VARIABLES = {
  fromEmail: 'LOBBY_FROM_EMAIL',
  smsOriginationIdentity: 'LOBBY_SMS_ORIGINATION_IDENTITY',
  smsConfigurationSet: 'LOBBY_SMS_CONFIGURATION_SET',
} as const;

/** ses:SendEmail on the deployment's identity only (the one Cognito sends from too); the function learns the From address. */
function grantSendEmail(lambda: LobbyFunction) {
  const settings = lobbySettings(lambda);
  if (!settings.sesIdentityArn || !settings.fromEmail) return;
  lambda.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [settings.sesIdentityArn] }));
  lambda.function.addEnvironment(NOTIFICATION_VARIABLES.fromEmail, settings.fromEmail);
}

/** sms-voice:SendTextMessage from the configured origination identity (and through its configuration set) only. */
function grantSendSms(lambda: LobbyFunction) {
  const settings = lobbySettings(lambda);
  const identity = settings.smsOriginationIdentity;
  if (!identity) return;
  const configurationSet = settings.smsConfigurationSet
    ? Stack.of(lambda).formatArn({ service: 'sms-voice', resource: 'configuration-set', resourceName: settings.smsConfigurationSet, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })
    : undefined;
  lambda.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources: [identity, ...(configurationSet ? [configurationSet] : [])] }));
  lambda.function.addEnvironment(NOTIFICATION_VARIABLES.smsOriginationIdentity, identity);
  if (settings.smsConfigurationSet) lambda.function.addEnvironment(NOTIFICATION_VARIABLES.smsConfigurationSet, settings.smsConfigurationSet);
}

/**
 * Grants a function exactly its capabilities (functions/capabilities.ts), each with the
 * narrowest resource it can have, and gives the functions that talk to the IoT data plane
 * its endpoint.
 */
export function grantCapabilities(
  fn: LambdaName,
  lambda: LobbyFunction,
  by: { data: Data; photos: Photos; iot: IotGrants; telephony?: TelephonyGrants; auth?: { grantAppClients(lambda: LobbyFunction): void } },
) {
  const role = lambda.role;
  for (const capability of capabilitiesOf(fn)) {
    switch (capability) {
      case 'table':
        by.data.grantLobbyTable(role);
        break;
      case 'idempotency':
        by.data.grantIdempotencyTable(role);
        break;
      case 'code-secret':
        by.data.grantCodeSecret(role);
        break;
      case 'photos-read':
        by.photos.grantObjects(role, ['s3:GetObject'], PHOTO_PREFIX);
        break;
      case 'photos-write':
        by.photos.grantObjects(role, ['s3:PutObject'], PHOTO_PREFIX);
        break;
      case 'photos-delete':
        by.photos.grantObjects(role, ['s3:DeleteObject'], PHOTO_PREFIX);
        break;
      case 'snapshots':
        by.photos.grantObjects(role, ['s3:PutObject', 's3:GetObject'], SNAPSHOT_PREFIX);
        break;
      case 'publish-responses':
        by.iot.grantPublish(role, 'responses', reason(fn, capability, `the ${fn} function replies on a panel's own responses topic`));
        break;
      case 'publish-commands':
        by.iot.grantPublish(role, 'commands', reason(fn, capability, `the ${fn} function sends commands on a panel's own commands topic`));
        break;
      case 'publish-calls':
        by.iot.grantPublish(
          role,
          'calls',
          reason(fn, capability, `the ${fn} function tells a panel of its calls' state changes on the panel's own calls topic (functions/domain/calls.ts)`),
        );
        break;
      case 'credentials-shadow':
        by.iot.grantShadowUpdate(role, reason(fn, capability, `the ${fn} function writes the credentials shadow of a property's panels (functions/capabilities.ts)`));
        break;
      case 'provision-panels':
        by.iot.grantProvisioning(lambda);
        break;
      case 'push':
        telephonyOf(fn, by).grantPush(role);
        break;
      case 'dial-phone':
        telephonyOf(fn, by).grantDial(lambda);
        break;
      case 'open-channels':
        grantSignaling(lambda, ['kinesisvideo:CreateSignalingChannel', 'kinesisvideo:DescribeSignalingChannel']);
        break;
      case 'delete-channels':
        grantSignaling(lambda, ['kinesisvideo:DeleteSignalingChannel', 'kinesisvideo:DescribeSignalingChannel']);
        break;
      case 'master-sessions':
        grantSignaling(lambda, sessionActions('kinesisvideo:ConnectAsMaster'));
        break;
      case 'viewer-sessions':
        grantSignaling(lambda, sessionActions('kinesisvideo:ConnectAsViewer'));
        break;
      case 'send-email':
        grantSendEmail(lambda);
        break;
      case 'send-sms':
        grantSendSms(lambda);
        break;
      case 'app-clients':
        if (!by.auth) throw new Error(`${fn} has the app-clients capability: pass the stack's Auth (lib/auth.ts) to grantCapabilities`);
        by.auth.grantAppClients(lambda);
        break;
      case 'table-get':
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [by.data.lobbyTable.tableArn] }));
        break;
      default:
        throw new Error(`capability ${capability satisfies never} has no grant`);
    }
  }
  if (talksToIotData(fn)) lambda.function.addEnvironment(IOT_DATA_ENDPOINT_VARIABLE, by.iot.dataEndpointUrl);
}
