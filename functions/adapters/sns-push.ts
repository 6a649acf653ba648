import type { SNSClient } from '@aws-sdk/client-sns';
import type { PushPlatform, PushSender } from '../domain/call-ports.ts';
import { conflict } from '../domain/errors.ts';
import { onFirstUse } from './on-first-use.ts';
import { providerSendError } from './send-errors.ts';

/**
 * App pushes through Amazon SNS mobile push: one platform application per platform (APNs VoIP,
 * FCM), one platform endpoint per registered device. CDK sets the application ARNs from context;
 * an unset one means that platform's pushes are off. The SNS client is imported on first use.
 */
export interface PushApplications {
  apns?: string;
  fcm?: string;
}

export const pushApplicationsFromEnv = (): PushApplications => ({
  apns: process.env.LOBBY_PUSH_APNS_ARN || undefined,
  fcm: process.env.LOBBY_PUSH_FCM_ARN || undefined,
});

/** What an app is told: the call id only; it reads the call (and who may see it) over the API. */
export function callPushMessage(callId: string): string {
  const data = JSON.stringify({ callId });
  // MessageStructure json: SNS picks the key of the endpoint's platform; `default` is required.
  return JSON.stringify({
    default: data,
    APNS_VOIP: data,
    APNS_VOIP_SANDBOX: data,
    GCM: JSON.stringify({ fcmV1Message: { message: { data: { callId }, android: { priority: 'HIGH', ttl: '30s' } } } }),
  });
}

/** A notification as an alert: APNs `aps.alert`, an FCM v1 `notification`; the app gets the record id to open it. */
export function notificationPushMessage(push: { notificationId: string; title: string; body: string }): string {
  const apns = JSON.stringify({ aps: { alert: { title: push.title, body: push.body } }, notificationId: push.notificationId });
  return JSON.stringify({
    default: push.body,
    APNS: apns,
    APNS_SANDBOX: apns,
    GCM: JSON.stringify({ fcmV1Message: { message: { notification: { title: push.title, body: push.body }, data: { notificationId: push.notificationId } } } }),
  });
}

/** The platform named in an endpoint ARN: arn:aws:sns:<region>:<account>:endpoint/<PLATFORM>/<app>/<id>. */
const platformOf = (endpointArn: string) => endpointArn.split(':').at(-1)?.split('/')[1] ?? '';

/** SNS refusals another try will not change. */
const SNS_REFUSED = new Set(['InvalidParameterException', 'InvalidParameter', 'AuthorizationErrorException', 'PlatformApplicationDisabledException']);

let client: SNSClient | undefined;

async function snsOperations(applications: PushApplications): Promise<PushSender> {
  const sns = await import('@aws-sdk/client-sns');
  client ??= new sns.SNSClient({});
  const c = client;
  return {
    async register(platform: PushPlatform, token: string) {
      const application = applications[platform];
      if (!application) throw conflict(`app push is not set up for ${platform} in this deployment`, 'push-not-configured');
      const out = await c.send(new sns.CreatePlatformEndpointCommand({ PlatformApplicationArn: application, Token: token }));
      const endpoint = out.EndpointArn;
      if (!endpoint) throw new Error('SNS CreatePlatformEndpoint returned no EndpointArn');
      // SNS hands back an existing endpoint for a known token, disabled if APNs or FCM once refused it:
      // the app registering it again says it is good, so enable it (AWS's recommended registration flow).
      const { Attributes: attributes = {} } = await c.send(new sns.GetEndpointAttributesCommand({ EndpointArn: endpoint }));
      if (attributes.Enabled !== 'true' || attributes.Token !== token) {
        await c.send(new sns.SetEndpointAttributesCommand({ EndpointArn: endpoint, Attributes: { Token: token, Enabled: 'true' } }));
      }
      return endpoint;
    },
    async unregister(endpoint: string) {
      // DeleteEndpoint is idempotent in SNS: a gone endpoint is not an error.
      await c.send(new sns.DeleteEndpointCommand({ EndpointArn: endpoint }));
    },
    async sendCallPush(endpoint: string, push: { callId: string; propertyId: string }) {
      const message = callPushMessage(push.callId);
      const apns = platformOf(endpoint).startsWith('APNS');
      try {
        await c.send(
          new sns.PublishCommand({
            TargetArn: endpoint,
            MessageStructure: 'json',
            Message: message,
            // A VoIP push wakes the app into CallKit; APNs requires the push type for it.
            MessageAttributes: apns
              ? {
                  'AWS.SNS.MOBILE.APNS.PUSH_TYPE': { DataType: 'String', StringValue: 'voip' },
                  'AWS.SNS.MOBILE.APNS.PRIORITY': { DataType: 'String', StringValue: '10' },
                }
              : undefined,
          }),
        );
        return 'sent';
      } catch (error) {
        // Disabled (the platform said the token is dead) or deleted: the device is gone.
        if (error instanceof sns.EndpointDisabledException || error instanceof sns.NotFoundException) return 'gone';
        throw error;
      }
    },
    async sendNotificationPush(endpoint: string, push: { notificationId: string; title: string; body: string }) {
      // A VoIP token must be answered with CallKit: iOS takes no alerts on it.
      if (platformOf(endpoint).startsWith('APNS_VOIP')) return 'unsupported' as const;
      try {
        const out = await c.send(new sns.PublishCommand({ TargetArn: endpoint, MessageStructure: 'json', Message: notificationPushMessage(push) }));
        if (!out.MessageId) throw new Error('SNS Publish returned no MessageId');
        return { messageId: out.MessageId };
      } catch (error) {
        if (error instanceof sns.EndpointDisabledException || error instanceof sns.NotFoundException) return 'gone' as const;
        // Sent, not sent or maybe sent: the outbox must not push twice after a timeout.
        throw providerSendError(error, SNS_REFUSED);
      }
    },
  };
}

export function snsPushSender(applications: PushApplications = pushApplicationsFromEnv()): PushSender {
  return onFirstUse(() => snsOperations(applications), { register: true, unregister: true, sendCallPush: true, sendNotificationPush: true });
}
