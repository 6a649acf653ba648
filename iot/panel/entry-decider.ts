import { entryOpens } from '../protocol/credential-entry.ts';
import type { AccessMethod, CredentialEntry } from '../protocol/messages.ts';
import { scheduleAllows } from '../protocol/schedule.ts';
import { verifyVisitorQr } from '../protocol/visitor-qr.ts';

/**
 * The panel's entry rules as pure functions: what a code or a QR token at the door means,
 * given the credential set the panel holds, its clock and the keypad throttle. No I/O, no
 * state: the agent does what the decision says (release the door, ask the cloud, count a
 * wrong code) and records it.
 */
export interface HeldSet {
  lookupCode(code: string): CredentialEntry | undefined;
  /** A resident's door PIN, looked up together with the unit typed before it. */
  lookupResidentPin?(unit: string, pin: string): CredentialEntry | undefined;
  byCredentialId(id: string): CredentialEntry | undefined;
  readonly timezone: string;
  readonly offlinePassPolicy: 'deny' | 'allow-once-and-reconcile';
}

export interface DoorContext {
  set: HeldSet;
  at: Date;
  /** the keypad throttle's lock, if one is in force at `at` */
  keypadLocked: boolean;
  /** the panel has a connection (a cloud claim can be tried) */
  online: boolean;
  /** this panel (its id and kind, from its identity): credentials limited to other doors are refused */
  panel?: { id: string; kind: string };
}

export type EntryDecision =
  | { action: 'grant'; method: AccessMethod; credentialId: string }
  /** `wrongCode`: counts towards the keypad lock */
  | { action: 'deny'; method: AccessMethod; reason: string; credentialId?: string; wrongCode?: boolean }
  /** a single-use pass the panel holds: the cloud decides, or the offline policy without an answer */
  | { action: 'claim-pass'; method: AccessMethod; credentialId: string }
  /** a code the panel does not know: under the deny policy it may be a pass only the cloud knows */
  | { action: 'claim-code'; method: 'delivery-pass' };

const METHOD_OF: Record<CredentialEntry['type'], AccessMethod> = {
  'delivery-pin': 'delivery-pin',
  'delivery-pass': 'delivery-pass',
  'visitor-pass': 'visitor',
  // At an entrance (if the property allows it); at a package room the method is resident-pickup.
  'resident-door-pin': 'resident-door-pin',
};

/** A credential limited to other doors (1.2 `doors`): the cloud should not have given it to this panel. */
const notForThisDoor = (entry: CredentialEntry, door: DoorContext) => entry.doors !== undefined && (door.panel === undefined || !entryOpens(entry.doors, door.panel));

/** Why a held credential does not open the door at `at`, if it does not. */
export function invalidReason(entry: CredentialEntry, at: Date, timezone: string): string | undefined {
  if (entry.revoked) return 'revoked';
  if (entry.validFrom && at.getTime() < Date.parse(entry.validFrom)) return 'not-yet-valid';
  if (entry.validUntil && at.getTime() >= Date.parse(entry.validUntil)) return 'expired';
  if (entry.schedule && !scheduleAllows(entry.schedule, at, timezone)) return 'outside-schedule';
  return undefined;
}

/** A code typed on the keypad (or a code-like token from a reader). */
export function decideCode(code: string, source: 'keypad' | 'qr', door: DoorContext): EntryDecision {
  const unknownMethod: AccessMethod = source === 'qr' ? 'visitor' : 'delivery-pin';
  if (door.keypadLocked) return { action: 'deny', method: unknownMethod, reason: 'keypad-locked' };
  const found = door.set.lookupCode(code);
  // A door PIN is only ever matched together with its unit (decideResidentPin).
  const entry = found?.type === 'resident-door-pin' ? undefined : found;
  if (!entry) {
    // Under the deny policy the panel holds no single-use passes: only the cloud can tell.
    if (source === 'keypad' && door.online && door.set.offlinePassPolicy !== 'allow-once-and-reconcile') return { action: 'claim-code', method: 'delivery-pass' };
    return unknownCode(source);
  }
  const method = METHOD_OF[entry.type] ?? unknownMethod;
  if (notForThisDoor(entry, door)) return { action: 'deny', method, reason: 'not-for-this-door', credentialId: entry.id };
  const invalid = invalidReason(entry, door.at, door.set.timezone);
  if (invalid) return { action: 'deny', method, reason: invalid, credentialId: entry.id };
  if (entry.singleUse) return { action: 'claim-pass', method, credentialId: entry.id };
  return { action: 'grant', method, credentialId: entry.id };
}

