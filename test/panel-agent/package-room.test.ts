import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventQueue } from '../../iot/panel/event-queue.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import { PackageRoomError } from '../../iot/panel/package-room.ts';
import { codeHash, residentPinHash } from '../../iot/protocol/credential-hash.ts';
import { accessEvent, type CredentialEntry, type DirectoryEntry } from '../../iot/protocol/messages.ts';
import { closedPort, makeAgent, seedCredentials, tempDir, testClock } from './support/agents.ts';

/**
 * The package room's Delivery and Resident flows in the reference agent, offline (no broker):
 * decided from the saved set and the saved directory copy, recorded in the outbox.
 */
const panelKey = Buffer.alloc(32, 5).toString('base64url');
const RES_4B = 'res_01JD8X3Q5C9V2M4N6P8R0T1W50';
const entries: CredentialEntry[] = [
  { id: 'pin_ups', type: 'delivery-pin', hash: codeHash(panelKey, '482913') },
  { id: 'pin_entrance_only', type: 'delivery-pin', hash: codeHash(panelKey, '603927'), doors: { kinds: ['entrance'] } },
  { id: 'visitor_1', type: 'visitor-pass', hash: codeHash(panelKey, '771245') },
  { id: 'dpin_4b', type: 'resident-door-pin', hash: residentPinHash(panelKey, '4B', '2468') },
  { id: 'dpin_5c', type: 'resident-door-pin', hash: residentPinHash(panelKey, '5C', '1357') },
];
const directory: DirectoryEntry[] = [
  { targetId: RES_4B, name: 'Riley Resident', unit: '4B' },
  { targetId: 'res_01JD8X3Q5C9V2M4N6P8R0T1W51', name: 'Casey Núñez', unit: '5C' },
  { targetId: 'stf_front-desk', name: 'Front Desk', unit: null },
];

let dir: { dir: string; remove(): Promise<void> };
const agents: Array<{ stop(): Promise<void> }> = [];

beforeEach(async () => {
  dir = await tempDir('panel-package-room-');
});
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  await dir.remove();
});

async function offlineRoom(kind = 'package-room') {
  const identity: PanelIdentity = { panelId: 'panel-room-1', propertyId: 'prop_1', kind, mqttUrl: `mqtt://127.0.0.1:${await closedPort()}` };
  await seedCredentials(dir.dir, panelKey, entries);
  // The directory copy a previous connection saved (calls.ts keeps it in directory.json).
  await writeFile(join(dir.dir, 'directory.json'), JSON.stringify({ version: 'v1', entries: directory }));
  const clock = testClock('2026-05-04T15:00:00Z');
  const made = makeAgent(identity, dir.dir, { now: clock.now, config: { startTimeoutMs: 300, reconnectMinMs: 60_000, keypad: { maxFailures: 3 } } });
  agents.push(made.agent);
  await made.agent.start();
  return { ...made, clock };
}

async function queuedEvents() {
  const queue = await EventQueue.open(join(dir.dir, 'outbox'));
  return { queue, items: queue.list().flatMap((i) => (i.kind === 'event' ? [i] : [])) };
}

