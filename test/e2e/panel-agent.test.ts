import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { call, expectOk, newProperty, present, randomPin, stack, type TestProperty } from '../support/api.ts';
import type { AccessEvent, Command, CreatedDeliveryPass, CreatedDeliveryPin, DeliveryPass, DeliveryPin, Page, Panel, UnlockAccepted, WithSync } from '../support/contract.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

/**
 * The reference panel agent against the whole local stack: API -> DynamoDB ->
 * stream -> credential set -> shadow -> panel, and back: events, photos, acks.
 */
let p: TestProperty;
let door: LivePanel;
const pins = () => `/properties/${p.id}/delivery-pins`;
const eventsOf = async () => (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items;

beforeAll(async () => {
  p = await newProperty();
  door = await livePanel(p);
});
afterAll(async () => {
  await door?.stop();
});

describe('the panel at the door, end to end', () => {
  it('create a PIN -> granted; patch its code -> old denied, new granted; delete -> denied; nothing restarted', async () => {
    const [first, second] = [randomPin(), randomPin()];
    const created = await expectOk(call<CreatedDeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'USPS', pin: first } }));
    await eventually(async () => knows(door, first));
    const granted = await door.agent.enter(first);
    expect(granted).toMatchObject({ decision: 'granted', method: 'delivery-pin', credentialId: created.body.id });
    expect(door.doors).toHaveLength(1);

    await expectOk(call('PATCH', `${pins()}/${created.body.id}`, { token: p.tokens.admin, body: { pin: second } }));
    await eventually(async () => knows(door, second) && !knows(door, first));
    expect(await door.agent.enter(first)).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(await door.agent.enter(second)).toMatchObject({ decision: 'granted', credentialId: created.body.id });

    expect((await call('DELETE', `${pins()}/${created.body.id}`, { token: p.tokens.admin })).status).toBe(204);
    await eventually(async () => !knows(door, second));
    expect(await door.agent.enter(second)).toMatchObject({ decision: 'denied', reason: 'unknown-code' });

    // Every decision is an access event; grants carry a time-stamped JPEG.
    await door.agent.drain(10_000);
    const events = await eventually(async () => {
      const e = await eventsOf();
      return e.length >= 4 ? e : undefined;
    });
    const grant = events.find((e) => e.id === granted.eventId);
    expect(grant).toMatchObject({ decision: 'granted', method: 'delivery-pin', panelId: door.id, credentialId: created.body.id });
    const photo = Buffer.from(await (await fetch(present(grant?.photoUrl, 'a photo URL on the grant'))).arrayBuffer());
    expect(photo.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(events.filter((e) => e.decision === 'denied' && e.reason === 'unknown-code').length).toBeGreaterThanOrEqual(2);
  });

  it('the PIN\'s GET answers "is it on that door yet?" and the panel shows in sync', async () => {
    const created = await expectOk(call<CreatedDeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'UPS', pin: randomPin() } }));
    const sync = await eventually(async () => {
      const got = (await call<WithSync<DeliveryPin>>('GET', `${pins()}/${created.body.id}`, { token: p.tokens.admin })).body.sync;
      return got.state === 'set' ? got : undefined;
    });
    expect(sync.panels).toEqual([expect.objectContaining({ panelId: door.id, state: 'set' })]);
    const panel = (await call<Panel>('GET', `/properties/${p.id}/panels/${door.id}`, { token: p.tokens.staff })).body;
    expect(panel.credentials).toMatchObject({ inSync: true, online: true });
    expect(panel.credentials.reportedVersion).toBe(panel.credentials.desiredVersion);
  });

  it('offline: delete one PIN and create another while disconnected; on reconnect the panel applies both before deciding; offline events arrive once', async () => {
    const [gone, fresh] = [randomPin(), randomPin()];
    const old = await expectOk(call<CreatedDeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'old', pin: gone } }));
    await eventually(async () => knows(door, gone));
    await door.agent.disconnect();
    const offlineGrant = await door.agent.enter(gone); // still valid as far as the panel knows
    expect(offlineGrant).toMatchObject({ decision: 'granted', offline: true });
    const offlineDenial = await door.agent.enter('000001');
    expect(offlineDenial).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    await call('DELETE', `${pins()}/${old.body.id}`, { token: p.tokens.admin });
    const created = await expectOk(call<CreatedDeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'new', pin: fresh } }));
    // Let the stream fold both changes into the set before the panel comes back.
    await eventually(async () =>
      (await call<WithSync<DeliveryPin>>('GET', `${pins()}/${created.body.id}`, { token: p.tokens.admin })).body.sync.panels.every((x) => x.since !== null),
    );
    await door.agent.reconnect();
    expect(await door.agent.enter(gone)).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(await door.agent.enter(fresh)).toMatchObject({ decision: 'granted', credentialId: created.body.id });
    await door.agent.drain(10_000);
    const events = await eventually(async () => {
      const e = await eventsOf();
      return e.some((x) => x.id === offlineGrant.eventId) && e.some((x) => x.id === offlineDenial.eventId) ? e : undefined;
    });
    expect(events.filter((e) => e.id === offlineGrant.eventId)).toHaveLength(1);
    expect(events.find((e) => e.id === offlineGrant.eventId)).toMatchObject({ offline: true, decision: 'granted' });
    expect(events.filter((e) => e.id === offlineDenial.eventId)).toHaveLength(1);
  });

  it("schedules are enforced at the panel in the property's time zone", async () => {
    const pin = randomPin();
    const now = new Date();
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short' }).format(now).toLowerCase().slice(0, 3);
    const otherDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter((d) => d !== local);
    await expectOk(call('POST', pins(), { token: p.tokens.admin, body: { description: 'weekday carrier', pin, schedule: { days: otherDays, from: '00:00', to: '23:59' } } }));
    await eventually(async () => knows(door, pin));
    expect(await door.agent.enter(pin)).toMatchObject({ decision: 'denied', reason: 'outside-schedule' });
  });

  it('a delivery pass opens once at the door; the second entry is refused with the reason in the event', async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    // Under the default offline policy (deny) the panel never holds the pass: a stolen panel must not yield it.
    const pin = randomPin();
    await expectOk(call('POST', pins(), { token: p.tokens.admin, body: { description: 'positive control', pin } }));
    await eventually(async () => knows(door, pin));
    expect(knows(door, pass.body.code)).toBe(false);
    // The code it does not know is claimed in the cloud, which knows the pass.
    const first = await door.agent.enter(pass.body.code);
    expect(first).toMatchObject({ decision: 'granted', method: 'delivery-pass', credentialId: pass.body.id });
    expect(door.doors.filter((d) => d.eventId === first.eventId)).toHaveLength(1);
    const second = await door.agent.enter(pass.body.code);
    expect(second).toMatchObject({ decision: 'denied', reason: 'already-used', method: 'delivery-pass', credentialId: pass.body.id });
    expect(door.doors.filter((d) => d.eventId === second.eventId)).toEqual([]);
    await door.agent.drain(10_000);
    const events = await eventually(async () => {
      const e = await eventsOf();
      return e.some((x) => x.id === second.eventId) ? e : undefined;
    });
    expect(events.find((e) => e.id === second.eventId)).toMatchObject({ decision: 'denied', reason: 'already-used', method: 'delivery-pass' });
    expect(events.find((e) => e.id === first.eventId)).toMatchObject({ decision: 'granted', method: 'delivery-pass', credentialId: pass.body.id });
    const stored = await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident });
    expect(stored.body).toMatchObject({ status: 'used', eventId: first.eventId });
  });

  it('keypad lockout: 5 wrong codes lock the keypad, even a valid code is then refused, and the lock is reported', async () => {
    const pin = randomPin();
    await expectOk(call('POST', pins(), { token: p.tokens.admin, body: { description: 'locked out', pin } }));
    const q = await livePanel(p, { config: { keypad: { maxFailures: 5, windowMs: 300_000, lockMs: 60_000 } } });
    try {
      await eventually(async () => knows(q, pin));
      for (let i = 0; i < 5; i++) expect((await q.agent.enter(`99999${i}`)).decision).toBe('denied');
      expect(await q.agent.enter(pin)).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
      expect(q.doors).toHaveLength(0);
      await q.agent.drain(10_000);
      await eventually(async () => (await eventsOf()).some((e) => e.panelId === q.id && e.reason === 'keypad-locked'));
      await eventually(async () => (await call<Panel>('GET', `/properties/${p.id}/panels/${q.id}`, { token: p.tokens.admin })).body.keypadLockedUntil !== null);
    } finally {
      await q.stop();
    }
  });

  it('remote unlock runs once, even when the command is delivered twice', async () => {
    const sent = await expectOk(call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${door.id}/unlock`, { token: p.tokens.resident }));
    const path = `/properties/${p.id}/panels/${door.id}/commands/${sent.body.commandId}`;
    await eventually(async () => (await call<Command>('GET', path, { token: p.tokens.resident })).body.status === 'executed');
    const released = door.doors.filter((d) => d.commandId === sent.body.commandId || d.method === 'remote-unlock').length;
    expect(released).toBe(1);
    // The broker redelivers it (e.g. a QoS 1 resend after a lost PUBACK).
    const iot = new IoTDataPlaneClient({ endpoint: stack().iotDataEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await iot.send(
      new PublishCommand({
        topic: `lobby/panels/${door.id}/commands`,
        qos: 1,
        payload: Buffer.from(JSON.stringify({ commandId: sent.body.commandId, type: 'unlock', issuedAt: new Date().toISOString(), expiresAt: sent.body.expiresAt })),
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(door.doors.filter((d) => d.commandId === sent.body.commandId || d.method === 'remote-unlock').length).toBe(1);
    expect((await call<Command>('GET', path, { token: p.tokens.resident })).body.status).toBe('executed');
    await door.agent.drain(10_000);
    const events = await eventually(async () => {
      const e = await eventsOf();
      return e.some((x) => x.method === 'remote-unlock') ? e : undefined;
    });
    expect(events.filter((e) => e.method === 'remote-unlock' && e.commandId === sent.body.commandId)).toHaveLength(1);
  });

  it('a stale unlock is refused and the command shows expired', async () => {
    // This panel's clock runs a minute ahead: every command reaches it after its expiry.
    const late = await livePanel(p, { now: () => new Date(Date.now() + 60_000) });
    try {
      const sent = await expectOk(call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${late.id}/unlock`, { token: p.tokens.admin }));
      const path = `/properties/${p.id}/panels/${late.id}/commands/${sent.body.commandId}`;
      await eventually(async () => (await call<Command>('GET', path, { token: p.tokens.admin })).body.status === 'expired');
      expect(late.doors).toHaveLength(0);
    } finally {
      await late.stop();
    }
  });
});
