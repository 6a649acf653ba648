import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, stack, tokenFor, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedPanel, Page, PhotoUrlReply, Resident } from '../support/contract.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';

/**
 * Calls through the real stack: a bare MQTT panel (the panel side of the protocol) starts calls,
 * residents answer over the API, pushes land in the SNS stand-in's log. The reference agent's
 * side of the same flow is test/e2e/calls.test.ts.
 */

interface CallStart {
  ok: boolean;
  callId: string;
  status: string;
  ringSeconds: number;
  ringUntil: string;
  rang: number;
  media: { role: string; channelArn: string };
  error?: string;
}
interface CallView {
  id: string;
  panelId: string;
  unit: string | null;
  status: string;
  answeredBy?: string;
  answeredAt?: string;
  declinedByYou?: boolean;
  talkUntil?: string;
  staff?: boolean;
  doorOpened: boolean;
  commandId?: string;
  accessEventId?: string;
  media?: { role: string; signalingUrl: string };
}
interface CallState {
  callId: string;
  status: string;
  doorOpened?: boolean;
  commandId?: string;
}
interface Me {
  residentId: string;
  name: string;
  unit: string;
  contact: { email?: string; phone?: string };
  notify: { deliveries: string[]; calls: string[] };
}
interface Notification {
  id: string;
  kind: string;
  channel: string;
  to: string;
  status: string;
  residentId: string;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
}

let p: TestProperty;
let other: TestProperty;
let panelId: string;
let panel: RawPanel;
const users = { roommate: '', neighbour: '' };
const tokens = { roommate: '', neighbour: '' };
const devices = { resident: '', roommate: '' };
const topic = (leaf: string) => `lobby/panels/${panelId}/${leaf}`;
const apnsToken = () => randomBytes(32).toString('hex');

async function moveIn(property: TestProperty, name: string, unit: string) {
  const userId = `${name.toLowerCase().replace(/\W/g, '-')}-${ulid().slice(-6)}`;
  await expectOk(call<Resident>('POST', `/properties/${property.id}/residents`, { token: property.tokens.admin, body: { userId, name, unit } }));
  return { userId, token: await tokenFor(userId) };
}

async function registerPhone(propertyId: string, token: string) {
  return (await expectOk(call<{ id: string }>('POST', `/properties/${propertyId}/me/devices`, { token, body: { platform: 'apns', token: apnsToken() } }))).body.id;
}

