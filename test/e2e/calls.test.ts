import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallUpdate } from '../../iot/panel/agent-types.ts';
import { panelIdentity } from '../support/panel-cli.ts';
import { call, expectOk, newProperty, present, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedPanel, Page } from '../support/contract.ts';
import { tempDir } from '../panel-agent/support/agents.ts';
import { eventually, livePanel, type LivePanel } from './support.ts';

/**
 * The reference panel agent and its CLI against the whole stack: the directory (offline too),
 * a call rung from the panel, accepted and the door opened from the app, the door released at
 * the panel with method "call" and its photo; a declined call and a call again.
 */
let p: TestProperty;
let door: LivePanel;
beforeAll(async () => {
  p = await newProperty();
  door = await livePanel(p);
});
afterAll(async () => {
  await door?.stop();
});

const nextCall = (panel: LivePanel, match: (u: CallUpdate) => boolean) =>
  new Promise<CallUpdate>((resolve) => {
    const listener = (u: CallUpdate) => {
      if (match(u)) {
        panel.agent.off('call', listener);
        resolve(u);
      }
    };
    panel.agent.on('call', listener);
  });

describe("the panel's directory", () => {
  it('shows display name and unit with a target id, searchable by either, and the saved copy offline', async () => {
    expect(await door.agent.syncDirectory()).toMatchObject({ offline: false, entries: 2 }); // the resident and the staff member
    const riley = door.agent.searchDirectory('riley');
    expect(riley).toEqual([{ targetId: p.residentId, name: 'Riley Resident', unit: '4B' }]);
    expect(door.agent.searchDirectory('4b')).toEqual(riley);
    expect(door.agent.searchDirectory('staff').map((e) => e.unit)).toEqual([null]);
    // Unchanged: a short reply, same version.
    const again = await door.agent.syncDirectory();
    await door.agent.disconnect();
    try {
      expect(await door.agent.syncDirectory()).toEqual({ ...again, offline: true });
      expect(door.agent.searchDirectory('riley')).toEqual(riley);
    } finally {
      await door.agent.reconnect();
    }
  });
});

describe('a call from the panel', () => {
  it('declined: the panel shows it, and the visitor calls again', async () => {
    const declined = nextCall(door, (u) => u.status === 'declined');
    const { callId } = await door.agent.call({ targetId: p.residentId });
    expect((await call('POST', `/properties/${p.id}/calls/${callId}/decline`, { token: p.tokens.resident })).status).toBe(200);
    expect(await declined).toMatchObject({ callId, status: 'declined' });
    const accepted = nextCall(door, (u) => u.status === 'accepted');
    const again = await door.agent.call({ unit: '4B' });
    expect(again.callId).not.toBe(callId);
    await expectOk(call('POST', `/properties/${p.id}/calls/${again.callId}/accept`, { token: p.tokens.resident }));
    await accepted;
    const ended = nextCall(door, (u) => u.status === 'ended');
    await door.agent.hangUp(again.callId);
    await ended;
  });

  it('npm run panel -- call 4B: ringing, accepted, door granted (method "call", photo), ended; exits 0', async () => {
    // A panel of its own for the CLI process (one MQTT client id per panel).
    const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'CLI door', kind: 'entrance' } }));
    const state = await tempDir('lobby-e2e-call-cli-');
    try {
      const identityFile = join(state.dir, 'identity.json');
      await writeFile(identityFile, JSON.stringify(panelIdentity(p.id, created.body)));
      const cli = spawn(process.execPath, ['--import', 'tsx', 'iot/panel/cli.ts', '--identity', identityFile, '--state', join(state.dir, 'state'), 'call', '4B', '--wait', '60'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      cli.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
      const lines: Array<Record<string, string>> = [];
      const waiting: Array<{ match: (l: Record<string, string>) => boolean; resolve: (l: Record<string, string>) => void }> = [];
      createInterface({ input: cli.stdout }).on('line', (text) => {
        const line = JSON.parse(text) as Record<string, string>;
        lines.push(line);
        for (const w of waiting.filter((x) => x.match(line))) w.resolve(line);
      });
      const line = (match: (l: Record<string, string>) => boolean) => lines.find(match) ?? new Promise<Record<string, string>>((resolve) => waiting.push({ match, resolve }));

      const ringing = await line((l) => l.call === 'ringing');
      const callId = present(ringing.callId, 'a call id');
      await expectOk(call('POST', `/properties/${p.id}/calls/${callId}/accept`, { token: p.tokens.resident }));
      await line((l) => l.call === 'accepted');
      expect((await call('POST', `/properties/${p.id}/calls/${callId}/open-door`, { token: p.tokens.resident })).status).toBe(202);
      // Exit 3 would mean the door's event is still queued in the CLI's state dir: stderr says why.
      expect({ code: await exited, stderr: stderr.slice(-2000) }).toMatchObject({ code: 0 });
      expect(lines.map((l) => l.call ?? `door:${l.door}`)).toEqual(expect.arrayContaining(['ringing', 'accepted', 'ended', 'door:granted']));
      expect(lines[0]).toEqual({ call: 'ringing', callId });
      const eventId = present(lines.find((l) => l.door === 'granted')?.eventId, 'the door event id');

      // The CLI has delivered the event (exit 0); the topic rule's Lambda stores it. Generous bound: CI runs 2 cores flat out.
      const event = await eventually(
        async () => (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.admin })).body.items.find((e) => e.id === eventId),
        60_000,
      );
      expect(event).toMatchObject({ method: 'call', decision: 'granted', credentialId: callId, panelId: created.body.id });
      expect((await fetch(present(event.photoUrl, 'a photo URL'))).status).toBe(200);
      const after = await eventually(async () => {
        const got = (await call<{ accessEventId?: string; status: string; doorOpened: boolean }>('GET', `/properties/${p.id}/calls/${callId}`, { token: p.tokens.resident })).body;
        return got.accessEventId ? got : undefined;
      });
      expect(after).toMatchObject({ status: 'ended', doorOpened: true, accessEventId: eventId });
      expect(stderr).not.toMatch(/signalingUrl|X-Amz-Signature/);
    } finally {
      await state.remove();
    }
  }, 180_000);
});
