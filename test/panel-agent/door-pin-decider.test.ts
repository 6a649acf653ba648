import { describe, expect, it } from 'vitest';
import { codeHash, residentPinHash } from '../../iot/protocol/credential-hash.ts';
import type { CredentialEntry } from '../../iot/protocol/messages.ts';
import { decideCode, decideResidentPin, type DoorContext, type HeldSet } from '../../iot/panel/entry-decider.ts';
import { KeypadThrottle } from '../../iot/panel/keypad-throttle.ts';

/** Resident door PINs and per-door limits at the panel: the pure decider, no agent, no network. */
const key = Buffer.alloc(32, 9).toString('base64url');
const entries: CredentialEntry[] = [
  { id: 'dpin_4b', type: 'resident-door-pin', hash: residentPinHash(key, '4B', '480213'), doors: { kinds: ['package-room'] } },
  { id: 'dpin_5c', type: 'resident-door-pin', hash: residentPinHash(key, '5C', '480213'), doors: { kinds: ['package-room'] } },
  { id: 'dpin_everywhere', type: 'resident-door-pin', hash: residentPinHash(key, '6D', '731904') },
  { id: 'pin_entrances', type: 'delivery-pin', hash: codeHash(key, '275194'), doors: { kinds: ['entrance'] } },
  { id: 'pin_side', type: 'delivery-pin', hash: codeHash(key, '918273'), doors: { panelIds: ['panel_side'] } },
];
const set: HeldSet = {
  lookupCode: (code) => entries.find((e) => e.hash === codeHash(key, code)),
  lookupResidentPin: (unit, pin) => entries.find((e) => e.hash === residentPinHash(key, unit, pin)),
  byCredentialId: (id) => entries.find((e) => e.id === id),
  timezone: 'America/New_York',
  offlinePassPolicy: 'deny',
};
const room = { id: 'panel_room', kind: 'package-room' };
const front = { id: 'panel_front', kind: 'entrance' };
const door = (panel: DoorContext['panel'], over: Partial<DoorContext> = {}): DoorContext => ({
  set,
  at: new Date('2026-05-04T15:00:00Z'),
  keypadLocked: false,
  online: false,
  panel,
  ...over,
});

describe('resident door PINs at the panel', () => {
  it('opens a package room with the unit and PIN (method resident-pickup); the same digits belong to each unit apart', () => {
    expect(decideResidentPin('4B', '480213', door(room))).toEqual({ action: 'grant', method: 'resident-pickup', credentialId: 'dpin_4b' });
    expect(decideResidentPin('5c', '480213', door(room))).toEqual({ action: 'grant', method: 'resident-pickup', credentialId: 'dpin_5c' });
  });

  it("4B's PIN with another unit, or a PIN alone, matches nothing: a wrong code the keypad throttle counts", async () => {
    expect(decideResidentPin('7E', '480213', door(room))).toEqual({ action: 'deny', method: 'resident-pickup', reason: 'unknown-pin', wrongCode: true });
    expect(decideResidentPin('', '480213', door(room))).toMatchObject({ action: 'deny', wrongCode: true });
    // Typed as a keypad code, a door PIN is no code at all (under deny and offline: a counted wrong code).
    expect(decideCode('480213', 'keypad', door(room))).toMatchObject({ action: 'deny', reason: 'unknown-code', wrongCode: true });
    const throttle = new KeypadThrottle({ maxFailures: 3 });
    const at = new Date('2026-05-04T15:00:00Z');
    for (let i = 0; i < 3; i++) {
      const decision = decideResidentPin('7E', '480213', door(room, { keypadLocked: throttle.isLocked(at) }));
      if (decision.action === 'deny' && decision.wrongCode) await throttle.recordFailure(at);
    }
    expect(throttle.isLocked(at)).toBe(true);
    expect(decideResidentPin('4B', '480213', door(room, { keypadLocked: throttle.isLocked(at) }))).toMatchObject({ action: 'deny', reason: 'keypad-locked' });
  });

  it('at an entrance only an entry without door limits opens (method resident-door-pin)', () => {
    expect(decideResidentPin('4B', '480213', door(front))).toMatchObject({ action: 'deny', method: 'resident-door-pin', reason: 'not-for-this-door' });
    expect(decideResidentPin('6D', '731904', door(front))).toEqual({ action: 'grant', method: 'resident-door-pin', credentialId: 'dpin_everywhere' });
  });
});

describe('credentials limited to some doors at the panel', () => {
  it('refuses a held PIN limited to other kinds or panels, without counting it', () => {
    expect(decideCode('275194', 'keypad', door(front))).toMatchObject({ action: 'grant', credentialId: 'pin_entrances' });
    expect(decideCode('275194', 'keypad', door(room))).toEqual({ action: 'deny', method: 'delivery-pin', reason: 'not-for-this-door', credentialId: 'pin_entrances' });
    expect(decideCode('918273', 'keypad', door({ id: 'panel_side', kind: 'entrance' }))).toMatchObject({ action: 'grant', credentialId: 'pin_side' });
    expect(decideCode('918273', 'keypad', door(front))).toMatchObject({ action: 'deny', reason: 'not-for-this-door' });
    // A panel that does not know which door it is opens nothing limited.
    expect(decideCode('275194', 'keypad', door(undefined))).toMatchObject({ action: 'deny', reason: 'not-for-this-door' });
  });
});