async function registerPhone2(token: string, deviceToken: string, platform: 'apns' | 'fcm' = 'apns') {
  return (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/me/devices`, { token, body: { platform, token: deviceToken } }))).body.id;
}

/** Pushes the SNS stand-in delivered for a call (the push carries the call id only). */
async function pushesFor(callId: string): Promise<Array<{ endpointArn: string; payload: unknown }>> {
  const log = await readFile(stack().pushLog, 'utf8').catch(() => '');
  return log
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((e) => JSON.stringify(e.payload).includes(callId));
}

const startCall = (target: Record<string, string>) => panel.request<CallStart>({ op: 'call.start', target });
const callPath = (callId: string, action = '') => `/properties/${p.id}/calls/${callId}${action}`;
const stateOf = (callId: string, status: string, timeoutMs = 10_000) => panel.next<CallState>(topic('calls'), (s) => s.callId === callId && s.status === status, timeoutMs);

beforeAll(async () => {
  p = await newProperty();
  other = await newProperty('Other Tower');
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
  panelId = created.body.id;
  panel = await connectRawPanel(created.body.connection);
  await panel.client.subscribeAsync(topic('calls'), { qos: 1 });
  const roommate = await moveIn(p, 'Rowan Roommate', '4B');
  const neighbour = await moveIn(p, 'Nico Neighbour', '5C');
  Object.assign(users, { roommate: roommate.userId, neighbour: neighbour.userId });
  Object.assign(tokens, { roommate: roommate.token, neighbour: neighbour.token });
  devices.resident = await registerPhone(p.id, p.tokens.resident);
  devices.roommate = await registerPhone(p.id, tokens.roommate);
});
afterAll(async () => {
  await panel?.close();
});

describe('me and my devices', () => {
  it('a resident reads and changes their own record; a channel needs its contact', async () => {
    const me = await expectOk(call<Me>('GET', `/properties/${p.id}/me`, { token: p.tokens.resident }));
    expect(me.body).toEqual({ residentId: p.residentId, name: 'Riley Resident', unit: '4B', contact: {}, notify: { deliveries: ['app'], calls: ['app'] } });

    const refused = await call<Problem>('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { notify: { calls: ['phone'] } } });
    expect(refused.status).toBe(400);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'notify.calls' })]);
    expect((await call<Me>('GET', `/properties/${p.id}/me`, { token: p.tokens.resident })).body).toEqual(me.body);

    const patched = await expectOk(
      call<Me>('PATCH', `/properties/${p.id}/me`, { token: tokens.neighbour, body: { name: 'Nico N.', contact: { phone: '+15555550142' }, notify: { calls: ['app', 'phone'] } } }),
    );
    expect(patched.body).toMatchObject({ name: 'Nico N.', unit: '5C', contact: { phone: '+15555550142' }, notify: { calls: ['app', 'phone'], deliveries: ['app'] } });
    // The directory follows the new name.
    const found = await call<Page<{ name: string }>>('GET', `/properties/${p.id}/directory?q=nico%20n.`, { token: p.tokens.staff });
    expect(found.body.items.map((i) => i.name)).toEqual(['Nico N.']);
    // Back to app only, without the phone: phone calls need it.
    await expectOk(call<Me>('PATCH', `/properties/${p.id}/me`, { token: tokens.neighbour, body: { contact: { phone: null }, notify: { calls: ['app'] } } }));
    expect((await call<Me>('GET', `/properties/${p.id}/me`, { token: tokens.neighbour })).body.contact).toEqual({});
  });

  it("me is a resident's: staff get 403, another property's resident 404", async () => {
    expect((await call('GET', `/properties/${p.id}/me`, { token: p.tokens.staff })).status).toBe(403);
    expect((await call('GET', `/properties/${p.id}/me`, { token: other.tokens.resident })).status).toBe(404);
  });

  it('registers a device through SNS and removes it; bad input is 400 and registers nothing', async () => {
    const id = await registerPhone(p.id, tokens.neighbour);
    expect(id).toMatch(/^dev_/);
    const endpoint = String(present(await getItem(`PROP#${p.id}`, `DEVICE#${users.neighbour}#${id}`), 'the device record').endpoint);
    expect(endpoint).toMatch(/^arn:aws:sns:.*:endpoint\/APNS_VOIP\//);
    for (const body of [
      { platform: 'apns', token: 'not-hex' },
      { platform: 'webpush', token: apnsToken() },
      { platform: 'fcm' },
      { platform: 'apns', token: apnsToken(), extra: 1 },
    ]) {
      const bad = await call<Problem>('POST', `/properties/${p.id}/me/devices`, { token: tokens.neighbour, body });
      expect(bad.status).toBe(400);
      expect(bad.contentType).toContain('application/problem+json');
    }
    expect((await call('DELETE', `/properties/${p.id}/me/devices/${id}`, { token: p.tokens.resident })).status).toBe(404); // not theirs
    expect((await call('DELETE', `/properties/${p.id}/me/devices/${id}`, { token: tokens.neighbour })).status).toBe(204);
    expect(await getItem(`PROP#${p.id}`, `DEVICE#${users.neighbour}#${id}`)).toBeUndefined();
    expect((await call('DELETE', `/properties/${p.id}/me/devices/${id}`, { token: tokens.neighbour })).status).toBe(404);
  });

  it('a device is its token: registering the same token again is the same device; a member keeps at most 10 (the oldest goes)', async () => {
    const owner = await moveIn(p, 'Dev Many', '8H');
    const token = apnsToken();
    const first = await registerPhone2(owner.token, token);
    expect(await registerPhone2(owner.token, token)).toBe(first);
    const ids = [first];
    for (let i = 0; i < 10; i++) ids.push(await registerPhone2(owner.token, apnsToken()));
    expect(new Set(ids).size).toBe(11);
    // The oldest (the first) was dropped, the ten newest remain.
    expect(await getItem(`PROP#${p.id}`, `DEVICE#${owner.userId}#${first}`)).toBeUndefined();
    for (const id of ids.slice(1)) expect(await getItem(`PROP#${p.id}`, `DEVICE#${owner.userId}#${id}`)).toBeDefined();
    // The same token on another platform is another device.
    expect(await registerPhone2(owner.token, `${token}${token}`, 'fcm')).not.toBe(first);
  });

  it('a resident cannot rename themselves as staff (the panel directory shows the name); the name is unchanged', async () => {
    const before = (await call<Me>('GET', `/properties/${p.id}/me`, { token: tokens.neighbour })).body.name;
    for (const name of ['Staff (front desk)', 'Front Desk', 'S.T.A.F.F', 'Ｃｏｎｃｉｅｒｇｅ', 'Building Security']) {
      const refused = await call<Problem>('PATCH', `/properties/${p.id}/me`, { token: tokens.neighbour, body: { name } });
      expect(refused.status).toBe(400);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);
    }
    expect((await call<Me>('GET', `/properties/${p.id}/me`, { token: tokens.neighbour })).body.name).toBe(before);
    // Ordinary names that merely contain such letters are fine.
    await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: tokens.neighbour, body: { name: 'Stafford Neighbour' } }));
    await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: tokens.neighbour, body: { name: before } }));
  });

  it("move-out removes the resident's devices (their push endpoints too)", async () => {
    const mover = await moveIn(p, 'Mo Mover', '7A');
    const id = await registerPhone(p.id, mover.token);
    expect(await getItem(`PROP#${p.id}`, `DEVICE#${mover.userId}#${id}`)).toBeDefined();
    const residentId = present(await residentIdOf(mover.userId), 'the mover');
    expect((await call('DELETE', `/properties/${p.id}/residents/${residentId}`, { token: p.tokens.staff })).status).toBe(204);
    expect(await getItem(`PROP#${p.id}`, `DEVICE#${mover.userId}#${id}`)).toBeUndefined();
  });

  it('callRingSeconds is a validated setting (default 30)', async () => {
    expect((await call<{ settings: { callRingSeconds: number } }>('GET', `/properties/${other.id}`, { token: other.tokens.admin })).body.settings.callRingSeconds).toBe(30);
    for (const callRingSeconds of [5, 600, '30', 12.5]) {
      expect((await call('PATCH', `/properties/${other.id}/settings`, { token: other.tokens.admin, body: { callRingSeconds } })).status).toBe(400);
    }
    expect((await call<{ settings: { callRingSeconds: number } }>('GET', `/properties/${other.id}`, { token: other.tokens.admin })).body.settings.callRingSeconds).toBe(30);
  });
});

