import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { call, expectOk, newProperty, randomPin } from '../support/api.ts';
import type { CreatedDeliveryPass, CreatedDeliveryPin, CreatedPanel, CreatedVisitorPass } from '../support/contract.ts';

describe('secrets stay out of the logs', () => {
  it('no PIN, token or sealed PIN appears in any log line the stack wrote', async () => {
    const p = await newProperty();
    const pins = [randomPin(), randomPin(), randomPin()];
    const created = await expectOk(
      call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'Log check', pin: pins[0] } }),
    );
    await call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'Log check dup', pin: pins[0] } });
    await call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'bad', pin: `${pins[1]}9` } });
    await call('PATCH', `/properties/${p.id}/delivery-pins/${created.body.id}`, { token: p.tokens.admin, body: { pin: pins[2] } });
    await call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins/${created.body.id}/reveal`, { token: p.tokens.admin });
    await call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.resident, body: { description: 'denied', pin: pins[1] } });
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const visitor = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
        token: p.tokens.resident,
        body: { visitorName: 'Log', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    const panel = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Log door', kind: 'entrance' } }));
    await new Promise((r) => setTimeout(r, 1500)); // let the stream fold the codes into the set (its logs too)
    const log = await readFile(inject('stackLog'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('"route"');
    for (const pin of pins) expect(log).not.toContain(pin);
    expect(log).not.toContain(pass.body.code);
    expect(log).not.toContain(visitor.body.code);
    expect(log).not.toContain(visitor.body.qr.split('.')[1]);
    expect(log).not.toContain(panel.body.connection.privateKeyPem.split('\n')[1]);
    for (const token of Object.values(p.tokens)) expect(log).not.toContain(token.split('.')[2]);
    expect(log).not.toMatch(/"(pin|code|sealedPin|sealedCode|panelKey|privateKeyPem|authorization)"\s*:/i);
  });
});