describe('package room, Delivery', () => {
  it('Finish with a delivery PIN: door, photo and ONE event carrying the recipients (unit spelled as in the directory)', async () => {
    const { agent, doors } = await offlineRoom();
    const result = await agent.deliver('482913', [{ unit: '4b ', count: 3 }]);
    expect(result).toMatchObject({ decision: 'granted', method: 'delivery-pin', credentialId: 'pin_ups', offline: true, recipients: [{ unit: '4B', count: 3 }] });
    expect(doors).toEqual([{ method: 'delivery-pin', eventId: result.eventId, at: '2026-05-04T15:00:00.000Z', credentialId: 'pin_ups' }]);
    const { queue, items } = await queuedEvents();
    expect(items).toHaveLength(1);
    expect(accessEvent.parse(items[0]?.event)).toMatchObject({
      eventId: result.eventId,
      method: 'delivery-pin',
      decision: 'granted',
      offline: true,
      delivery: { recipients: [{ unit: '4B', count: 3 }] },
    });
    expect(items[0]?.event).not.toHaveProperty('pickup');
    const photo = await queue.readPhoto(items[0] as NonNullable<(typeof items)[0]>);
    expect(jpeg.decode(photo as Buffer, { useTArray: true }).width).toBe(320);
    expect(await agent.packageRoom.waiting()).toEqual({ '4b': 3 });
  });

  it('several recipients in one Finish; a line picked by name brings its unit and target id', async () => {
    const { agent } = await offlineRoom();
    // The Delivery screen opens the directory (offline: the saved copy), then searches it.
    expect(await agent.packageRoom.openDirectory()).toMatchObject({ entries: 3, offline: true });
    const [line] = agent.packageRoom.search('nunez');
    expect(line).toMatchObject({ unit: '5C' });
    const result = await agent.deliver('482913', [
      { targetId: RES_4B, count: 2 },
      { targetId: line?.targetId ?? '', count: 1 },
    ]);
    expect(result.decision).toBe('granted');
    const { items } = await queuedEvents();
    expect(items.map((i) => i.event.delivery)).toEqual([
      {
        recipients: [
          { unit: '4B', targetId: RES_4B, count: 2 },
          { unit: '5C', targetId: line?.targetId, count: 1 },
        ],
      },
    ]);
  });

  it('a recipient the directory copy does not have, a staff line or a bad count is refused before the door: nothing recorded or counted', async () => {
    const { agent, doors } = await offlineRoom();
    const refused = (picks: Parameters<typeof agent.deliver>[1]) =>
      agent.deliver('000000', picks).then(
        () => 'recorded',
        (error: unknown) => (error instanceof PackageRoomError ? error.reason : String(error)),
      );
    expect(await refused([{ unit: '9Z', count: 1 }])).toBe('unknown-unit');
    expect(await refused([{ targetId: 'stf_front-desk', count: 1 }])).toBe('no-unit');
    expect(await refused([{ targetId: 'res_01JD8X3Q5C9V2M4N6P8R0T1W99', count: 1 }])).toBe('unknown-recipient');
    expect(await refused([{ unit: '4B', count: 0 }])).toBe('bad-count');
    expect(await refused([{ unit: '4B', count: 100 }])).toBe('bad-count');
    expect(await refused([])).toBe('no-recipients');
    expect(doors).toEqual([]);
    expect((await queuedEvents()).items).toHaveLength(0);
    // Six tries with a wrong code, none reached the keypad throttle (3 would lock it).
    expect(agent.status().keypadLockedUntil).toBeUndefined();
  });

  it('a wrong code is denied and counted (no delivery on the event); a visitor code is refused here without counting', async () => {
    const { agent, doors } = await offlineRoom();
    expect(await agent.deliver('771245', [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied', method: 'visitor', reason: 'not-valid-here', credentialId: 'visitor_1' });
    expect(await agent.deliver('111111', [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(await agent.deliver('222222', [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(agent.status().keypadLockedUntil).toBeUndefined();
    await agent.deliver('333333', [{ unit: '4B', count: 1 }]);
    expect(agent.status().keypadLockedUntil).toBeDefined();
    expect(await agent.deliver('482913', [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    expect(doors).toEqual([]);
    const { items } = await queuedEvents();
    expect(items.every((i) => i.event.delivery === undefined)).toBe(true);
    expect(await agent.packageRoom.waiting()).toEqual({});
  });

  it('a delivery PIN limited to entrances is denied at the package room', async () => {
    const { agent, doors } = await offlineRoom();
    expect(await agent.deliver('603927', [{ unit: '4B', count: 1 }])).toMatchObject({ decision: 'denied', reason: 'not-for-this-door', credentialId: 'pin_entrance_only' });
    expect(doors).toEqual([]);
  });

  it('an entrance panel has no package room', async () => {
    const { agent } = await offlineRoom('entrance');
    await expect(agent.deliver('482913', [{ unit: '4B', count: 1 }])).rejects.toMatchObject({ reason: 'not-a-package-room' });
    await expect(agent.pickup('4B', '2468')).rejects.toMatchObject({ reason: 'not-a-package-room' });
    expect((await queuedEvents()).items).toHaveLength(0);
  });
});

describe('package room, Resident pickup', () => {
  it("wrong PINs are denied and counted by the keypad throttle; 4B's PIN with unit 5C opens nothing", async () => {
    const { agent, doors } = await offlineRoom();
    expect(await agent.pickup('4B', '1111')).toMatchObject({ decision: 'denied', method: 'resident-pickup', reason: 'unknown-pin' });
    expect(await agent.pickup('5C', '2468')).toMatchObject({ decision: 'denied', method: 'resident-pickup', reason: 'unknown-pin' });
    expect(agent.status().keypadLockedUntil).toBeUndefined();
    expect(await agent.pickup('4B', '2469')).toMatchObject({ decision: 'denied' });
    expect(agent.status().keypadLockedUntil).toBe('2026-05-04T15:05:00.000Z');
    // Locked: even the right pair is refused until the lock ends.
    expect(await agent.pickup('4B', '2468')).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    expect(doors).toEqual([]);
    const { items } = await queuedEvents();
    expect(items.every((i) => i.event.pickup === undefined)).toBe(true);
  });

  it('the right unit and PIN: door, photo, an event with the pickup; the packages delivered here are counted and cleared', async () => {
    const { agent, doors } = await offlineRoom();
    await agent.deliver('482913', [{ unit: '4B', count: 3 }]);
    await agent.deliver('482913', [{ unit: '5C', count: 1 }]);
    const result = await agent.pickup('4b', '2468');
    expect(result).toMatchObject({ decision: 'granted', method: 'resident-pickup', credentialId: 'dpin_4b', unit: '4B', packages: 3, offline: true });
    expect(doors.at(-1)).toMatchObject({ method: 'resident-pickup', eventId: result.eventId });
    const { queue, items } = await queuedEvents();
    const event = items.find((i) => i.event.eventId === result.eventId);
    expect(accessEvent.parse(event?.event)).toMatchObject({ method: 'resident-pickup', decision: 'granted', credentialId: 'dpin_4b', pickup: { unit: '4B' } });
    expect(event?.event).not.toHaveProperty('delivery');
    expect(await queue.readPhoto(event as NonNullable<typeof event>)).toBeInstanceOf(Buffer);
    expect(await agent.packageRoom.waiting()).toEqual({ '5c': 1 });
    expect(await agent.pickup('4B', '2468')).toMatchObject({ decision: 'granted', packages: 0 });
  });

  it('the tally survives a restart (kept on disk with the outbox)', async () => {
    const { agent } = await offlineRoom();
    await agent.deliver('482913', [{ unit: '4B', count: 2 }]);
    await agent.stop();
    const again = makeAgent({ panelId: 'panel-room-1', propertyId: 'prop_1', kind: 'package-room', mqttUrl: `mqtt://127.0.0.1:${await closedPort()}` }, dir.dir, {
      config: { startTimeoutMs: 300, reconnectMinMs: 60_000 },
    });
    agents.push(again.agent);
    await again.agent.start();
    expect(await again.agent.pickup('4B', '2468')).toMatchObject({ decision: 'granted', packages: 2 });
  });
});
