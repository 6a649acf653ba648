import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeHash } from '../../iot/protocol/credential-hash.ts';
import type { SyncSummary } from '../../iot/panel/agent.ts';
import { call, expectOk, newProperty, randomPin, stack, tokenFor, type TestProperty } from '../support/api.ts';
import type { Problem, Resident } from '../support/contract.ts';
import { scanAll } from '../support/dynamo.ts';
import { eventually, livePanel, type LivePanel } from '../e2e/support.ts';

/**
 * Issue 11 item 2: residents' own door PINs (PUT|DELETE .../me/door-pin), through the API, the
 * stream and the reference panel agent: held as a keyed hash bound to the unit, valid with the
 * unit at package rooms, at entrances only under `residentDoorPinsAtEntrances`, throttled at the
 * keypad, gone at move-out.
 */
let p: TestProperty;
let room: LivePanel;
let entrance: LivePanel;
const syncs: SyncSummary[] = [];
const doorPin = (token: string, pin: string) => call<Problem>('PUT', `/properties/${p.id}/me/door-pin`, { token, body: { pin } });

async function moveIn(unit: string) {
  const userId = `res-${unit}-${Math.random().toString(36).slice(2, 8)}`;
  const made = await expectOk(call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId, name: `Resident ${unit}`, unit } }));
  return { userId, residentId: made.body.id, token: await tokenFor(userId) };
}

/** Every item of the property in the table, as stored. */
const propertyItems = async () => (await scanAll(stack().tables.lobby)).filter((item) => item.pk === `PROP#${p.id}`);

beforeAll(async () => {
  p = await newProperty();
  [room, entrance] = await Promise.all([livePanel(p, { kind: 'package-room' }), livePanel(p, { kind: 'entrance' })]);
  room.agent.on('synced', (s) => syncs.push(s));
});
afterAll(async () => {
  await Promise.all([room?.stop(), entrance?.stop()]);
});