describe('a call from the panel', () => {
  it('rings the unit\'s devices, one accept wins, whoever accepted opens the door: method "call", the call id, the photo', async () => {
    const started = await startCall({ unit: '4b' });
    expect(started).toMatchObject({ ok: true, status: 'ringing', ringSeconds: 30, media: { role: 'MASTER' } });
    // Both residents of 4B have a phone registered: both ring, with the call id and nothing else.
    const pushes = await eventually(async () => {
      const found = await pushesFor(started.callId);
      return found.length >= 2 ? found : undefined;
    });
    expect(pushes).toHaveLength(2);
    expect(JSON.stringify(pushes[0]?.payload)).not.toMatch(/4B|Riley|Rowan/);

    // The neighbour in 5C and a resident of another property cannot take it; staff may see it but not take it.
    expect((await call('POST', callPath(started.callId, '/accept'), { token: tokens.neighbour })).status).toBe(404);
    expect((await call('POST', `/properties/${p.id}/calls/${started.callId}/accept`, { token: other.tokens.resident })).status).toBe(404);
    expect((await call('POST', callPath(started.callId, '/accept'), { token: p.tokens.staff })).status).toBe(403);
    expect((await call('GET', callPath(started.callId), { token: tokens.neighbour })).status).toBe(404);
    // Nobody has accepted: no door yet.
    expect((await call<Problem>('POST', callPath(started.callId, '/open-door'), { token: p.tokens.resident })).status).toBe(409);

    const accepted = await call<CallView>('POST', callPath(started.callId, '/accept'), { token: p.tokens.resident });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: started.callId, status: 'accepted', answeredBy: 'you', media: { role: 'VIEWER' } });
    await stateOf(started.callId, 'accepted');
    // Who answered: managers see the user id, the other residents of the unit only that another resident did.
    expect((await call<CallView>('GET', callPath(started.callId), { token: p.tokens.admin })).body.answeredBy).toBe(p.users.resident);
    const seen = (await call<CallView>('GET', callPath(started.callId), { token: tokens.roommate })).body;
    expect(seen.answeredBy).toBe('another resident');
    expect(JSON.stringify(seen)).not.toContain(p.users.resident);
    // The roommate's phone is told the call was taken (a second push to it).
    await eventually(async () => (await pushesFor(started.callId)).length >= 3);
    // The roommate did not accept: no door for them; the neighbour's open is not even a call they can see.
    expect((await call('POST', callPath(started.callId, '/open-door'), { token: tokens.roommate })).status).toBe(403);
    expect((await call('POST', callPath(started.callId, '/open-door'), { token: tokens.neighbour })).status).toBe(404);

    const opened = await call<{ commandId: string; expiresAt: string }>('POST', callPath(started.callId, '/open-door'), { token: p.tokens.resident });
    expect(opened.status).toBe(202);
    const command = await panel.next<{ commandId: string; type: string; callId?: string }>(topic('commands'), (c) => c.commandId === opened.body.commandId);
    expect(command).toMatchObject({ type: 'unlock', callId: started.callId });
    expect(await stateOf(started.callId, 'ended')).toMatchObject({ doorOpened: true, commandId: opened.body.commandId });

    // The panel's side: it releases the door, takes the photo, records the event and acks the command.
    const eventId = ulid();
    const upload = await panel.request<PhotoUrlReply>({ op: 'photo.upload-url', eventId });
    expect((await fetch(upload.url, { method: 'PUT', body: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), headers: { 'content-type': 'image/jpeg' } })).status).toBe(200);
    await panel.publish(topic('events'), {
      eventId,
      at: new Date().toISOString(),
      method: 'call',
      decision: 'granted',
      credentialId: started.callId,
      commandId: command.commandId,
      photoKey: upload.key,
    });
    await panel.publish(topic('acks'), { commandId: command.commandId, status: 'executed', at: new Date().toISOString(), eventId });
    const done = await eventually(async () => {
      const got = (await call<CallView>('GET', callPath(started.callId), { token: p.tokens.resident })).body;
      return got.accessEventId ? got : undefined;
    });
    expect(done).toMatchObject({ status: 'ended', doorOpened: true, commandId: command.commandId, accessEventId: eventId });
    const event = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.staff })).body.items.find((e) => e.id === eventId);
    expect(event).toMatchObject({ method: 'call', decision: 'granted', credentialId: started.callId, commandId: command.commandId });
    expect((await fetch(present(event?.photoUrl, 'a photo URL'))).status).toBe(200);

    // The call is over: no second door, no late accept.
    expect((await call<Problem>('POST', callPath(started.callId, '/open-door'), { token: p.tokens.resident })).body).toMatchObject({ status: 409 });
    expect((await call('POST', callPath(started.callId, '/accept'), { token: tokens.roommate })).status).toBe(409);
  });

  it('two residents accept at once: one 200, one 409', async () => {
    for (let round = 0; round < 3; round++) {
      const started = await startCall({ targetId: p.residentId });
      expect(started.ok).toBe(true);
      const replies = await Promise.all([p.tokens.resident, tokens.roommate].map((token) => call<CallView>('POST', callPath(started.callId, '/accept'), { token })));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = replies.find((r) => r.status === 200);
      expect(winner?.body.answeredBy).toBe('you');
      expect((await call<CallView>('GET', callPath(started.callId), { token: p.tokens.admin })).body.answeredBy).toBe(winner === replies[0] ? p.users.resident : users.roommate);
      await expectOk(call('POST', callPath(started.callId, '/decline'), { token: winner === replies[0] ? p.tokens.resident : tokens.roommate })); // hang up
    }
  });

  it("one resident's decline stops only their ringing; when every rung resident declined, the panel is told and the visitor may call again", async () => {
    const first = await startCall({ unit: '4B' });
    await eventually(async () => (await pushesFor(first.callId)).length >= 2);
    const mine = await call<CallView>('POST', callPath(first.callId, '/decline'), { token: tokens.roommate });
    expect(mine).toMatchObject({ status: 200, body: { status: 'ringing', declinedByYou: true } });
    // Only the roommate's phone is told (it stops ringing); the resident's keeps ringing.
    const roommateEndpoint = String(present(await getItem(`PROP#${p.id}`, `DEVICE#${users.roommate}#${devices.roommate}`), 'device').endpoint);
    const told = await eventually(async () => {
      const found = await pushesFor(first.callId);
      return found.length >= 3 ? found : undefined;
    });
    expect(told.slice(2).map((push) => push.endpointArn)).toEqual([roommateEndpoint]);
    // Declining again changes nothing; the call still rings the resident.
    expect((await call<CallView>('POST', callPath(first.callId, '/decline'), { token: tokens.roommate })).body).toMatchObject({ status: 'ringing', declinedByYou: true });
    expect((await call<CallView>('GET', callPath(first.callId), { token: p.tokens.resident })).body).toMatchObject({ status: 'ringing' });
    expect((await call<CallView>('GET', callPath(first.callId), { token: p.tokens.resident })).body.declinedByYou).toBeUndefined();
    const declined = await call<CallView>('POST', callPath(first.callId, '/decline'), { token: p.tokens.resident });
    expect(declined).toMatchObject({ status: 200, body: { status: 'declined' } });
    await stateOf(first.callId, 'declined');
    expect((await call('POST', callPath(first.callId, '/accept'), { token: p.tokens.resident })).status).toBe(409);
    const again = await startCall({ unit: '4B' });
    expect(again).toMatchObject({ ok: true, status: 'ringing' });
    expect(again.callId).not.toBe(first.callId);
    expect((await call('POST', callPath(again.callId, '/accept'), { token: p.tokens.resident })).status).toBe(200);
  });

  it('no answer: missed after callRingSeconds (the cloud checks its own clock), with a call-missed notification', async () => {
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callRingSeconds: 10 } }));
    try {
      const started = await startCall({ unit: '4B' });
      expect(started.ringSeconds).toBe(10);
      // A panel whose timer runs early cannot cut the ring short.
      expect(await panel.request({ op: 'call.timeout', callId: started.callId })).toMatchObject({ ok: true, status: 'ringing' });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(started.ringUntil) - Date.now()) + 200));
      expect(await panel.request({ op: 'call.timeout', callId: started.callId })).toMatchObject({ ok: true, status: 'missed' });
      await stateOf(started.callId, 'missed');
      expect((await call('POST', callPath(started.callId, '/accept'), { token: p.tokens.resident })).status).toBe(409);
      const notes = (await call<Page<Notification>>('GET', `/properties/${p.id}/notifications`, { token: p.tokens.resident })).body.items;
      // The stack's outbox worker may already have taken it (test/e2e/notifications-wiring.test.ts follows it to the provider).
      expect(notes).toEqual([expect.objectContaining({ kind: 'call-missed', residentId: p.residentId, to: 'app' })]);
      const all = (await call<Page<Notification>>('GET', `/properties/${p.id}/notifications`, { token: p.tokens.staff })).body.items;
      expect(
        all
          .filter((n) => n.kind === 'call-missed')
          .map((n) => n.residentId)
          .sort(),
      ).toEqual([p.residentId, present(await residentIdOf(users.roommate), 'roommate')].sort());
      expect((await call('GET', `/properties/${p.id}/notifications?residentId=${p.residentId}`, { token: tokens.roommate })).status).toBe(403);
      expect((await call<Page<CallView>>('GET', `/properties/${p.id}/calls?status=missed`, { token: p.tokens.resident })).body.items.map((c) => c.id)).toContain(started.callId);
      expect((await call<Page<CallView>>('GET', `/properties/${p.id}/calls`, { token: tokens.neighbour })).body.items).toEqual([]);
    } finally {
      await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callRingSeconds: 30 } }));
    }
  });

  it('a ring nobody reports (the panel went away) is swept to missed by the schedule, and the panel is told', async () => {
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callRingSeconds: 10 } }));
    try {
      const started = await startCall({ unit: '4B' });
      // No call.timeout from the panel: the reconcile schedule (every 5 s in tests) finds it past its ring.
      await stateOf(started.callId, 'missed', 30_000);
      expect(await getItem(`PROP#${p.id}`, `CALL#${started.callId}`)).toMatchObject({ status: 'missed' });
    } finally {
      await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callRingSeconds: 30 } }));
    }
  }, 40_000);

  it('refuses a call to nobody and bad requests, and changes nothing', async () => {
    expect(await startCall({ unit: '99Z' })).toMatchObject({ ok: false, error: 'not-found' });
    expect(await panel.request({ op: 'call.start', target: { unit: '' } })).toMatchObject({ ok: false, error: 'invalid-request' });
    expect(await panel.request({ op: 'call.start', target: { targetId: 'res_../../x' } })).toMatchObject({ ok: false, error: 'invalid-request' });
    const before = (await call<Page<CallView>>('GET', `/properties/${p.id}/calls?limit=100`, { token: p.tokens.admin })).body.items.length;
    const bad = await call<Problem>('GET', `/properties/${p.id}/calls?status=lost`, { token: p.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect((await call<Page<CallView>>('GET', `/properties/${p.id}/calls?limit=100`, { token: p.tokens.admin })).body.items.length).toBe(before);
    expect((await call('POST', callPath('call_nope', '/accept'), { token: p.tokens.resident })).status).toBe(404);
  });
});

