import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { smokeWalk, tokenSubject } from '../../bin/smoke.ts';
import { call, expectOk, newProperty, stack, tokenFor } from '../support/api.ts';
import type { DeliveryPin, Member, Page, Panel } from '../support/contract.ts';

// `npm run smoke` after a deploy runs smokeWalk against the stack's ApiUrl and the real IoT
// endpoint; here the same function walks the local stack (its API and IoT Core stand-in).

describe('smoke walk (npm run smoke), against the local stack', () => {
  it('with an operator token: creates a property and a panel, the PIN is granted, then denied after delete; cleans up', async () => {
    const operator = await tokenFor(`smoke-operator-${randomUUID().slice(0, 8)}`, { operator: true });
    const report = await smokeWalk({ apiUrl: stack().apiUrl, token: operator, timeoutMs: 30_000 });
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ["create a smoke property (operator) and appoint the token's user admin", true],
      ['create a panel (IoT thing, certificate)', true],
      ['connect the simulated panel to the IoT endpoint', true],
      ['create a delivery PIN', true],
      ['the panel grants the PIN', true],
      ['delete the PIN', true],
      ['the panel denies the PIN', true],
    ]);
    expect(report.ok).toBe(true);
    // The operator was appointed admin of the new property; the walk left no delivery PIN behind.
    const members = await expectOk(call<Page<Member>>('GET', `/properties/${report.propertyId}/members`, { token: operator }));
    expect(JSON.stringify(members.body)).toContain(tokenSubject(operator));
    const pins = await expectOk(call<Page<DeliveryPin>>('GET', `/properties/${report.propertyId}/delivery-pins`, { token: operator }));
    expect(pins.body.items).toEqual([]);
    expect(report.cleanup).toEqual(['panel agent stopped', 'panel deleted']);
    expect((await call<Panel>('GET', `/properties/${report.propertyId}/panels/${report.panelId}`, { token: operator })).status).toBe(404);
  });

  it('with --property: works in an existing property as its admin', async () => {
    const p = await newProperty('Smoke Tower');
    const report = await smokeWalk({ apiUrl: stack().apiUrl, token: p.tokens.admin, propertyId: p.id, timeoutMs: 30_000 });
    expect(report.ok).toBe(true);
    expect(report.steps[0]!.step).toBe('create a panel (IoT thing, certificate)');
    expect(report.propertyId).toBe(p.id);
  });

  it('fails, and says which step, when the token may not act (a resident cannot create a panel)', async () => {
    const p = await newProperty('Smoke Tower');
    const report = await smokeWalk({ apiUrl: stack().apiUrl, token: p.tokens.resident, propertyId: p.id, timeoutMs: 5_000 });
    expect(report.ok).toBe(false);
    expect(report.steps).toEqual([expect.objectContaining({ step: 'create a panel (IoT thing, certificate)', ok: false, detail: expect.stringContaining('403') })]);
  });
});