describe('resident door PINs', () => {
  it('a set PIN reaches the package room as a hash bound to the unit, never in the clear, and opens it with the unit only', async () => {
    const pin = randomPin();
    expect((await doorPin(p.tokens.resident, pin)).status).toBe(204);
    const id = `dpin_${p.residentId}`;
    const entry = await eventually(() => room.agent.credentialById(id));
    expect(entry).toMatchObject({ id, type: 'resident-door-pin', doors: { kinds: ['package-room'] } });
    expect(JSON.stringify(entry)).not.toContain(pin);
    // The PIN alone matches nothing (the hash covers the unit).
    expect(room.agent.credentialFor(pin)).toBeUndefined();
    expect(entry?.hash).not.toBe(codeHash('x', pin));
    // Not in the clear anywhere in the table.
    expect(JSON.stringify(await propertyItems())).not.toContain(pin);
    // Reached by a delta checked against the panel's own digest (not by a full resync).
    expect(syncs.some((s) => s.kind === 'delta')).toBe(true);

    const granted = await room.agent.enterResidentPin('4B', pin);
    expect(granted).toMatchObject({ decision: 'granted', method: 'resident-pickup', credentialId: id });
    expect(await room.agent.enterResidentPin(' 4b ', pin)).toMatchObject({ decision: 'granted' });
    expect(await room.agent.enter(pin)).toMatchObject({ decision: 'denied' });
  });

  it("4B's PIN with unit 5C is denied and counted by the keypad throttle, until the keypad locks", async () => {
    const other = await livePanel(p, { kind: 'package-room' });
    try {
      const pin = randomPin();
      const r = await moveIn('4B');
      await expectOk(doorPin(r.token, pin));
      await eventually(() => other.agent.credentialById(`dpin_${r.residentId}`));
      const denied = await other.agent.enterResidentPin('5C', pin);
      expect(denied).toMatchObject({ decision: 'denied', method: 'resident-pickup', reason: 'unknown-pin' });
      expect(other.agent.status().keypadLockedUntil).toBeUndefined();
      for (let i = 0; i < 4; i++) await other.agent.enterResidentPin('5C', pin);
      expect(other.agent.status().keypadLockedUntil).toBeDefined();
      // Locked: even the right unit and PIN are refused without being looked at.
      expect(await other.agent.enterResidentPin('4B', pin)).toMatchObject({ decision: 'denied', reason: 'keypad-locked' });
    } finally {
      await other.stop();
    }
  });

  it('the same digits may be PINs in two units, not twice in one; a change replaces the old PIN', async () => {
    const pin = randomPin();
    const a = await moveIn('6D');
    const b = await moveIn('7E');
    const c = await moveIn('6D');
    expect((await doorPin(a.token, pin)).status).toBe(204);
    expect((await doorPin(b.token, pin)).status).toBe(204);
    const taken = await doorPin(c.token, pin);
    expect(taken.status).toBe(409);
    await eventually(() => room.agent.credentialById(`dpin_${b.residentId}`));
    expect(await room.agent.enterResidentPin('6D', pin)).toMatchObject({ decision: 'granted', credentialId: `dpin_${a.residentId}` });
    expect(await room.agent.enterResidentPin('7E', pin)).toMatchObject({ decision: 'granted', credentialId: `dpin_${b.residentId}` });

    const next = randomPin();
    expect((await doorPin(a.token, next)).status).toBe(204);
    const before = room.agent.credentialById(`dpin_${a.residentId}`)?.hash;
    await eventually(() => room.agent.credentialById(`dpin_${a.residentId}`)?.hash !== before);
    expect(await room.agent.enterResidentPin('6D', pin)).toMatchObject({ decision: 'denied', reason: 'unknown-pin' });
    expect(await room.agent.enterResidentPin('6D', next)).toMatchObject({ decision: 'granted', credentialId: `dpin_${a.residentId}` });
    // The old digits are free in 6D again.
    expect((await doorPin(c.token, pin)).status).toBe(204);
  });

  it('entrances refuse door PINs unless the property turns residentDoorPinsAtEntrances on', async () => {
    const pin = randomPin();
    const r = await moveIn('8F');
    await expectOk(doorPin(r.token, pin));
    const id = `dpin_${r.residentId}`;
    // A marker PIN made after it: once the entrance holds the marker, it has the version with the door PIN.
    const marker = randomPin();
    await expectOk(call('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'marker', pin: marker } }));
    await eventually(() => entrance.agent.credentialFor(marker));
    expect(entrance.agent.credentialById(id)).toBeUndefined();
    expect(await entrance.agent.enterResidentPin('8F', pin)).toMatchObject({ decision: 'denied', method: 'resident-door-pin' });

    const on = await call<{ settings: { residentDoorPinsAtEntrances: boolean } }>('PATCH', `/properties/${p.id}/settings`, {
      token: p.tokens.admin,
      body: { residentDoorPinsAtEntrances: true },
    });
    expect(on.body.settings.residentDoorPinsAtEntrances).toBe(true);
    await eventually(() => entrance.agent.credentialById(id));
    expect(await entrance.agent.enterResidentPin('8F', pin)).toMatchObject({ decision: 'granted', method: 'resident-door-pin', credentialId: id });
    expect(await room.agent.enterResidentPin('8F', pin)).toMatchObject({ decision: 'granted', method: 'resident-pickup' });

    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { residentDoorPinsAtEntrances: false } }));
    await eventually(() => entrance.agent.credentialById(id) === undefined);
    expect(await entrance.agent.enterResidentPin('8F', pin)).toMatchObject({ decision: 'denied' });
  });

  it('move-out removes the PIN from the panels; DELETE removes it too', async () => {
    const pin = randomPin();
    const r = await moveIn('9G');
    await expectOk(doorPin(r.token, pin));
    const id = `dpin_${r.residentId}`;
    await eventually(() => room.agent.credentialById(id));
    expect((await call('DELETE', `/properties/${p.id}/residents/${r.residentId}`, { token: p.tokens.admin })).status).toBe(204);
    await eventually(() => room.agent.credentialById(id) === undefined);
    expect(await room.agent.enterResidentPin('9G', pin)).toMatchObject({ decision: 'denied' });
    expect((await propertyItems()).filter((i) => String(i.sk).startsWith('DOORPIN#') && i.userId === r.userId)).toEqual([]);

    const s = await moveIn('9H');
    await expectOk(doorPin(s.token, pin));
    await eventually(() => room.agent.credentialById(`dpin_${s.residentId}`));
    expect((await call('DELETE', `/properties/${p.id}/me/door-pin`, { token: s.token })).status).toBe(204);
    await eventually(() => room.agent.credentialById(`dpin_${s.residentId}`) === undefined);
    expect((await call('DELETE', `/properties/${p.id}/me/door-pin`, { token: s.token })).status).toBe(204);
  });

  it('bad input is 400 with nothing changed; only residents have a door PIN', async () => {
    const r = await moveIn('3C');
    const pin = randomPin();
    await expectOk(doorPin(r.token, pin));
    const before = (await propertyItems()).find((i) => i.sk === `DOORPIN#${r.userId}`);
    for (const bad of ['111111', '123456', '12345', '1234567', '12a456', '']) {
      const reply = await doorPin(r.token, bad);
      expect(reply.status, bad).toBe(400);
      expect(reply.contentType).toContain('application/problem+json');
    }
    expect((await call('PUT', `/properties/${p.id}/me/door-pin`, { token: r.token, body: { pin: 123457 } })).status).toBe(400);
    expect((await call('PUT', `/properties/${p.id}/me/door-pin`, { token: r.token, body: { pin, extra: 1 } })).status).toBe(400);
    expect((await propertyItems()).find((i) => i.sk === `DOORPIN#${r.userId}`)).toEqual(before);
    expect((await doorPin(p.tokens.admin, randomPin())).status).toBe(403);
  });
});
