import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel } from '../support/panel-client.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhooks-receiver.ts';

/**
 * Webhook producers on the local stack (each event written in its cause's transaction):
 * package.delivered and package.picked-up at the front desk, resident.moved-out, panel.online and
 * panel.offline from the IoT lifecycle events, delivery-pass.used from the winning claim. Access events: webhooks.test.ts.
 */
let p: TestProperty;
let receiver: WebhookReceiver;
beforeAll(async () => {
  p = await newProperty('Producer Tower');
  receiver = await startWebhookReceiver();
  const created = await expectOk(
    call<{ secret: string }>('POST', `/properties/${p.id}/webhooks`, {
      token: p.tokens.admin,
      body: { url: receiver.url, events: ['package.delivered', 'package.picked-up', 'resident.moved-out', 'panel.online', 'panel.offline', 'delivery-pass.used'] },
    }),
  );
  receiver.secrets = [created.body.secret];
});
afterAll(async () => {
  await receiver?.stop();
});

const ofType = (type: string) => receiver.received.filter((r) => r.payload?.type === type);

describe('webhook producers', () => {
  it('a package logged and handed over at the front desk: package.delivered then package.picked-up, signed, ids only', async () => {
    const logged = await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body: { unit: '4B', count: 2, carrier: 'UPS' } }));
    const delivered = await eventually(() => ofType('package.delivered')[0]);
    expect(delivered.verifiedWith).toEqual([true]);
    expect(delivered.payload?.data).toMatchObject({ packageId: logged.body.id, unit: '4B', count: 2, deliveryEventId: null });
    await expectOk(call('POST', `/properties/${p.id}/packages/${logged.body.id}/picked-up`, { token: p.tokens.staff }));
    const picked = await eventually(() => ofType('package.picked-up')[0]);
    expect(picked.payload?.data).toMatchObject({ packageIds: [logged.body.id], unit: '4B', handedOverBy: p.users.staff });
    expect(picked.id).not.toBe(delivered.id);
  });

  it('a panel connecting and going away: panel.online then panel.offline', async () => {
    const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Side door', kind: 'entrance' } }));
    const panel = await connectRawPanel(created.body.connection);
    const online = await eventually(() => ofType('panel.online').find((r) => r.payload?.data.panelId === created.body.id));
    await panel.close();
    const offline = await eventually(() => ofType('panel.offline').find((r) => r.payload?.data.panelId === created.body.id));
    expect(online.verifiedWith).toEqual([true]);
    expect(Date.parse(String(offline.payload?.data.at))).toBeGreaterThanOrEqual(Date.parse(String(online.payload?.data.at)));
  });

  it('a delivery pass claimed by five racing attempts: one grant, one delivery-pass.used', async () => {
    const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
    const panel = await connectRawPanel(created.body.connection);
    try {
      const pass = await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
      const claim = () =>
        panel.request<{ decision: string }>({ op: 'pass.claim', attemptId: randomUUID(), credentialId: pass.body.id, eventId: ulid(), at: new Date().toISOString() }, 20_000);
      const replies = await Promise.all([claim(), claim(), claim(), claim(), claim()]);
      expect(replies.filter((r) => r.decision === 'granted')).toHaveLength(1);
      const used = await eventually(() => ofType('delivery-pass.used').find((r) => r.payload?.data.passId === pass.body.id));
      expect(used.verifiedWith).toEqual([true]);
      expect(used.payload?.data).toMatchObject({ passId: pass.body.id, panelId: created.body.id, offline: false });
      // A later event shows the stream has moved past anything a losing claim could have written.
      await expectOk(call('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body: { unit: '7C' } }));
      await eventually(() => ofType('package.delivered').find((r) => r.payload?.data.unit === '7C'));
      expect(ofType('delivery-pass.used').filter((r) => r.payload?.data.passId === pass.body.id)).toHaveLength(1);
    } finally {
      await panel.close();
    }
  });

  it('a resident moved out: one resident.moved-out (a repeated move-out sends nothing more)', async () => {
    expect((await call('DELETE', `/properties/${p.id}/residents/${p.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    const moved = await eventually(() => ofType('resident.moved-out')[0]);
    expect(moved.payload?.data).toMatchObject({ residentId: p.residentId, unit: '4B' });
    expect((await call('DELETE', `/properties/${p.id}/residents/${p.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    // A later event shows the stream has moved past anything the repeat could have written.
    await expectOk(call('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body: { unit: '9Z' } }));
    await eventually(() => ofType('package.delivered').find((r) => r.payload?.data.unit === '9Z'));
    expect(ofType('resident.moved-out')).toHaveLength(1);
  });
});
