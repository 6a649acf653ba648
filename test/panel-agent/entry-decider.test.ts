import { describe, expect, it } from 'vitest';
import { codeHash } from '../../iot/protocol/credential-hash.ts';
import type { CredentialEntry } from '../../iot/protocol/messages.ts';
import { ed25519FromSeed, signVisitorQr } from '../../iot/protocol/visitor-qr.ts';
import { decideCode, decideQr, decideUnclaimed, type DoorContext, type HeldSet } from '../../iot/panel/entry-decider.ts';

/** The entry rules alone: plain inputs, plain decisions, no agent, no disk, no network. */
const key = Buffer.alloc(32, 7).toString('base64url');
const entries: CredentialEntry[] = [
  { id: 'pin_a', type: 'delivery-pin', hash: codeHash(key, '111111') },
  { id: 'pin_day', type: 'delivery-pin', hash: codeHash(key, '222222'), schedule: { days: ['mon'], from: '08:00', to: '18:00' } },
  { id: 'pin_window', type: 'delivery-pin', hash: codeHash(key, '333333'), validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-06-01T00:00:00Z' },
  { id: 'pass_1', type: 'delivery-pass', hash: codeHash(key, '444444'), singleUse: true },
  { id: 'visitor_1', type: 'visitor-pass', hash: '', revoked: true },
];
function heldSet(policy: HeldSet['offlinePassPolicy'] = 'deny'): HeldSet {
  return {
    lookupCode: (code) => entries.find((e) => e.hash !== '' && !e.revoked && e.hash === codeHash(key, code)),
    byCredentialId: (id) => entries.find((e) => e.id === id),
    timezone: 'America/New_York',
    offlinePassPolicy: policy,
  };
}
// Monday 2026-05-04, 11:00 in New York
const door = (over: Partial<DoorContext> = {}): DoorContext => ({ set: heldSet(), at: new Date('2026-05-04T15:00:00Z'), keypadLocked: false, online: true, ...over });

describe('entry decider (pure)', () => {
  it('grants a held PIN; refuses it outside its schedule and its validity window', () => {
    expect(decideCode('111111', 'keypad', door())).toEqual({ action: 'grant', method: 'delivery-pin', credentialId: 'pin_a' });
    expect(decideCode('222222', 'keypad', door())).toMatchObject({ action: 'grant' });
    expect(decideCode('222222', 'keypad', door({ at: new Date('2026-05-05T15:00:00Z') }))).toMatchObject({ action: 'deny', reason: 'outside-schedule', credentialId: 'pin_day' });
    expect(decideCode('333333', 'keypad', door({ at: new Date('2026-04-30T15:00:00Z') }))).toMatchObject({ action: 'deny', reason: 'not-yet-valid' });
    expect(decideCode('333333', 'keypad', door({ at: new Date('2026-06-01T00:00:00Z') }))).toMatchObject({ action: 'deny', reason: 'expired' });
  });

  it('a locked keypad refuses everything, a valid code too, without counting it', () => {
    expect(decideCode('111111', 'keypad', door({ keypadLocked: true }))).toEqual({ action: 'deny', method: 'delivery-pin', reason: 'keypad-locked' });
  });

  it('an unknown code: asked of the cloud under deny when online, else a counted wrong code', () => {
    expect(decideCode('999999', 'keypad', door())).toEqual({ action: 'claim-code', method: 'delivery-pass' });
    expect(decideCode('999999', 'keypad', door({ online: false }))).toMatchObject({ action: 'deny', reason: 'unknown-code', wrongCode: true });
    expect(decideCode('999999', 'keypad', door({ set: heldSet('allow-once-and-reconcile') }))).toMatchObject({ action: 'deny', reason: 'unknown-code', wrongCode: true });
    expect(decideCode('999999', 'qr', door())).toMatchObject({ action: 'deny', method: 'visitor', wrongCode: true });
  });

  it('a held single-use pass goes to the cloud; without an answer the offline policy decides, once', () => {
    expect(decideCode('444444', 'keypad', door())).toEqual({ action: 'claim-pass', method: 'delivery-pass', credentialId: 'pass_1' });
    const pass = { method: 'delivery-pass' as const, credentialId: 'pass_1' };
    expect(decideUnclaimed(pass, 'claim-timeout', 'deny', false)).toEqual({ action: 'deny', ...pass, reason: 'claim-timeout' });
    expect(decideUnclaimed(pass, 'offline', 'allow-once-and-reconcile', false)).toEqual({ action: 'grant-offline', ...pass });
    expect(decideUnclaimed(pass, 'offline', 'allow-once-and-reconcile', true)).toEqual({ action: 'deny', ...pass, reason: 'already-used' });
  });

  it('QR tokens: a signed one inside its window is let in, a revoked pass or a forged token is not (forged counts)', () => {
    const { privateKey, publicKey } = ed25519FromSeed(Buffer.alloc(32, 9));
    const ctx = { ...door(), qrKeys: { k1: publicKey }, propertyId: 'prop_1' };
    const nbf = Date.parse('2026-05-04T14:00:00Z') / 1000;
    const token = (id: string) => signVisitorQr({ v: 1, p: 'prop_1', id, nbf, exp: nbf + 7200, k: 'k1' }, privateKey);
    expect(decideQr(token('visitor_2'), ctx)).toEqual({ action: 'grant', method: 'visitor', credentialId: 'visitor_2' });
    expect(decideQr(token('visitor_1'), ctx)).toMatchObject({ action: 'deny', reason: 'revoked' });
    expect(decideQr(`${token('visitor_2').slice(0, -4)}AAAA`, ctx)).toMatchObject({ action: 'deny', reason: 'qr-bad-signature', wrongCode: true });
    expect(decideQr(token('visitor_2'), { ...ctx, at: new Date('2026-05-04T17:00:00Z') })).toEqual({ action: 'deny', method: 'visitor', reason: 'qr-expired' });
  });
});
