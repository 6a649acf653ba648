import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, randomPin, type TestProperty } from '../support/api.ts';
import type { AuditEntry, CreatedDeliveryPin, CreatedVisitorPass, Page, Panel, VisitorPass } from '../support/contract.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

let p: TestProperty;
let door: LivePanel;
beforeAll(async () => {
  p = await newProperty();
  door = await livePanel(p);
});
afterAll(async () => {
  await door?.stop();
});

describe('panel key rotation (after a panel is stolen)', () => {
  it('every hash changes, panels resync in full, codes keep working, QR tokens of the previous key still verify', async () => {
    const pin = randomPin();
    await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'USPS', pin } }));
    const guest = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
        token: p.tokens.resident,
        body: { visitorName: 'G', startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    await eventually(async () => knows(door, pin) && knows(door, guest.body.code));
    const before = door.agent.status();
    const hashBefore = door.agent.credentialFor(pin)!.hash;

    expect((await call('POST', `/properties/${p.id}/panel-keys/rotate`, { token: p.tokens.staff })).status).toBe(403);
    const rotated = await call('POST', `/properties/${p.id}/panel-keys/rotate`, { token: p.tokens.admin });
    expect(rotated).toMatchObject({ status: 202, body: { keyVersion: before.keyVersion + 1 } });

    await eventually(async () => door.agent.status().keyVersion === before.keyVersion + 1 && knows(door, pin));
    expect(door.agent.credentialFor(pin)!.hash).not.toBe(hashBefore);
    expect(await door.agent.enter(pin)).toMatchObject({ decision: 'granted' });
    expect(await door.agent.enter(guest.body.code)).toMatchObject({ decision: 'granted', method: 'visitor' });
    await eventually(async () => door.agent.status().qrKeyIds.length === 2);
    expect(await door.agent.scan(guest.body.qr)).toMatchObject({ decision: 'granted', method: 'visitor' });
    const fresh = (await call<VisitorPass>('GET', `/properties/${p.id}/visitor-passes/${guest.body.id}`, { token: p.tokens.resident })).body.qr;
    expect(fresh).not.toBe(guest.body.qr);
    expect(await door.agent.scan(present(fresh, 'a fresh QR token'))).toMatchObject({ decision: 'granted' });

    const panel = await eventually(async () => {
      const got = (await call<Panel>('GET', `/properties/${p.id}/panels/${door.id}`, { token: p.tokens.admin })).body;
      return got.credentials.inSync ? got : undefined;
    });
    expect(panel.credentials.desiredVersion).toBeGreaterThan(before.version);
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=20`, { token: p.tokens.admin })).body.items;
    expect(audit.some((a) => a.action === 'panel-keys.rotated' && a.actor === p.users.admin)).toBe(true);
  });
});
