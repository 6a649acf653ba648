import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { NotificationSendError, type NotificationSender, type OutgoingMessage } from '../domain/notifications.ts';
import { onFirstUse } from './on-first-use.ts';
import { providerSendError } from './send-errors.ts';

/**
 * E-mail notifications through Amazon SES v2 SendEmail (locally: the aws-ses-v2-local stand-in,
 * through AWS_ENDPOINT_URL_SESV2). The client is imported on first use. SendEmail takes no
 * idempotency token, so this sender is not idempotent: a timeout after the request went out
 * is reported as `unknown` and the worker does not send again (domain/notifications.ts).
 */
export const fromEmailFromEnv = (): string | undefined => process.env.LOBBY_FROM_EMAIL || undefined;

/** SES's refusals that another try will not change (bad address, unverified identity, sending paused). */
const REFUSED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'BadRequestException',
  'NotFoundException',
]);
export const sendErrorOf = (error: unknown): NotificationSendError => providerSendError(error, REFUSED);

let client: SESv2Client | undefined;

export function sesEmailSender(from: string): NotificationSender {
  const operations = onFirstUse<Pick<NotificationSender, 'send'>>(
    async () => {
      const ses = await import('@aws-sdk/client-sesv2');
      client ??= new ses.SESv2Client({});
      const c = client;
      return {
        async send(message: OutgoingMessage) {
          try {
            const out = await c.send(
              new ses.SendEmailCommand({
                FromEmailAddress: from,
                Destination: { ToAddresses: [message.to] },
                Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.text, Charset: 'UTF-8' } } } },
                // The record id travels with the message (SES events carry tags), for tracing a complaint back to it.
                EmailTags: [{ Name: 'notification', Value: message.id }],
              }),
            );
            if (!out.MessageId) throw new NotificationSendError('unknown', 'NoMessageId');
            return { messageId: out.MessageId };
          } catch (error) {
            throw sendErrorOf(error);
          }
        },
      };
    },
    { send: true },
  );
  return { idempotent: false, send: operations.send };
}
