import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { type LocalSms, readSmsLog, startLocalSms } from '../../local/sms/server.ts';

/**
 * SMS through the real pinpoint-sms-voice-v2 client (adapters/sms-text.ts) against the local
 * End User Messaging SMS stand-in (local/sms/server.ts): a text lands in its log with the record id
 * in its context; what the service refuses (not E.164, too long, an unknown origination identity)
 * is `refused` for the outbox and sends nothing; a request not signed with the local key pair is
 * refused as the service refuses it and sends nothing.
 */
let dir: string;
let sms: LocalSms;
const saved = { ...process.env };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lobby-sms-'));
  sms = await startLocalSms({ port: 0, logFile: join(dir, 'sms.jsonl') });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
  });
});
afterAll(async () => {
  process.env = saved;
  await sms?.stop();
  await rm(dir, { recursive: true, force: true });
});

const { smsText, smsTextSender } = await import('../../functions/adapters/sms-text.ts');
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error & { outcome?: string; reason?: string; $metadata?: { httpStatusCode?: number } }) => e,
  );

describe('SMS through End User Messaging SMS', () => {
  it('a notification: one text in the log, from the origination number, with the record id in its context', async () => {
    const sender = smsTextSender({ originationIdentity: sms.originationIdentity.arn, configurationSet: sms.configurationSet });
    const { messageId } = await sender.send({ id: 'ntf_TEXT1', propertyId: 'prop_x', to: '+15550101234', subject: 'Tower: s', text: 'A delivery for you at Tower.' });
    const log = await readSmsLog(sms.logFile);
    expect(log.filter((t) => t.to === '+15550101234')).toEqual([
      expect.objectContaining({
        messageId,
        from: sms.originationIdentity.number,
        body: 'A delivery for you at Tower.',
        messageType: 'TRANSACTIONAL',
        configurationSet: 'lobby-local',
        context: { notification: 'ntf_TEXT1' },
      }),
    ]);
  });

  it('what the service refuses is refused for the outbox (failed, not retried) and sends nothing', async () => {
    const port = smsText({ originationIdentity: sms.originationIdentity.arn });
    const before = (await readSmsLog(sms.logFile)).length;
    expect(await failure(port.sendSms('5550101234', 'no plus'))).toMatchObject({ outcome: 'refused', reason: 'ValidationException' });
    expect(await failure(port.sendSms('+0550101234', 'leading zero'))).toMatchObject({ outcome: 'refused', reason: 'ValidationException' });
    expect(await failure(port.sendSms('+15550101234', 'x'.repeat(1601)))).toMatchObject({ outcome: 'refused', reason: 'ValidationException' });
    const elsewhere = smsText({ originationIdentity: 'arn:aws:sms-voice:us-east-1:000000000000:phone-number/phone-someoneelse' });
    expect(await failure(elsewhere.sendSms('+15550101234', 'hello'))).toMatchObject({ outcome: 'refused', reason: 'ResourceNotFoundException' });
    expect((await readSmsLog(sms.logFile)).length).toBe(before);
  });

  it.each([
    ['the wrong secret', { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' }, 'InvalidSignatureException'],
    ['an unknown key', { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey }, 'UnrecognizedClientException'],
  ] as Array<[string, Credentials, string]>)('signed with %s: 403 %s, nothing sent', async (_what, credentials, name) => {
    const client = new PinpointSMSVoiceV2Client({ endpoint: sms.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const before = (await readSmsLog(sms.logFile)).length;
    const error = await failure(client.send(new SendTextMessageCommand({ DestinationPhoneNumber: '+15550101234', MessageBody: 'hello' })));
    client.destroy();
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: 403 } });
    expect((await readSmsLog(sms.logFile)).length).toBe(before);
  });
});
