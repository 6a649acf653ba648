import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedMails } from '../../local/ses.ts';
import { panelIdentity, runPanelCli } from '../support/panel-cli.ts';
import { call, expectOk, newProperty, randomPin, stack, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedDeliveryPass, CreatedDeliveryPin, CreatedPanel, Page } from '../support/contract.ts';
import { tempDir } from '../panel-agent/support/agents.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

/**
 * The package room end to end: the reference agent (in process, and the CLI as a separate
 * process) on a package-room panel of the running local stack. A Finish is one access event
 * with the delivery; the cloud writes the packages with it; a pickup hands them over.
 */
interface PackageItem {
  id: string;
  unit: string;
  count: number;
  status: 'awaiting-pickup' | 'picked-up';
  deliveryEventId: string | null;
  pickupEventId?: string;
}

const packages = async (p: TestProperty, query = '') =>
  (await expectOk(call<Page<PackageItem>>('GET', `/properties/${p.id}/packages?limit=100${query}`, { token: p.tokens.admin }))).body.items;
interface NotificationItem {
  kind: string;
  channel: string;
  status: string;
  attempts: number;
}
const deliveredNotes = async (p: TestProperty) =>
  (await expectOk(call<Page<NotificationItem>>('GET', `/properties/${p.id}/notifications?limit=100`, { token: p.tokens.admin }))).body.items.filter(
    (n) => n.kind === 'package-delivered',
  );
const accessEvents = async (p: TestProperty) =>
  (await expectOk(call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin }))).body.items;
const newPin = async (p: TestProperty, body: Record<string, unknown> = {}) => {
  const pin = randomPin();
  const created = await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'Courier', pin, ...body } }));
  return { pin, id: created.body.id };
};

describe('package room: the CLI one-shots', () => {
  let p: TestProperty;
  let args: string[];
  let state: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    p = await newProperty();
    const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Package room', kind: 'package-room' } }));
    const identity = panelIdentity(p.id, created.body);
    state = await tempDir('lobby-e2e-room-cli-');
    await writeFile(join(state.dir, 'identity.json'), JSON.stringify(identity));
    args = ['--identity', join(state.dir, 'identity.json'), '--state', join(state.dir, 'state')];
  });
  afterAll(async () => {
    await state?.remove();
  });

  it('deliver 3 packages to 4B: one JSON line, one event with its photo, 3 packages waiting for 4B, one e-mail in the SES stand-in', async () => {
    const email = `pat.${p.id.slice(-8).toLowerCase()}@example.com`;
    await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { email }, notify: { deliveries: ['email'] } } }));
    const { pin } = await newPin(p);
    const run = await runPanelCli([...args, 'deliver', '--code', '-', '--unit', '4b', '--count', '3'], pin);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] ?? '');
    expect(printed).toEqual({ decision: 'granted', deliveryIds: [expect.stringMatching(/^[0-9A-Z]{26}$/)], recipients: [{ unit: '4B', count: 3 }] });
    expect(run.stderr).not.toContain(pin);
    const [eventId] = printed.deliveryIds as string[];
    const event = (await accessEvents(p)).find((e) => e.id === eventId);
    expect(event).toMatchObject({ method: 'delivery-pin', decision: 'granted', photoUrl: expect.any(String) });
    const waiting = await packages(p, '&unit=4B&status=awaiting-pickup');
    expect(waiting.map((x) => ({ count: x.count, deliveryEventId: x.deliveryEventId }))).toEqual([{ count: 3, deliveryEventId: eventId }]);
    // The resident hears of it once, by the channel they chose, through the stack's own worker.
    const sent = await eventually(async () => {
      const notes = await deliveredNotes(p);
      return notes.length > 0 && notes.every((n) => n.status === 'sent') && notes;
    }, 45_000);
    expect(sent).toMatchObject([{ channel: 'email', status: 'sent', attempts: 1 }]);
    const mails = (await storedMails(stack().sesEndpoint)).filter((m) => m.destination.to.includes(email));
    expect(mails).toHaveLength(1);
  });

  it('a unit the directory does not have and a wrong code are denied: one JSON line each, exit 1', async () => {
    const unknownUnit = await runPanelCli([...args, 'deliver', '--code', '-', '--unit', '99Z', '--count', '1'], '000000');
    expect([unknownUnit.code, JSON.parse(unknownUnit.stdout)]).toEqual([1, { decision: 'denied', reason: 'unknown-unit' }]);
    const wrong = await runPanelCli([...args, 'deliver', '--code', '-', '--unit', '4B', '--count', '1'], '730433');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(wrong.stderr).not.toContain('730433');
  });
});

