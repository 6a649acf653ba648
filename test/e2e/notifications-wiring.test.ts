import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, stack, tokenFor, type TestProperty } from '../support/api.ts';
import type { CreatedPanel, Page, Resident } from '../support/contract.ts';
import { getItem, setAttributes } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { storedMails } from '../../local/ses.ts';
import { readSmsLog } from '../../local/sms/server.ts';
import { readPushLog } from '../../local/sns/server.ts';

/**
 * The outbox as the local stack runs it, nothing called by hand: a missed call queues one record
 * per channel the residents chose, the stack's stream mapping hands each new record to the
 * notifications function (functions/handlers/notifications.ts), which sends the e-mail through
 * the SES v2 stand-in, the text through the SMS stand-in and the app push through the SNS
 * stand-in, and records what happened (GET .../notifications).
 */
interface Notification {
  id: string;
  kind: string;
  channel: string;
  to: string;
  status: string;
  attempts: number;
  residentId: string;
  sentAt?: string;
}
interface CallStart {
  ok: boolean;
  callId: string;
  status: string;
  ringUntil: string;
}

let p: TestProperty;
let panel: RawPanel;
let roommateId: string;
const suffix = ulid().slice(-8).toLowerCase();
const email = `riley.${suffix}@example.com`;
const phone = `+1555${String(Date.now()).slice(-7)}`;
const fcmToken = `fcm:${randomBytes(24).toString('hex')}`;

beforeAll(async () => {
  p = await newProperty('Wiring Tower');
  await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { email, phone }, notify: { deliveries: ['email', 'sms', 'app'] } } }));
  // Only a verified phone is texted (test/api/phone-verification.test.ts verifies one by SMS code).
  await setAttributes(`PROP#${p.id}`, `RESIDENT#${p.residentId}`, { phoneVerified: true });
  await expectOk(call('POST', `/properties/${p.id}/me/devices`, { token: p.tokens.resident, body: { platform: 'fcm', token: fcmToken } }));
  // A roommate who wants app pushes and has no device registered.
  const roommate = `rowan-${suffix}`;
  roommateId = (await expectOk(call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId: roommate, name: 'Rowan Roommate', unit: '4B' } })))
    .body.id;
  await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: await tokenFor(roommate), body: { notify: { deliveries: ['app'] } } }));
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
  panel = await connectRawPanel(created.body.connection);
  await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callRingSeconds: 10 } }));
});
afterAll(async () => {
  await panel?.close();
});

const notifications = async () => (await expectOk(call<Page<Notification>>('GET', `/properties/${p.id}/notifications?limit=50`, { token: p.tokens.admin }))).body.items;

describe('notifications on the local stack', () => {
  it('a missed call: the e-mail in the SES stand-in, the text in the SMS log, the push in the SNS log, each once; records sent; no devices -> failed', async () => {
    const started = await panel.request<CallStart>({ op: 'call.start', target: { unit: '4B' } });
    expect(started).toMatchObject({ ok: true, status: 'ringing' });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(started.ringUntil) - Date.now()) + 200));
    expect(await panel.request({ op: 'call.timeout', callId: started.callId })).toMatchObject({ ok: true, status: 'missed' });

    const done = await eventually(async () => {
      const mine = (await notifications()).filter((n) => n.kind === 'call-missed');
      return mine.length === 4 && mine.every((n) => n.status !== 'queued') && mine;
    }, 45_000);
    const byChannel = (residentId: string, channel: string) => done.find((n) => n.residentId === residentId && n.channel === channel);
    for (const channel of ['email', 'sms', 'app']) expect(byChannel(p.residentId, channel)).toMatchObject({ status: 'sent', attempts: 1, sentAt: expect.any(String) });
    expect(byChannel(roommateId, 'app')).toMatchObject({ status: 'failed', attempts: 1 });
    const refused = await getItem(`PROP#${p.id}`, `NOTIF#${byChannel(roommateId, 'app')?.id}`);
    expect(refused).toMatchObject({ lastError: 'no devices' });

    const mails = (await storedMails(stack().sesEndpoint)).filter((m) => m.destination.to.includes(email));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: 'Wiring Tower: missed call at the door' });
    expect(mails[0]?.body.text).toContain('Wiring Tower');
    const emailRecord = await getItem(`PROP#${p.id}`, `NOTIF#${byChannel(p.residentId, 'email')?.id}`);
    expect(emailRecord).toMatchObject({ providerMessageId: mails[0]?.messageId });

    const texts = (await readSmsLog(stack().smsLog)).filter((t) => t.to === phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('Wiring Tower');
    expect(texts[0]?.context).toEqual({ notification: byChannel(p.residentId, 'sms')?.id });

    const appId = byChannel(p.residentId, 'app')?.id ?? '';
    const pushes = (await readPushLog(stack().pushLog)).filter((e) => JSON.stringify(e.payload).includes(appId));
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({
      platform: 'GCM',
      payload: { fcmV1Message: { message: { notification: { title: 'Wiring Tower: missed call at the door' }, data: { notificationId: appId } } } },
    });
  });
});