describe('hardening', () => {
  it('an accepted call ends at its talk deadline (callTalkSeconds): no door after it, the sweep ends it and tells the panel', async () => {
    expect((await call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callTalkSeconds: 5 } })).status).toBe(400);
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callTalkSeconds: 10 } }));
    try {
      const started = await startCall({ unit: '4B' });
      const accepted = await expectOk(call<CallView>('POST', callPath(started.callId, '/accept'), { token: p.tokens.resident }));
      const talkUntil = Date.parse(present(accepted.body.talkUntil, 'talkUntil'));
      expect(talkUntil - Date.parse(present(accepted.body.answeredAt, 'answeredAt'))).toBe(10_000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, talkUntil - Date.now()) + 200));
      // Over, whether or not the sweep has written it yet: no door, no media.
      expect((await call<Problem>('POST', callPath(started.callId, '/open-door'), { token: p.tokens.resident })).body).toMatchObject({ status: 409 });
      const after = (await call<CallView>('GET', callPath(started.callId), { token: p.tokens.resident })).body;
      expect(after).toMatchObject({ status: 'ended', doorOpened: false });
      expect(after.media).toBeUndefined();
      await stateOf(started.callId, 'ended', 30_000);
      expect(await getItem(`PROP#${p.id}`, `CALL#${started.callId}`)).toMatchObject({ status: 'ended', doorOpened: false });
    } finally {
      await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { callTalkSeconds: 180 } }));
    }
  }, 40_000);

  it('call.start: one ringing call per panel; per-panel and per-unit counts per 10 minutes; refusals say why and start nothing', async () => {
    const q = await newProperty('Limits Tower');
    await moveIn(q, 'Cora Corner', '5C');
    await expectOk(call('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { maxCallsPerPanel: 3, maxCallsPerUnit: 2 } }));
    const panels: RawPanel[] = [];
    try {
      for (const name of ['Door A', 'Door B']) {
        const created = await expectOk(call<CreatedPanel>('POST', `/properties/${q.id}/panels`, { token: q.tokens.admin, body: { name, kind: 'entrance' } }));
        panels.push(await connectRawPanel(created.body.connection));
      }
      const [a, b] = panels as [RawPanel, RawPanel];
      const start = (on: RawPanel, unit: string) => on.request<CallStart>({ op: 'call.start', target: { unit } });
      const end = (on: RawPanel, callId: string) => on.request({ op: 'call.end', callId });
      const calls = async () => (await call<Page<CallView>>('GET', `/properties/${q.id}/calls?limit=100`, { token: q.tokens.admin })).body.items.length;

      // One ringing call per panel: a second is refused until the first is over; another panel may ring meanwhile.
      const first = await start(a, '4B');
      expect(first.ok).toBe(true);
      expect(await start(a, '5C')).toMatchObject({ ok: false, error: 'call-in-progress' });
      const elsewhere = await start(b, '5C');
      expect(elsewhere.ok).toBe(true);
      await end(b, elsewhere.callId);
      // Accepted is no longer ringing: the panel may call again.
      await expectOk(call('POST', `/properties/${q.id}/calls/${first.callId}/accept`, { token: q.tokens.resident }));
      const second = await start(a, '4B');
      expect(second.ok).toBe(true);
      await end(a, second.callId);
      // 4B has been rung twice in this window (maxCallsPerUnit 2): a third is refused, from either panel.
      const before = await calls();
      expect(await start(a, '4b')).toMatchObject({ ok: false, error: 'call-rate-limited' });
      expect(await start(b, '4B')).toMatchObject({ ok: false, error: 'call-rate-limited' });
      // Panel A has started 2 calls (refusals do not count): one more (3) is allowed, then it is refused.
      const third = await start(a, '5C');
      expect(third.ok).toBe(true);
      await end(a, third.callId);
      expect(await start(a, '5C')).toMatchObject({ ok: false, error: 'call-rate-limited' });
      expect(await calls()).toBe(before + 1);
    } finally {
      await Promise.all(panels.map((x) => x.close()));
    }
  });

  it('staff are called by an opaque target id; a resident cannot read a call to staff', async () => {
    const directory = await panel.request<{ ok: boolean; entries: Array<{ targetId: string; name: string; unit: string | null }> }>({ op: 'directory.sync' });
    expect(JSON.stringify(directory)).not.toContain(p.users.staff);
    const staff = present(
      directory.entries.find((e) => e.unit === null),
      'a staff entry',
    );
    expect(staff.targetId).toMatch(/^stf_[A-Za-z0-9_-]{16,64}$/);
    // A user id is not a target (the 1.1 form is refused).
    expect(await startCall({ targetId: `staff:${p.users.staff}` })).toMatchObject({ ok: false, error: 'not-found' });
    const started = await startCall({ targetId: staff.targetId });
    expect(started.ok).toBe(true);
    try {
      expect((await call<CallView>('GET', callPath(started.callId), { token: p.tokens.staff })).body).toMatchObject({ staff: true, status: 'ringing' });
      for (const token of [p.tokens.resident, tokens.roommate, tokens.neighbour]) expect((await call('GET', callPath(started.callId), { token })).status).toBe(404);
      expect((await call<Page<CallView>>('GET', `/properties/${p.id}/calls?limit=100`, { token: p.tokens.resident })).body.items.map((c) => c.id)).not.toContain(started.callId);
    } finally {
      await panel.request({ op: 'call.end', callId: started.callId });
    }
  });

  it('units compare as typed ("6d" and "6D" are one unit) for ringing, reading and answering alike', async () => {
    const lower = await moveIn(p, 'Pat Lower', '6d');
    const upper = await moveIn(p, 'Quinn Upper', '6D');
    const started = await startCall({ unit: ' 6D ' });
    expect(started.ok).toBe(true);
    for (const who of [lower, upper]) {
      expect((await call('GET', callPath(started.callId), { token: who.token })).status).toBe(200);
      expect((await call<Page<CallView>>('GET', `/properties/${p.id}/calls`, { token: who.token })).body.items.map((c) => c.id)).toContain(started.callId);
    }
    // Whichever spelling the call was rung under, both may take it: one wins.
    const replies = await Promise.all([lower, upper].map((who) => call('POST', callPath(started.callId, '/accept'), { token: who.token })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    await expectOk(call('POST', callPath(started.callId, '/decline'), { token: replies[0]?.status === 200 ? lower.token : upper.token }));
  });
});

async function residentIdOf(userId: string) {
  const residents = (await call<Page<Resident>>('GET', `/properties/${p.id}/residents?limit=100`, { token: p.tokens.admin })).body.items;
  return residents.find((r) => r.userId === userId)?.id;
}
