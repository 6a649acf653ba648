import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeHash } from '../../iot/protocol/credential-hash.ts';
import { accessEvent, PROTOCOL_VERSION, type CredentialEntry } from '../../iot/protocol/messages.ts';
import { EventQueue } from '../../iot/panel/event-queue.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closedPort, makeAgent, seedCredentials, tempDir, testClock } from './support/agents.ts';

/**
 * The agent with no network at all: it must decide from the set it saved last time. These
 * tests drive PanelAgent in-process against a broker address where nothing listens.
 */
const panelKey = Buffer.alloc(32, 3).toString('base64url');
const hash = (code: string) => codeHash(panelKey, code);
const entries: CredentialEntry[] = [
  { id: 'pin_ups', type: 'delivery-pin', hash: hash('482913') },
  { id: 'pin_day', type: 'delivery-pin', hash: hash('700800'), schedule: { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '08:00', to: '18:00' } },
  { id: 'pin_window', type: 'delivery-pin', hash: hash('111222'), validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-06-01T00:00:00Z' },
  { id: 'pass_once', type: 'delivery-pass', hash: hash('555666'), singleUse: true },
  { id: 'visitor_1', type: 'visitor-pass', hash: hash('QR-TOKEN-ABC') },
];

let dir: { dir: string; remove(): Promise<void> };
let identity: PanelIdentity;
const agents: Array<{ stop(): Promise<void> }> = [];

beforeEach(async () => {
  dir = await tempDir('panel-offline-');
  identity = { panelId: 'panel-offline-1', propertyId: 'prop_1', kind: 'entrance', mqttUrl: `mqtt://127.0.0.1:${await closedPort()}` };
});
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  await dir.remove();
});

async function offlineAgent(clockAt: string, policy: 'deny' | 'allow-once-and-reconcile' = 'deny') {
  await seedCredentials(dir.dir, panelKey, entries, { offlinePassPolicy: policy });
  const clock = testClock(clockAt);
  const made = makeAgent(identity, dir.dir, { now: clock.now, config: { startTimeoutMs: 300, reconnectMinMs: 60_000 } });
  agents.push(made.agent);
  await made.agent.start();
  return { ...made, clock };
}

async function queued() {
  const queue = await EventQueue.open(join(dir.dir, 'outbox'));
  return { queue, items: queue.list().flatMap((i) => (i.kind === 'event' ? [i] : [])) };
}

