import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointDisabledException, InvalidParameterException, NotFoundException, PublishCommand, SetEndpointAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsPushSender } from '../../functions/adapters/sns-push.ts';
import { DomainError } from '../../functions/domain/errors.ts';
import { type LocalSns, readPushLog, startLocalSns } from '../../local/sns/server.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';

/**
 * The SNS push adapter against the local SNS stand-in, both driven by the unmodified
 * @aws-sdk/client-sns (awsQuery): what reaches a device is the call id only; a disabled or
 * deleted endpoint is 'gone'; the stand-in refuses what SNS refuses.
 */
const APNS_TOKEN = 'a1'.repeat(32);
const FCM_TOKEN = 'fcm-token:APA91b_local-device-0123456789';

let dir: string;
let sns: LocalSns;
let raw: SNSClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lobby-sns-'));
  sns = await startLocalSns({ port: 0, stateFile: join(dir, 'sns', 'endpoints.json'), logFile: join(dir, 'pushes.jsonl') });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  raw = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  raw?.destroy();
  await sns?.stop();
  await rm(dir, { recursive: true, force: true });
});

const pushes = () => readPushLog(sns.logFile);

describe('SNS app push (adapter + stand-in)', () => {
  it('a push to each registered device carries the call id only (APNs VoIP and FCM)', async () => {
    const push = snsPushSender(sns.applications);
    const ios = await push.register('apns', APNS_TOKEN);
    const android = await push.register('fcm', FCM_TOKEN);
    expect(ios).toMatch(/:endpoint\/APNS_VOIP\/lobby-local-voip\//);
    expect(android).toMatch(/:endpoint\/GCM\/lobby-local-fcm\//);
    // SNS is idempotent on the token.
    expect(await push.register('apns', APNS_TOKEN)).toBe(ios);

    const before = (await pushes()).length;
    expect(await push.sendCallPush(ios, { callId: 'call-1', propertyId: 'prop-1' })).toBe('sent');
    expect(await push.sendCallPush(android, { callId: 'call-1', propertyId: 'prop-1' })).toBe('sent');
    const logged = (await pushes()).slice(before);
    expect(logged.map((p) => p.endpointArn)).toEqual([ios, android]);
    expect(logged[0]?.payload).toEqual({ callId: 'call-1' });
    expect(logged[0]?.attributes).toEqual({ 'AWS.SNS.MOBILE.APNS.PUSH_TYPE': 'voip', 'AWS.SNS.MOBILE.APNS.PRIORITY': '10' });
    expect(logged[1]?.payload).toEqual({ fcmV1Message: { message: { data: { callId: 'call-1' }, android: { priority: 'HIGH', ttl: '30s' } } } });
    // Nothing but the call id: no property, no token, in what the device or the log sees.
    const text = JSON.stringify(logged);
    expect(text).not.toContain('prop-1');
    expect(text).not.toContain(APNS_TOKEN);
    expect(text).not.toContain(FCM_TOKEN);
  });

  it("a disabled endpoint (the platform said the token is dead) and a deleted one are 'gone'; registering the token again enables it", async () => {
    const push = snsPushSender(sns.applications);
    const ios = await push.register('apns', 'b2'.repeat(32));
    await raw.send(new SetEndpointAttributesCommand({ EndpointArn: ios, Attributes: { Enabled: 'false' } }));
    const before = (await pushes()).length;
    expect(await push.sendCallPush(ios, { callId: 'call-2', propertyId: 'p' })).toBe('gone');

    // The app registers the same token again: the endpoint is enabled again and pushes flow.
    expect(await push.register('apns', 'b2'.repeat(32))).toBe(ios);
    expect(await push.sendCallPush(ios, { callId: 'call-2b', propertyId: 'p' })).toBe('sent');
    await raw.send(new SetEndpointAttributesCommand({ EndpointArn: ios, Attributes: { Enabled: 'false' } }));

    const android = await push.register('fcm', `${FCM_TOKEN}-2`);
    await push.unregister(android);
    await push.unregister(android); // idempotent, as in SNS
    expect(await push.sendCallPush(android, { callId: 'call-2', propertyId: 'p' })).toBe('gone');
    expect((await pushes()).length).toBe(before + 1);
  });

  it('a platform without a platform application is refused as a domain conflict', async () => {
    const push = snsPushSender({ apns: sns.applications.apns });
    await expect(push.register('fcm', FCM_TOKEN)).rejects.toSatisfy((e) => e instanceof DomainError && e.slug === 'push-not-configured');
  });

  it('the stand-in is as strict as SNS: unknown application, bad token, bad or oversized message, disabled endpoint', async () => {
    const unknownApp = snsPushSender({ apns: sns.applications.apns.replace('lobby-local-voip', 'nope') });
    await expect(unknownApp.register('apns', APNS_TOKEN)).rejects.toBeInstanceOf(NotFoundException);
    const push = snsPushSender(sns.applications);
    await expect(push.register('apns', 'not-hex')).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(push.register('fcm', 'short')).rejects.toBeInstanceOf(InvalidParameterException);

    const ios = await push.register('apns', 'c3'.repeat(32));
    const publish = (Message: string, MessageStructure?: string) => raw.send(new PublishCommand({ TargetArn: ios, Message, MessageStructure }));
    await expect(publish(JSON.stringify({ APNS_VOIP: '{}' }), 'json')).rejects.toThrow(/No default entry/);
    await expect(publish('{not json', 'json')).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(publish(JSON.stringify({ default: 'x'.repeat(6_000) }), 'json')).rejects.toThrow(/too long/);
    await expect(publish('x'.repeat(262_145))).rejects.toThrow(/too long/);
    await expect(raw.send(new PublishCommand({ TargetArn: `${ios}-missing`, Message: '{}' }))).rejects.toBeInstanceOf(NotFoundException);
    await sns.disable(ios);
    await expect(publish(JSON.stringify({ default: '{}' }), 'json')).rejects.toBeInstanceOf(EndpointDisabledException);
  });

  it('an unsigned request is refused', async () => {
    const res = await fetch(sns.endpoint, { method: 'POST', body: 'Action=Publish', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