describe('package room: the agent against the stack', () => {
  let p: TestProperty;
  let room: LivePanel;
  let entrance: LivePanel;
  beforeAll(async () => {
    p = await newProperty();
    room = await livePanel(p, { kind: 'package-room', config: { keypad: { maxFailures: 3 } } });
    entrance = await livePanel(p);
  });
  afterAll(async () => {
    await room?.stop();
    await entrance?.stop();
  });

  it('offline Finish, then reconnect: one event and one package record, exactly once', async () => {
    const { pin } = await newPin(p);
    await eventually(async () => knows(room, pin));
    await room.agent.packageRoom.openDirectory(); // the copy it will use offline
    await room.agent.disconnect();
    const result = await room.agent.deliver(pin, [{ unit: '4B', count: 2 }]);
    expect(result).toMatchObject({ decision: 'granted', offline: true });
    await room.agent.reconnect();
    await room.agent.drain();
    // Reconnect again: nothing is sent twice.
    await room.agent.disconnect();
    await room.agent.reconnect();
    await room.agent.drain();
    await eventually(async () => (await packages(p)).some((x) => x.deliveryEventId === result.eventId));
    expect((await packages(p)).filter((x) => x.deliveryEventId === result.eventId)).toMatchObject([{ unit: '4B', count: 2, status: 'awaiting-pickup' }]);
    expect((await accessEvents(p)).filter((e) => e.id === result.eventId)).toMatchObject([{ offline: true, photoUrl: expect.any(String) }]);
    // One notification per channel the resident chose (here the default), not one per upload attempt.
    const me = (await expectOk(call<{ notify: { deliveries: string[] } }>('GET', `/properties/${p.id}/me`, { token: p.tokens.resident }))).body;
    expect((await deliveredNotes(p)).map((n) => n.channel).sort()).toEqual([...me.notify.deliveries].sort());
  });

  it("pickup: a wrong PIN and 4B's PIN with 5C are denied and counted; the right one opens, with a photo, and 4B's packages are picked up", async () => {
    const doorPin = randomPin();
    const before = room.agent.status().version;
    await expectOk(call('PUT', `/properties/${p.id}/me/door-pin`, { token: p.tokens.resident, body: { pin: doorPin } }));
    await eventually(async () => room.agent.status().version > before);
    const wrong = doorPin === '000000' ? '000001' : '000000';
    expect(await room.agent.pickup('4B', wrong)).toMatchObject({ decision: 'denied', method: 'resident-pickup' });
    expect(await room.agent.pickup('5C', doorPin)).toMatchObject({ decision: 'denied', method: 'resident-pickup' });
    const granted = await room.agent.pickup('4b', doorPin);
    expect(granted).toMatchObject({ decision: 'granted', method: 'resident-pickup', unit: '4B' });
    expect(room.doors.at(-1)).toMatchObject({ method: 'resident-pickup', eventId: granted.eventId });
    await room.agent.drain();
    // The throttle counted both denials: one more wrong pair locks the keypad (maxFailures 3).
    expect(room.agent.status().keypadLockedUntil).toBeUndefined();
    await room.agent.pickup('4B', wrong);
    expect(room.agent.status().keypadLockedUntil).toBeDefined();
    await eventually(async () => (await packages(p, '&unit=4B')).every((x) => x.status === 'picked-up'));
    const mine = await packages(p, '&unit=4B');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.pickupEventId === granted.eventId)).toBe(true);
    expect((await accessEvents(p)).find((e) => e.id === granted.eventId)).toMatchObject({ method: 'resident-pickup', photoUrl: expect.any(String) });
  });
});

describe('package room: which codes open it', () => {
  let p: TestProperty;
  let room: LivePanel;
  let entrance: LivePanel;
  beforeAll(async () => {
    p = await newProperty();
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { passGraceMinutes: 10 } }));
    room = await livePanel(p, { kind: 'package-room' });
    entrance = await livePanel(p);
  });
  afterAll(async () => {
    await room?.stop();
    await entrance?.stop();
  });

  it('one courier trip, one pass: a delivery pass used at the entrance still opens the package room within the grace window', async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    expect(await entrance.agent.enter(pass.body.code)).toMatchObject({ decision: 'granted', method: 'delivery-pass' });
    const result = await room.agent.deliver(pass.body.code, [{ unit: '4B', count: 1 }]);
    expect(result).toMatchObject({ decision: 'granted', method: 'delivery-pass', reason: 'grace-reentry' });
    await room.agent.drain();
    await eventually(async () => (await packages(p)).some((x) => x.deliveryEventId === result.eventId));
  });

  it('a delivery PIN limited to entrances is refused at the package room (and opens the entrance)', async () => {
    const { pin } = await newPin(p, { doors: { kinds: ['entrance'] } });
    await eventually(async () => knows(entrance, pin));
    expect(await room.agent.deliver(pin, [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied' });
    expect(room.doors.filter((d) => d.method === 'delivery-pin')).toHaveLength(0);
    expect(await entrance.agent.enter(pin)).toMatchObject({ decision: 'granted' });
  });
});
