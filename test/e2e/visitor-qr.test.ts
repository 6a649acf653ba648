import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { CreatedVisitorPass } from '../support/contract.ts';
import { eventually, knows, livePanel, type LivePanel } from './support.ts';

/** Visitor QR tokens verified by the panel with no connection, keys from the shadow. */
let p: TestProperty;
let other: TestProperty;
let door: LivePanel;
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const visitor = async (q: TestProperty, startsAt: string, endsAt: string) =>
  (await expectOk(call<CreatedVisitorPass>('POST', `/properties/${q.id}/visitor-passes`, { token: q.tokens.resident, body: { visitorName: 'Guest', startsAt, endsAt } }))).body;

beforeAll(async () => {
  [p, other] = await Promise.all([newProperty(), newProperty('Elsewhere')]);
  door = await livePanel(p);
  await eventually(async () => door.agent.status().qrKeyIds.length > 0);
});
afterAll(async () => {
  await door?.stop();
});

describe('visitor QR at the panel, offline', () => {
  it('grants inside the window; refuses before/after it, tampered, wrong property and revoked tokens, all offline', async () => {
    const now = await visitor(p, hours(-1), hours(2));
    const later = await visitor(p, hours(3), hours(5));
    const revoked = await visitor(p, hours(-1), hours(2));
    const foreign = await visitor(other, hours(-1), hours(2));
    expect((await call('DELETE', `/properties/${p.id}/visitor-passes/${revoked.id}`, { token: p.tokens.resident })).status).toBe(204);
    // The revocation reaches the panel with the set; then the panel goes offline.
    await eventually(async () => door.agent.credentialById(revoked.id)?.revoked === true);
    await door.agent.disconnect();

    expect(await door.agent.scan(now.qr)).toMatchObject({ decision: 'granted', method: 'visitor', credentialId: now.id, offline: true });
    expect(await door.agent.scan(later.qr)).toMatchObject({ decision: 'denied', reason: 'qr-not-yet-valid' });
    expect(await door.agent.scan(revoked.qr)).toMatchObject({ decision: 'denied', reason: 'revoked' });
    // Another property's token: signed with that property's key, which carries the same key id (k1) -> the signature fails here.
    expect(await door.agent.scan(foreign.qr)).toMatchObject({ decision: 'denied', reason: 'qr-bad-signature', method: 'visitor' });
    const [body, signature] = now.qr.split('.');
    const stretched = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), exp: Math.floor(Date.now() / 1000) + 86400 * 30 })).toString(
      'base64url',
    );
    expect(await door.agent.scan(`${stretched}.${signature}`)).toMatchObject({ decision: 'denied', reason: 'qr-bad-signature' });
    await door.agent.reconnect();
    await door.agent.drain(10_000);
  });

  it("after the window, by the panel's clock, the token is refused", async () => {
    const pass = await visitor(p, hours(-1), hours(1));
    const late = await livePanel(p, { now: () => new Date(Date.now() + 2 * 3600_000) });
    try {
      await eventually(async () => late.agent.status().qrKeyIds.length > 0);
      expect(await late.agent.scan(pass.qr)).toMatchObject({ decision: 'denied', reason: 'qr-expired' });
    } finally {
      await late.stop();
    }
  });

  it('the keypad code of a visitor pass works inside its window', async () => {
    const pass = await visitor(p, hours(-1), hours(1));
    await eventually(async () => knows(door, pass.code));
    expect(await door.agent.enter(pass.code)).toMatchObject({ decision: 'granted', method: 'visitor', credentialId: pass.id });
  });
});
