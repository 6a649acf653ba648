import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { AuditEntry, CreatedDeliveryPass, CreatedVisitorPass, DeliveryPass, Page, Property } from '../support/contract.ts';
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

describe('offline single-use passes follow the property setting', () => {
  it('deny (the default): the panel never holds the pass; offline it cannot know the code, online the cloud grants it', async () => {
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const guest = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
        token: p.tokens.resident,
        body: { visitorName: 'Control', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    await eventually(async () => knows(door, guest.body.code));
    expect(knows(door, pass.body.code)).toBe(false);
    await door.agent.disconnect();
    expect(await door.agent.enter(pass.body.code)).toMatchObject({ decision: 'denied', reason: 'unknown-code', offline: true });
    await door.agent.reconnect();
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body.status).toBe('active');
    await eventually(async () => door.agent.status().connected);
    expect(await door.agent.enter(pass.body.code)).toMatchObject({ decision: 'granted', method: 'delivery-pass', credentialId: pass.body.id });
  });

  it('allow-once-and-reconcile: reaches the panel through the shadow; the offline entry is granted once and reconciled on reconnect', async () => {
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { offlinePassPolicy: 'allow-once-and-reconcile' } }));
    await eventually(async () => door.agent.status().offlinePassPolicy === 'allow-once-and-reconcile');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    await eventually(async () => knows(door, pass.body.code));
    await door.agent.disconnect();
    const entry = await door.agent.enter(pass.body.code);
    expect(entry).toMatchObject({ decision: 'granted', offline: true });
    expect(await door.agent.enter(pass.body.code)).toMatchObject({ decision: 'denied', reason: 'already-used' });
    await door.agent.reconnect();
    await door.agent.drain(15_000);
    const stored = await eventually(async () => {
      const got = (await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body;
      return got.status === 'used' ? got : undefined;
    });
    expect(stored.eventId).toBe(entry.eventId);
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=50`, { token: p.tokens.admin })).body.items;
    expect(audit.filter((a) => a.action === 'delivery-pass.redeemed-offline' && a.target.id === pass.body.id)).toHaveLength(1);
  });
});
