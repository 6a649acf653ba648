import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { NotificationSendError, type NotificationSender, type OutgoingMessage } from '../domain/notifications.ts';
import { onFirstUse } from './on-first-use.ts';
import { providerSendError } from './send-errors.ts';

/**
 * SMS through AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage; locally the
 * stand-in in local/sms, through AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2). The origination identity
 * (a phone number's ARN) and the configuration set come from CDK context through the environment;
 * without an origination identity SMS is off. The client is imported on first use. SendTextMessage
 * takes no idempotency token: a timeout is `unknown` and the worker does not send again.
 */
export interface SmsSettings {
  originationIdentity: string;
  configurationSet?: string;
}

export const smsSettingsFromEnv = (): SmsSettings | undefined => {
  const originationIdentity = process.env.LOBBY_SMS_ORIGINATION_IDENTITY;
  return originationIdentity ? { originationIdentity, configurationSet: process.env.LOBBY_SMS_CONFIGURATION_SET || undefined } : undefined;
};

/** The service's refusals that another try will not change (a bad number, an opted-out one, a wrong identity). */
const REFUSED = new Set(['ValidationException', 'ConflictException', 'ResourceNotFoundException', 'AccessDeniedException']);

/** A text to one phone number (E.164); the provider's message id. For code that texts directly; notifications go through the outbox. */
export interface SmsPort {
  sendSms(to: string, body: string, context?: Record<string, string>): Promise<{ messageId: string }>;
}

let client: PinpointSMSVoiceV2Client | undefined;

export function smsText(settings: SmsSettings): SmsPort {
  return onFirstUse<SmsPort>(
    async () => {
      const sms = await import('@aws-sdk/client-pinpoint-sms-voice-v2');
      client ??= new sms.PinpointSMSVoiceV2Client({});
      const c = client;
      return {
        async sendSms(to, body, context) {
          try {
            const out = await c.send(
              new sms.SendTextMessageCommand({
                DestinationPhoneNumber: to,
                OriginationIdentity: settings.originationIdentity,
                ConfigurationSetName: settings.configurationSet,
                MessageBody: body,
                MessageType: 'TRANSACTIONAL',
                Context: context,
              }),
            );
            if (!out.MessageId) throw new NotificationSendError('unknown', 'NoMessageId');
            return { messageId: out.MessageId };
          } catch (error) {
            throw providerSendError(error, REFUSED);
          }
        },
      };
    },
    { sendSms: true },
  );
}

/** The outbox's SMS channel: the template's text (it names the property), the record id in the message's context. */
export function smsTextSender(settings: SmsSettings): NotificationSender {
  const port = smsText(settings);
  return {
    idempotent: false,
    send: (message: OutgoingMessage) => port.sendSms(message.to, message.text, { notification: message.id }),
  };
}
