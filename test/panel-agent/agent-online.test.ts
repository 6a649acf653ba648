import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessEvent, commandAck, heartbeat } from '../../iot/protocol/messages.ts';
import type { PanelAgent } from '../../iot/panel/agent.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud.ts';
import { makeAgent, tempDir } from './support/agents.ts';
import { saveIdentity } from '../../iot/panel/identity.ts';

/**
 * The agent through a real MQTT path: the local IoT Core stand-in (mutual TLS with a thing
 * certificate, the panel IoT policy, named shadows, persistent sessions) and a fake cloud that
 * answers the panel protocol. The cloud-side handlers are tested elsewhere; this is the panel.
 */
let cloud: FakeCloud;
let n = 0;
let panelId: string;
let identity: PanelIdentity;
let state: { dir: string; remove(): Promise<void> };
const running: PanelAgent[] = [];

beforeAll(async () => {
  cloud = await startFakeCloud();
});
afterAll(async () => {
  await cloud?.stop();
});
beforeEach(async () => {
  cloud.answering = true;
  cloud.offlinePassPolicy = 'deny';
  panelId = `panel-test-${++n}`;
  identity = await cloud.provision(panelId);
  state = await tempDir('panel-online-');
});
afterEach(async () => {
  for (const agent of running.splice(0)) await agent.stop();
  await state.remove();
});

async function online(config = {}) {
  const made = makeAgent(identity, state.dir, { config: { retryMs: 200, claimTimeoutMs: 500, ...config } });
  running.push(made.agent);
  await made.agent.start();
  expect(made.agent.connected).toBe(true);
  return made;
}

const eventsOf = (eventId: string) => cloud.events.filter((e) => e.eventId === eventId);