describe('panel agent, offline', () => {
  it('starts offline from the saved set and grants a valid PIN, with a door release, a photo and a queued event', async () => {
    const { agent, doors } = await offlineAgent('2026-05-04T15:00:00Z');
    expect(agent.status()).toMatchObject({ connected: false, version: 7, entries: 5, outbox: 0 });
    const result = await agent.enter('482913');
    expect(result).toMatchObject({ decision: 'granted', method: 'delivery-pin', credentialId: 'pin_ups', offline: true });
    expect(result.eventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(doors).toEqual([{ method: 'delivery-pin', eventId: result.eventId, at: '2026-05-04T15:00:00.000Z', credentialId: 'pin_ups' }]);
    const { queue, items } = await queued();
    expect(items).toHaveLength(1);
    expect(accessEvent.parse(items[0]!.event)).toEqual({
      protocolVersion: PROTOCOL_VERSION,
      eventId: result.eventId,
      at: '2026-05-04T15:00:00.000Z',
      method: 'delivery-pin',
      decision: 'granted',
      credentialId: 'pin_ups',
      offline: true,
    });
    const photo = jpeg.decode((await queue.readPhoto(items[0]!))!, { useTArray: true });
    expect([photo.width, photo.height]).toEqual([320, 240]);
  });

  it('denies an unknown code as a delivery-pin attempt, without a door or a photo', async () => {
    const { agent, doors } = await offlineAgent('2026-05-04T15:00:00Z');
    expect(await agent.enter('000000')).toMatchObject({ decision: 'denied', method: 'delivery-pin', reason: 'unknown-code' });
    expect(doors).toEqual([]);
    const { items } = await queued();
    expect(items[0]).toMatchObject({ photo: false, event: { decision: 'denied', reason: 'unknown-code', method: 'delivery-pin' } });
  });

  it('maps credential types to methods; a scanned QR token must carry a valid signature', async () => {
    const { agent } = await offlineAgent('2026-05-04T15:00:00Z');
    expect(await agent.enter('QR-TOKEN-ABC')).toMatchObject({ decision: 'granted', method: 'visitor', credentialId: 'visitor_1' });
    // A visitor pass's keypad code is not a QR token: scanning it is refused (signed tokens only).
    expect(await agent.scan('QR-TOKEN-ABC')).toMatchObject({ decision: 'denied', method: 'visitor', reason: 'qr-malformed' });
  });

  it('applies schedules in the property time zone, across the DST change', async () => {
    const { agent, clock } = await offlineAgent('2026-03-08T11:59:00Z'); // 07:59 EDT
    expect(await agent.enter('700800')).toMatchObject({ decision: 'denied', reason: 'outside-schedule', credentialId: 'pin_day' });
    clock.set('2026-03-08T12:00:00Z'); // 08:00 EDT
    expect(await agent.enter('700800')).toMatchObject({ decision: 'granted' });
    clock.set('2026-03-08T22:00:00Z'); // 18:00 EDT
    expect((await agent.enter('700800')).reason).toBe('outside-schedule');
    clock.set('2026-11-01T12:30:00Z'); // 07:30 EST
    expect((await agent.enter('700800')).reason).toBe('outside-schedule');
    clock.set('2026-11-01T13:00:00Z'); // 08:00 EST
    expect((await agent.enter('700800')).decision).toBe('granted');
  });

  it('checks validFrom / validUntil against the panel clock', async () => {
    const { agent, clock } = await offlineAgent('2026-04-30T23:59:59Z');
    expect((await agent.enter('111222')).reason).toBe('not-yet-valid');
    clock.set('2026-05-01T00:00:00Z');
    expect((await agent.enter('111222')).decision).toBe('granted');
    clock.set('2026-06-01T00:00:00Z');
    expect((await agent.enter('111222')).reason).toBe('expired');
  });

  it('locks the keypad after 5 wrong codes: even a valid code is refused until the lock ends', async () => {
    const { agent, clock, doors } = await offlineAgent('2026-05-04T15:00:00Z');
    for (let i = 0; i < 5; i++) {
      expect((await agent.enter(`00000${i}`)).reason).toBe('unknown-code');
      clock.advance(10_000);
    }
    const lockedUntil = agent.status().keypadLockedUntil;
    expect(lockedUntil).toBe('2026-05-04T15:05:40.000Z');
    expect(await agent.enter('482913')).toMatchObject({ decision: 'denied', method: 'delivery-pin', reason: 'keypad-locked' });
    expect(doors).toEqual([]);
    const { items } = await queued();
    // 5 wrong codes, the lock itself, the refused valid code
    expect(items.map((i) => i.event.reason)).toEqual(['unknown-code', 'unknown-code', 'unknown-code', 'unknown-code', 'unknown-code', 'keypad-locked', 'keypad-locked']);
    clock.set(lockedUntil!);
    expect((await agent.enter('482913')).decision).toBe('granted');
    expect(agent.status().keypadLockedUntil).toBeUndefined();
  });

  it("single-use pass offline under the 'deny' policy: refused with reason offline", async () => {
    const { agent, doors } = await offlineAgent('2026-05-04T15:00:00Z', 'deny');
    expect(await agent.enter('555666')).toMatchObject({ decision: 'denied', method: 'delivery-pass', reason: 'offline', credentialId: 'pass_once' });
    expect(doors).toEqual([]);
  });

  it("single-use pass offline under 'allow-once-and-reconcile': one grant, remembered across a restart, claim kept for later", async () => {
    const { agent, doors } = await offlineAgent('2026-05-04T15:00:00Z', 'allow-once-and-reconcile');
    expect(await agent.enter('555666')).toMatchObject({ decision: 'granted', method: 'delivery-pass', offline: true });
    expect(await agent.enter('555666')).toMatchObject({ decision: 'denied', reason: 'already-used' });
    expect(doors).toHaveLength(1);
    expect(agent.status().pendingClaims).toBe(1);
    await agent.stop();
    const again = makeAgent(identity, dir.dir, { now: () => new Date('2026-05-04T15:01:00Z'), config: { startTimeoutMs: 300, reconnectMinMs: 60_000 } });
    agents.push(again.agent);
    await again.agent.start();
    expect(again.agent.status()).toMatchObject({ pendingClaims: 1, outbox: 2 });
    expect(await again.agent.enter('555666')).toMatchObject({ decision: 'denied', reason: 'already-used' });
  });

  it('a claim ledger that cannot be written refuses the offline grant and says why (not "no answer")', async () => {
    const warnings: string[] = [];
    await seedCredentials(dir.dir, panelKey, entries, { offlinePassPolicy: 'allow-once-and-reconcile' });
    const log = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    const made = makeAgent(identity, dir.dir, { now: testClock('2026-05-04T15:00:00Z').now, config: { startTimeoutMs: 300, reconnectMinMs: 60_000, log } });
    agents.push(made.agent);
    await made.agent.start();
    await mkdir(join(dir.dir, 'claims.json', 'x'), { recursive: true });
    expect(await made.agent.enter('555666')).toMatchObject({ decision: 'denied', reason: 'panel-storage-error', credentialId: 'pass_once', offline: true });
    expect(made.doors).toEqual([]);
    expect(warnings).toContain('could not save the claim ledger, offline grant refused');
    expect(warnings.join(' ')).not.toMatch(/no answer/);
  });

  it('a restarted panel keeps its queued events, in order, behind the new ones', async () => {
    const { agent } = await offlineAgent('2026-05-04T15:00:00Z');
    const first = await agent.enter('482913');
    const second = await agent.enter('999999');
    await agent.stop();
    const again = makeAgent(identity, dir.dir, { config: { startTimeoutMs: 300, reconnectMinMs: 60_000 } });
    agents.push(again.agent);
    await again.agent.start();
    const third = await again.agent.enter('482913');
    const { items } = await queued();
    expect(items.map((i) => i.event.eventId)).toEqual([first.eventId, second.eventId, third.eventId]);
  });

  it('without any saved set every code is unknown', async () => {
    const { agent } = makeAgent(identity, dir.dir, { config: { startTimeoutMs: 300, reconnectMinMs: 60_000 } });
    agents.push(agent);
    await agent.start();
    expect(await agent.enter('482913')).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
  });
});
