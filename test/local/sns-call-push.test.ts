import { SetEndpointAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PushLogEntry, readPushLog } from '../../local/sns/server.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { call, expectOk, newProperty, stack, type TestProperty, tokenFor } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/**
 * App pushes of a call through the running local stack: the panel's Call button rings every
 * registered device of the unit's residents through the SNS stand-in (the same SDK client and
 * adapter as in AWS); each push in the log carries the call id only; a device whose endpoint SNS
 * disabled is 'gone' and stops being rung.
 */
let p: TestProperty;
let panel: RawPanel;
let sns: SNSClient;
const hex = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);

async function register(token: string, platform: 'apns' | 'fcm', deviceToken: string) {
  await expectOk(call('POST', `/properties/${p.id}/me/devices`, { token, body: { platform, token: deviceToken } }));
}

async function ring(): Promise<{ callId: string; rang: number; pushes: PushLogEntry[] }> {
  const started = await panel.request<{ ok: boolean; callId: string; rang: number }>({ protocolVersion: '1.0', op: 'call.start', target: { unit: '4B' } });
  expect(started.ok).toBe(true);
  const mine = async () => (await readPushLog(stack().pushLog)).filter((e) => JSON.stringify(e.payload).includes(started.callId));
  await panel.request({ protocolVersion: '1.0', op: 'call.end', callId: started.callId });
  return { callId: started.callId, rang: started.rang, pushes: await mine() };
}

beforeAll(async () => {
  p = await newProperty('Push Tower');
  const second = `resident2-${p.id}`;
  const elsewhere = `resident3-${p.id}`;
  await expectOk(call('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: second, name: 'Sam Second', unit: '4B' } }));
  await expectOk(call('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: elsewhere, name: 'Olu Other', unit: '9Z' } }));
  await register(p.tokens.resident, 'apns', hex(`a-${p.id}`));
  await register(p.tokens.resident, 'fcm', `fcm:${p.id}-android-device-token`);
  await register(await tokenFor(second), 'apns', hex(`b-${p.id}`));
  await register(await tokenFor(elsewhere), 'apns', hex(`c-${p.id}`));
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
  panel = await connectRawPanel(created.body.connection);
  sns = new SNSClient({ endpoint: stack().snsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  sns?.destroy();
  await panel?.close();
});

describe('call pushes through the local SNS stand-in', () => {
  let endpoints: string[] = [];

  it("the Call button pushes to every registered device of the unit's residents, each push carrying the call id only", async () => {
    const { callId, rang } = await ring();
    expect(rang).toBe(3);
    // Ringing, then "ended" (call.end above): each device is told of each change.
    const pushes = await eventually(async () => {
      const found = (await readPushLog(stack().pushLog)).filter((e) => JSON.stringify(e.payload).includes(callId));
      return found.length >= 6 ? found : undefined;
    });
    endpoints = [...new Set(pushes.map((e) => e.endpointArn))];
    expect(endpoints).toHaveLength(3);
    expect(pushes.map((e) => e.platform).sort()).toEqual(['APNS_VOIP', 'APNS_VOIP', 'APNS_VOIP', 'APNS_VOIP', 'GCM', 'GCM']);
    for (const push of pushes) {
      const data = push.platform === 'GCM' ? (push.payload as { fcmV1Message: { message: { data: unknown } } }).fcmV1Message.message.data : push.payload;
      expect(data).toEqual({ callId });
    }
    // Neither a device token nor the property or unit is in what was pushed.
    const text = JSON.stringify(pushes);
    for (const secret of [hex(`a-${p.id}`), hex(`b-${p.id}`), `fcm:${p.id}-android-device-token`, p.id, '4B']) expect(text).not.toContain(secret);
  });

  it("a device whose endpoint SNS disabled is 'gone': it gets nothing and is not rung again", async () => {
    const [dead] = endpoints;
    if (!dead) throw new Error('no endpoint from the first test');
    await sns.send(new SetEndpointAttributesCommand({ EndpointArn: dead, Attributes: { Enabled: 'false' } }));
    const first = await ring();
    expect(first.rang).toBe(3);
    expect(first.pushes.some((e) => e.endpointArn === dead)).toBe(false);
    // The 'gone' device was dropped: the next call rings the other two only.
    const next = await ring();
    expect(next.rang).toBe(2);
  });
});
