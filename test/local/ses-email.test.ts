import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { type LocalSes, startLocalSes, storedMails } from '../../local/ses.ts';
import { newProperty, type TestProperty } from '../support/api.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { QueuedNotification } from '../../functions/domain/notifications.ts';
import type { Stores } from '../../functions/domain/stores.ts';

/**
 * E-mail notifications through the real SES v2 client (adapters/ses-email.ts) against the local
 * SES stand-in (local/ses.ts: aws-ses-v2-local behind a SigV4 check) on 127.0.0.1: the worker
 * hands a queued record to SES, the mail is in the stand-in's store (what its web page shows),
 * the record is sent with SES's message id. Records are queued a day ahead and this worker's
 * clock runs a day ahead, so the stack's own worker (stream, schedule) leaves them alone.
 */
const AHEAD_MS = 86_400_000;
let ses: LocalSes;
let endpoint: string;
useStackEnvironment();
beforeAll(async () => {
  ses = await startLocalSes({ port: 0 });
  endpoint = ses.endpoint;
  process.env.AWS_ENDPOINT_URL_SESV2 = endpoint;
});
afterAll(async () => {
  await ses?.stop();
});

const { loadStores } = await import('../../functions/adapters/stores.ts');
const { queuedNotificationItem } = await import('../../functions/adapters/notification-repository.ts');
const { LobbyTable } = await import('../../functions/adapters/lobby-table.ts');
const { documents } = await import('../../functions/adapters/dynamo-client.ts');
const { sesEmailSender } = await import('../../functions/adapters/ses-email.ts');
const { deliverNotification } = await import('../../functions/domain/notifications.ts');
const { workerStores } = await import('../../functions/handlers/notifications.ts');

const mails = () => storedMails(endpoint);

let p: TestProperty;
let stores: Stores;
beforeAll(async () => {
  p = await newProperty('Mail Tower');
  stores = await loadStores();
});

async function queued(to: string): Promise<QueuedNotification> {
  const n: QueuedNotification = {
    id: `ntf_${ulid()}`,
    propertyId: p.id,
    residentId: p.residentId,
    kind: 'call-missed',
    channel: 'email',
    to,
    status: 'queued',
    attempts: 0,
    createdAt: new Date(Date.now() + AHEAD_MS).toISOString(),
    callId: `call_${ulid()}`,
  };
  await new LobbyTable(documents(), process.env.LOBBY_TABLE ?? '').put(queuedNotificationItem(n));
  return n;
}

describe('e-mail through SES v2', () => {
  it('a queued call-missed record: one mail in the SES stand-in, naming the property; the record sent with its message id', async () => {
    const n = await queued('riley.mail@example.com');
    const worker = { ...workerStores(stores, { email: sesEmailSender('Lobby <no-reply@example.com>') }), now: () => new Date(Date.now() + AHEAD_MS) };
    expect(await deliverNotification(worker, n)).toBe('sent');
    expect(await deliverNotification(worker, n)).toBe('skipped');
    const mine = (await mails()).filter((m) => m.destination.to.includes('riley.mail@example.com'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ from: 'Lobby <no-reply@example.com>', subject: 'Mail Tower: missed call at the door' });
    expect(mine[0]?.body.text).toContain('Mail Tower');
    expect(await stores.notifications.get(p.id, n.id)).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: mine[0]?.messageId });
  });

  it('the SES stand-in checks SigV4 like SES: unsigned or signed with the wrong secret -> 403, no mail taken', async () => {
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const before = (await mails()).length;
    const client = new SESv2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const mail = {
      FromEmailAddress: 'a@example.com',
      Destination: { ToAddresses: ['forged@example.com'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    };
    const error = await client.send(new SendEmailCommand(mail)).catch((e: unknown) => e);
    client.destroy();
    expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    const unsigned = await fetch(`${endpoint}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'AWS anything' },
      body: JSON.stringify(mail),
    });
    expect(unsigned.status).toBe(403);
    expect((await mails()).length).toBe(before);
  });

  it('SES unreachable: the error is "unavailable" (nothing sent: the worker retries), not "unknown"', async () => {
    const n = await queued('nobody.home@example.com');
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    const down = await startLocalSes({ port: 0 });
    const port = Number(new URL(down.endpoint).port);
    await down.stop();
    try {
      // A client of its own for the dead endpoint (the module keeps one client, as a warm Lambda does).
      const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
      const client = new SESv2Client({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
      const error = await client
        .send(
          new SendEmailCommand({
            FromEmailAddress: 'a@example.com',
            Destination: { ToAddresses: [n.to] },
            Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
          }),
        )
        .catch((e: unknown) => e);
      const { sendErrorOf } = await import('../../functions/adapters/ses-email.ts');
      expect(sendErrorOf(error)).toMatchObject({ outcome: 'unavailable' });
    } finally {
      process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    }
  });
});