/**
 * A resident's unit and door PIN ("Resident" -> unit -> PIN at a package room; at an entrance
 * only when the property allows door PINs there, in which case the cloud puts them in the
 * entrance's set). Decided locally, online or not. A unit and PIN that match nothing are a
 * wrong code (counted by the keypad throttle): 4B's PIN typed with unit 5C matches nothing.
 * The method is `resident-pickup` at a package room, `resident-door-pin` elsewhere.
 */
export function decideResidentPin(unit: string, pin: string, door: DoorContext): EntryDecision {
  const method: AccessMethod = door.panel?.kind === 'package-room' ? 'resident-pickup' : 'resident-door-pin';
  if (door.keypadLocked) return { action: 'deny', method, reason: 'keypad-locked' };
  const entry = unit.trim() !== '' && /^[0-9]{1,12}$/.test(pin) ? door.set.lookupResidentPin?.(unit, pin) : undefined;
  if (entry?.type !== 'resident-door-pin') return { action: 'deny', method, reason: 'unknown-pin', wrongCode: true };
  if (notForThisDoor(entry, door)) return { action: 'deny', method, reason: 'not-for-this-door', credentialId: entry.id };
  const invalid = invalidReason(entry, door.at, door.set.timezone);
  if (invalid) return { action: 'deny', method, reason: invalid, credentialId: entry.id };
  return { action: 'grant', method, credentialId: entry.id };
}

/** A code nobody knows (the cloud did not claim it either): denied, and counted. */
export const unknownCode = (source: 'keypad' | 'qr'): EntryDecision => ({
  action: 'deny',
  method: source === 'qr' ? 'visitor' : 'delivery-pin',
  reason: 'unknown-code',
  wrongCode: true,
});

/** A visitor QR token: verified with the property's public keys, inside its window by the panel's clock, not revoked in the set. */
export function decideQr(token: string, door: DoorContext & { qrKeys: Record<string, string>; propertyId: string }): EntryDecision {
  if (door.keypadLocked) return { action: 'deny', method: 'visitor', reason: 'keypad-locked' };
  const verdict = verifyVisitorQr(token, { publicKeys: door.qrKeys, propertyId: door.propertyId, now: door.at });
  if (!verdict.ok) {
    // Forged or garbled tokens count like wrong codes; honest but expired ones do not.
    const forged = verdict.reason === 'malformed' || verdict.reason === 'bad-signature' || verdict.reason === 'unknown-key';
    return { action: 'deny', method: 'visitor', reason: `qr-${verdict.reason}`, ...(forged && { wrongCode: true }) };
  }
  const credentialId = verdict.claims.id;
  if (door.set.byCredentialId(credentialId)?.revoked) return { action: 'deny', method: 'visitor', reason: 'revoked', credentialId };
  return { action: 'grant', method: 'visitor', credentialId };
}

/**
 * A held single-use pass whose claim got no answer from the cloud (offline, or it timed out):
 * the property's offline policy decides, and a pass used on this panel is not let in again.
 */
export function decideUnclaimed(
  pass: { method: AccessMethod; credentialId: string },
  why: 'offline' | 'claim-timeout',
  policy: HeldSet['offlinePassPolicy'],
  usedHere: boolean,
): { action: 'grant-offline'; method: AccessMethod; credentialId: string } | { action: 'deny'; method: AccessMethod; credentialId: string; reason: string } {
  const { method, credentialId } = pass;
  if (policy !== 'allow-once-and-reconcile') return { action: 'deny', method, credentialId, reason: why };
  if (usedHere) return { action: 'deny', method, credentialId, reason: 'already-used' };
  return { action: 'grant-offline', method, credentialId };
}
