import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventQueue } from '../../iot/panel/event-queue.ts';
import { codeHash, residentPinHash } from '../../iot/protocol/credential-hash.ts';
import { runPanelCli } from '../support/panel-cli.ts';
import { closedPort, seedCredentials, tempDir } from './support/agents.ts';

/**
 * `npm run panel -- deliver|pickup` with no network: the panel decides from its saved set and
 * directory copy, prints one line saying so (`offline: true`) and exits 3, the event queued.
 */
const panelKey = Buffer.alloc(32, 9).toString('base64url');

let dir: { dir: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('panel-room-cli-');
});
afterEach(async () => {
  await dir.remove();
});

describe('package room CLI, offline', () => {
  // Each run waits out the panel's 10 s start timeout before it decides offline.
  it('deliver then pickup: decided from the saved set, offline:true, exit 3, both events queued', { timeout: 150_000 }, async () => {
    const state = join(dir.dir, 'state');
    await seedCredentials(state, panelKey, [
      { id: 'pin_ups', type: 'delivery-pin', hash: codeHash(panelKey, '482913') },
      { id: 'dpin_4b', type: 'resident-door-pin', hash: residentPinHash(panelKey, '4B', '2468') },
    ]);
    await writeFile(
      join(state, 'directory.json'),
      JSON.stringify({ version: 'v1', entries: [{ targetId: 'res_01JD8X3Q5C9V2M4N6P8R0T1W50', name: 'Riley Resident', unit: '4B' }] }),
    );
    const identity = join(dir.dir, 'identity.json');
    await writeFile(identity, JSON.stringify({ panelId: 'room-cli', propertyId: 'prop_1', kind: 'package-room', mqttUrl: `mqtt://127.0.0.1:${await closedPort()}` }));
    const args = ['--identity', identity, '--state', state];

    const delivered = await runPanelCli([...args, 'deliver', '--code', '-', '--unit', '4B', '--count', '3'], '482913');
    expect(delivered.code).toBe(3);
    const line = JSON.parse(delivered.stdout);
    expect(line).toEqual({ decision: 'granted', deliveryIds: [expect.stringMatching(/^[0-9A-Z]{26}$/)], recipients: [{ unit: '4B', count: 3 }], offline: true });
    expect(delivered.stderr).not.toContain('482913');

    const picked = await runPanelCli([...args, 'pickup', '--unit', '4b', '--pin', '-'], '2468');
    expect(picked.code).toBe(3);
    expect(JSON.parse(picked.stdout)).toMatchObject({ decision: 'granted', packages: 3, unit: '4B', offline: true });
    expect(picked.stderr).not.toContain('2468');

    const queue = await EventQueue.open(join(state, 'outbox'));
    const events = queue.list().flatMap((i) => (i.kind === 'event' ? [i.event] : []));
    expect(events.map((e) => [e.decision, e.delivery ?? e.pickup ?? null])).toEqual([
      ['granted', { recipients: [{ unit: '4B', count: 3 }] }],
      ['granted', { unit: '4B' }],
    ]);
    expect(events[0]?.eventId).toBe(line.deliveryIds[0]);
  });
});
