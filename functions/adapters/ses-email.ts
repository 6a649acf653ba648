import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { NotificationSendError, type NotificationSender, type OutgoingMessage } from '../domain/notifications.ts';
import { onFirstUse } from './on-first-use.ts';

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
/** Failures before the request reached SES: nothing can have been sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'TooManyRequestsException', 'LimitExceededException', 'CredentialsProviderError']);

export function sendErrorOf(error: unknown): NotificationSendError {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const code = e?.code ?? '';
  if (REFUSED.has(name)) return new NotificationSendError('refused', name);
  if (NOT_SENT.has(name) || NOT_SENT.has(code)) return new NotificationSendError('unavailable', name);
  // SES answered with an error: it did not take the message.
  if (typeof e?.$metadata?.httpStatusCode === 'number') return new NotificationSendError('unavailable', name);
  // A timeout or a dropped connection after the request went out: SES may have taken it.
  return new NotificationSendError('unknown', name);
}

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
            throw error instanceof NotificationSendError ? error : sendErrorOf(error);
          }
        },
      };
    },
    { send: true },
  );
  return { idempotent: false, send: operations.send };
}
