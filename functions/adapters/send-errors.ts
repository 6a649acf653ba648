import { NotificationSendError } from '../domain/notifications.ts';

/** Failures before the request reached the provider: nothing can have been sent. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'CredentialsProviderError',
]);

/**
 * What became of a failed provider call through an AWS SDK client (SES, SMS, SNS): `refused` for
 * the provider's own permanent refusals (`refused`: error names), `unavailable` when nothing can
 * have been sent (the provider answered with an error, or was never reached), `unknown` when it
 * may have been (a timeout or a dropped connection after the request went out).
 */
export function providerSendError(error: unknown, refused: ReadonlySet<string>): NotificationSendError {
  if (error instanceof NotificationSendError) return error;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const code = e?.code ?? '';
  if (refused.has(name)) return new NotificationSendError('refused', name);
  if (NOT_SENT.has(name) || NOT_SENT.has(code)) return new NotificationSendError('unavailable', name);
  if (typeof e?.$metadata?.httpStatusCode === 'number') return new NotificationSendError('unavailable', name);
  return new NotificationSendError('unknown', name);
}
