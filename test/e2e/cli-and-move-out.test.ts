import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, stack, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedDeliveryPass, CreatedDeliveryPin, CreatedVisitorPass, DeliveryPin, Page, WithSync } from '../support/contract.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

const run = promisify(execFile);

describe('npm run panel -- enter <code>', () => {
  it('enters one code at the seeded demo panel of the running stack and prints one JSON line', async () => {
    const { propertyId, panels, tokens } = stack();
    const pin = randomPin();
    const created = await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${propertyId}/delivery-pins`, { token: tokens.admin, body: { description: 'CLI', pin } }));
    await eventually(async () =>
      (await call<WithSync<DeliveryPin>>('GET', `/properties/${propertyId}/delivery-pins/${created.body.id}`, { token: tokens.admin })).body.sync.panels.every(
        (x) => x.since !== null,
      ),
    );
    const cli = (code: string) =>
      run(process.execPath, ['--import', 'tsx', 'iot/panel/cli.ts', '--home', inject('testHome'), '--panel', panels[0]!.id, 'enter', code], { timeout: 60_000 });
    const granted = await cli(pin);
    const lines = granted.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ decision: 'granted', method: 'delivery-pin', eventId: expect.stringMatching(/^[0-9A-Z]{26}$/) });
    expect(granted.stderr).not.toContain(pin);
    const deniedRun = await cli('730433');
    const denied = JSON.parse(deniedRun.stdout);
    expect(denied).toMatchObject({ decision: 'denied', reason: 'unknown-code' });
    expect(deniedRun.stderr).toContain(denied.eventId); // the decision is logged ...
    expect(deniedRun.stderr).not.toContain('730433'); // ... the wrongly typed code is not
    const events = (await call<Page<AccessEvent>>('GET', `/properties/${propertyId}/access-events?limit=50`, { token: tokens.admin })).body.items;
    expect(events.some((e) => e.id === JSON.parse(lines[0]!).eventId && e.photoUrl)).toBe(true);
  });
});

describe('move-out reaches the doors', () => {
  let p: TestProperty;
  let door: LivePanel;
  beforeAll(async () => {
    p = await newProperty();
    door = await livePanel(p);
  });
  afterAll(async () => {
    await door?.stop();
  });

  it("the resident's delivery pass and visitor code stop working at the panel", async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const guest = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
        token: p.tokens.resident,
        body: { visitorName: 'G', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    // The panel holds the visitor code; the delivery pass only the cloud holds (offline policy deny).
    await eventually(async () => knows(door, guest.body.code));
    expect(knows(door, pass.body.code)).toBe(false);
    const started = Date.now();
    expect((await call('DELETE', `/properties/${p.id}/residents/${p.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    await eventually(async () => !knows(door, pass.body.code) && !knows(door, guest.body.code), 10_000, 20);
    const ms = Date.now() - started;
    expect(await door.agent.enter(pass.body.code)).toMatchObject({ decision: 'denied' });
    expect(await door.agent.enter(guest.body.code)).toMatchObject({ decision: 'denied' });
    expect(await door.agent.scan(guest.body.qr)).toMatchObject({ decision: 'denied', reason: 'revoked' });
    // Not a speed assertion (that is bench/): a record of what it took here.
    console.info(`move-out reached the panel in ${ms} ms`);
  });
});