describe('panel agent against IoT Core', () => {
  it('connects with its certificate, gets the full set, reports it on the shadow and in a heartbeat', async () => {
    await cloud.put('246810', { id: `pin_a${n}`, type: 'delivery-pin' });
    const { agent } = await online();
    const status = agent.status();
    expect(status).toMatchObject({ connected: true, version: cloud.version, keyVersion: 1, timezone: 'America/New_York' });
    const shadow = await cloud.waitFor(() => {
      const doc = cloud.shadow(panelId) as { state: { reported?: { version: number } } } | undefined;
      return doc?.state.reported?.version === cloud.version ? doc : undefined;
    });
    expect(shadow.state).toMatchObject({ desired: { version: cloud.version, keyVersion: 1 }, reported: { version: cloud.version, keyVersion: 1 } });
    const beat = await cloud.waitFor(() => cloud.heartbeats.find((h) => h.credentials.version === cloud.version && h.credentials.digest === status.digest));
    expect(heartbeat.safeParse(beat).success).toBe(true);
  });

  it('grants a PIN, uploads the photo with a presigned PUT, then publishes the event with its photoKey', async () => {
    await cloud.put('135790', { id: `pin_b${n}`, type: 'delivery-pin' });
    const { agent, doors } = await online();
    const result = await agent.enter('135790');
    expect(result).toMatchObject({ decision: 'granted', method: 'delivery-pin', credentialId: `pin_b${n}` });
    expect(result.offline).toBeUndefined();
    expect(doors).toHaveLength(1);
    await agent.drain(5_000);
    const [event] = eventsOf(result.eventId);
    expect(accessEvent.parse(event)).toMatchObject({ decision: 'granted', photoKey: `photos/${panelId}/${result.eventId}.jpg` });
    const photo = cloud.photos.get(event!.photoKey!)!;
    expect(photo.contentType).toBe('image/jpeg');
    expect(jpeg.decode(photo.body).width).toBe(320);
    expect(agent.status().outbox).toBe(0);
  });

  it('a revoked code stops working within seconds (shadow delta -> delta sync)', async () => {
    await cloud.put('112233', { id: `pin_c${n}`, type: 'delivery-pin' });
    const { agent } = await online();
    expect((await agent.enter('112233')).decision).toBe('granted');
    const synced = new Promise((resolve) => agent.once('synced', resolve));
    const started = Date.now();
    await cloud.remove(`pin_c${n}`);
    expect(await synced).toMatchObject({ kind: 'delta', version: cloud.version });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await agent.enter('112233')).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
  });

  it('after a reconnect it syncs before it accepts anything: a code revoked while offline is refused at once', async () => {
    await cloud.put('445566', { id: `pin_d${n}`, type: 'delivery-pin' });
    const { agent, doors } = await online();
    await agent.disconnect();
    await cloud.remove(`pin_d${n}`);
    // the very first entry after the connection is back, made from the 'connected' event itself
    const firstEntry = new Promise<Awaited<ReturnType<PanelAgent['enter']>>>((resolve) => agent.once('connected', () => resolve(agent.enter('445566'))));
    await agent.reconnect();
    expect(await firstEntry).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(doors).toHaveLength(0);
  });

  it('a new code arrives as a delta', async () => {
    const { agent } = await online();
    const synced = new Promise((resolve) => agent.once('synced', resolve));
    await cloud.put('778899', { id: `pin_e${n}`, type: 'delivery-pin' });
    expect(await synced).toMatchObject({ kind: 'delta' });
    expect((await agent.enter('778899')).decision).toBe('granted');
  });

  it('a delta that does not add up makes the panel fetch the full set', async () => {
    const { agent } = await online();
    cloud.corruptNextDelta = true;
    const kinds: string[] = [];
    agent.on('synced', (s) => kinds.push(s.kind));
    await cloud.put('121212', { id: `pin_f${n}`, type: 'delivery-pin' });
    await cloud.waitFor(() => kinds.length > 0);
    expect(kinds).toEqual(['full']);
    expect((await agent.enter('121212')).decision).toBe('granted');
  });

  it('events decided offline are delivered on reconnect, in order, flagged offline', async () => {
    await cloud.put('343434', { id: `pin_g${n}`, type: 'delivery-pin' });
    const { agent } = await online();
    await agent.disconnect();
    const results = [await agent.enter('343434'), await agent.enter('000001'), await agent.enter('343434')];
    expect(results.map((r) => r.offline)).toEqual([true, true, true]);
    expect(agent.status().outbox).toBe(3);
    await agent.reconnect();
    await agent.drain(5_000);
    const delivered = cloud.events.filter((e) => results.some((r) => r.eventId === e.eventId));
    expect(delivered.map((e) => e.eventId)).toEqual(results.map((r) => r.eventId));
    expect(delivered.every((e) => e.offline === true)).toBe(true);
    expect(delivered.filter((e) => e.photoKey).length).toBe(2);
  });

  it('a single-use pass is claimed in the cloud: it opens once', async () => {
    await cloud.put('909090', { id: `pass_h${n}`, type: 'delivery-pass', singleUse: true });
    const { agent, doors } = await online();
    expect(await agent.enter('909090')).toMatchObject({ decision: 'granted', method: 'delivery-pass', credentialId: `pass_h${n}` });
    expect(await agent.enter('909090')).toMatchObject({ decision: 'denied' });
    expect(doors).toHaveLength(1);
    const claims = cloud.requests.filter((r) => r.op === 'pass.claim' && r.credentialId === `pass_h${n}`);
    expect(claims.length).toBeGreaterThanOrEqual(1);
  });

  it('a claim that gets no answer is retried with the same attemptId, then the offline policy decides', async () => {
    await cloud.put('818181', { id: `pass_i${n}`, type: 'delivery-pass', singleUse: true });
    const { agent } = await online({ claimTimeoutMs: 300, claimAttempts: 2 });
    cloud.answering = false;
    expect(await agent.enter('818181')).toMatchObject({ decision: 'denied', reason: 'claim-timeout', offline: true });
    const claims = cloud.requests.filter((r) => r.op === 'pass.claim' && r.credentialId === `pass_i${n}`);
    expect(claims).toHaveLength(2);
    expect(new Set(claims.map((c) => (c as { attemptId: string }).attemptId)).size).toBe(1);
    expect(new Set(claims.map((c) => c.requestId)).size).toBe(1);
  });

  it("offline under 'allow-once-and-reconcile': grants once, then reports the claim with offline: true", async () => {
    cloud.offlinePassPolicy = 'allow-once-and-reconcile';
    await cloud.put('626262', { id: `pass_j${n}`, type: 'delivery-pass', singleUse: true });
    const { agent } = await online();
    expect(agent.status().offlinePassPolicy).toBe('allow-once-and-reconcile');
    await agent.disconnect();
    const granted = await agent.enter('626262');
    expect(granted).toMatchObject({ decision: 'granted', offline: true });
    expect((await agent.enter('626262')).reason).toBe('already-used');
    await agent.reconnect();
    await agent.drain(5_000);
    const claim = cloud.requests.find((r) => r.op === 'pass.claim' && r.credentialId === `pass_j${n}`);
    expect(claim).toMatchObject({ offline: true, eventId: granted.eventId });
    expect(agent.status().pendingClaims).toBe(0);
  });

  it('remote unlock: executed once, re-sent command acked again without a second release', async () => {
    const { agent, doors } = await online();
    const command = await cloud.unlock(panelId, {});
    const ack = await cloud.waitFor(() => cloud.acks.find((a) => a.commandId === command.commandId));
    expect(commandAck.parse(ack)).toMatchObject({ status: 'executed' });
    expect(doors).toEqual([expect.objectContaining({ method: 'remote-unlock', commandId: command.commandId, eventId: ack.eventId })]);
    await cloud.unlock(panelId, command);
    await cloud.waitFor(() => cloud.acks.filter((a) => a.commandId === command.commandId).length === 2);
    expect(cloud.acks.filter((a) => a.commandId === command.commandId).map((a) => [a.status, a.eventId])).toEqual([
      ['executed', ack.eventId],
      ['executed', ack.eventId],
    ]);
    expect(doors).toHaveLength(1);
    await agent.drain(5_000);
    expect(eventsOf(ack.eventId!)).toEqual([expect.objectContaining({ method: 'remote-unlock', commandId: command.commandId, decision: 'granted', photoKey: expect.any(String) })]);
  });

  it('remote unlock: an expired command is refused, also when it reaches a panel that was offline', async () => {
    const { agent, doors } = await online();
    const stale = await cloud.unlock(panelId, { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    expect(await cloud.waitFor(() => cloud.acks.find((a) => a.commandId === stale.commandId))).toMatchObject({ status: 'expired' });
    await agent.disconnect();
    const late = await cloud.unlock(panelId, { ttlMs: 300 }); // queued in the persistent session
    await new Promise((resolve) => setTimeout(resolve, 500));
    await agent.reconnect();
    expect(await cloud.waitFor(() => cloud.acks.find((a) => a.commandId === late.commandId))).toMatchObject({ status: 'expired' });
    expect(doors).toEqual([]);
  });

  it('a command that arrives while the panel is offline but still valid is executed on reconnect', async () => {
    const { agent, doors } = await online();
    await agent.disconnect();
    const command = await cloud.unlock(panelId, { ttlMs: 20_000 });
    await agent.reconnect();
    expect(await cloud.waitFor(() => cloud.acks.find((a) => a.commandId === command.commandId))).toMatchObject({ status: 'executed' });
    expect(doors).toHaveLength(1);
  });

  it('rides out a broker outage: the SDK reconnects by itself, resubscribes, resyncs and flushes', async () => {
    await cloud.put('313131', { id: `pin_m${n}`, type: 'delivery-pin' });
    const { agent } = await online({ reconnectMinMs: 200, reconnectMaxMs: 1_000 });
    const dropped = new Promise<void>((resolve) => agent.once('disconnected', () => resolve()));
    const back = new Promise<void>((resolve) => agent.once('connected', () => resolve()));
    await cloud.restartBroker(300);
    await dropped;
    const offline = await agent.enter('313131');
    expect(offline).toMatchObject({ decision: 'granted', offline: true });
    // asking to reconnect while the SDK is already reconnecting waits for it (no second connection)
    await agent.reconnect(10_000);
    await back;
    expect(agent.connected).toBe(true);
    await cloud.remove(`pin_m${n}`); // announced after the reconnect: reaches the panel only if it resubscribed
    await cloud.waitFor(() => agent.status().version === cloud.version);
    expect((await agent.enter('313131')).reason).toBe('unknown-code');
    await agent.drain(5_000);
    expect(eventsOf(offline.eventId)).toHaveLength(1);
    const command = await cloud.unlock(panelId, {});
    expect(await cloud.waitFor(() => cloud.acks.find((a) => a.commandId === command.commandId))).toMatchObject({ status: 'executed' });
  });

  it('a keypad lock reaches the cloud as an event and in the heartbeat', async () => {
    const { agent } = await online({ keypad: { maxFailures: 3 } });
    for (let i = 0; i < 3; i++) await agent.enter(`99999${i}`);
    const lockedUntil = agent.status().keypadLockedUntil;
    expect(lockedUntil).toBeDefined();
    expect(await agent.enter('000000')).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    await agent.drain(5_000);
    expect(await cloud.waitFor(() => cloud.heartbeats.find((h) => h.keypadLockedUntil === lockedUntil))).toBeDefined();
    const recent = cloud.events.slice(-5).map((e) => [e.method, e.decision, e.reason]);
    expect(recent).toEqual([
      ...Array(3).fill(['delivery-pin', 'denied', 'unknown-code']),
      ['delivery-pin', 'denied', 'keypad-locked'],
      ['delivery-pin', 'denied', 'keypad-locked'],
    ]);
  });

  it('the CLI one-shot prints exactly one JSON line once the event is delivered, and logs no code', async () => {
    await cloud.put('454545', { id: `pin_n${n}`, type: 'delivery-pin' });
    const file = await saveIdentity(identity, join(state.dir, 'identity.json'));
    const run = (code: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'iot/panel/cli.ts', '--identity', file, '--state', join(state.dir, 'state'), 'enter', code], {
        env: { ...process.env, PANEL_LOG_LEVEL: 'debug' },
      });
    const granted = await run('454545');
    const lines = granted.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result)).toEqual(['decision', 'method', 'eventId']);
    expect(result).toMatchObject({ decision: 'granted', method: 'delivery-pin' });
    expect(eventsOf(result.eventId)).toEqual([expect.objectContaining({ photoKey: expect.any(String) })]);
    expect(granted.stderr).not.toContain('454545');
    expect(granted.stderr).not.toContain(cloud.panelKey);
    const deniedRun = await run('730419');
    const denied = JSON.parse(deniedRun.stdout);
    expect(denied).toEqual({ decision: 'denied', method: 'delivery-pin', reason: 'unknown-code', eventId: expect.any(String) });
    // A wrongly typed code is not logged either; the log does record the decision (so stderr was captured).
    expect(deniedRun.stderr).toContain(denied.eventId);
    expect(deniedRun.stderr).not.toContain('730419');
    expect(deniedRun.stderr).not.toContain(cloud.panelKey);
  });

  it('logs no typed code: unknown codes, the keypad lock, entries while locked (a valid one too)', async () => {
    await cloud.put('462913', { id: `pin_o${n}`, type: 'delivery-pin' });
    const lines: string[] = [];
    const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    const log = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const { agent } = await online({ log, keypad: { maxFailures: 3 } });
    const wrong = ['730521', '730522', '730523'];
    for (const code of wrong) expect(await agent.enter(code)).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(await agent.enter('730524')).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    expect(await agent.enter('462913')).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    await agent.drain(5_000);
    // Positive control: the decisions and the lock were logged.
    expect(lines.filter((l) => l.includes('access decision') && l.includes('unknown-code'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('keypad locked'))).toBe(true);
    for (const code of [...wrong, '730524', '462913']) expect(lines.filter((l) => l.includes(code))).toEqual([]);
    expect(lines.filter((l) => l.includes(cloud.panelKey))).toEqual([]);
  });

  it('a restarted panel starts from its saved set and only asks for what changed', async () => {
    await cloud.put('565656', { id: `pin_k${n}`, type: 'delivery-pin' });
    const first = await online();
    await first.agent.stop();
    await cloud.put('575757', { id: `pin_l${n}`, type: 'delivery-pin' });
    const kinds: string[] = [];
    const second = makeAgent(identity, state.dir, { config: { retryMs: 200 } });
    running.push(second.agent);
    second.agent.on('synced', (s) => kinds.push(s.kind));
    await second.agent.start();
    expect(kinds[0]).toBe('delta');
    expect((await second.agent.enter('575757')).decision).toBe('granted');
    expect((await second.agent.enter('565656')).decision).toBe('granted');
  });
});
