import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { Callee, PhoneChallenge } from './call-records.ts';
import { conflict, invalid, notFound } from './errors.ts';
import { VERIFICATION_CODE_SECONDS, type QueuedNotification, type SealedContent } from './notifications.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/*
 * A resident proves their phone number is theirs before the building calls or texts it (an
 * attacker-review finding: anyone could make the property ring or text any number by typing it
 * into PATCH me). A 6-digit code goes out by SMS through the outbox (kind `phone-verification`,
 * sealed like an invitation, never listed by GET .../notifications, to anyone: it is not news
 * about the building); confirming it sets contact.phoneVerified. The code is kept as a keyed
 * digest only, expires after 10 minutes, allows 5 tries (each counted by a conditional write);
 * a resident may ask for 5 codes an hour. Changing the phone clears the verification.
 */
export const MAX_TRIES = 5;
export const MAX_SENDS_PER_HOUR = 5;

/** Destination country codes the building texts and calls (stack context `lobby:smsCountries`, default ["+1"]). */
export function smsCountries(): string[] {
  const raw = process.env.LOBBY_SMS_COUNTRIES;
  if (!raw) return ['+1'];
  const list = JSON.parse(raw) as unknown;
  return Array.isArray(list) && list.every((c) => typeof c === 'string' && /^\+[0-9]{1,4}$/.test(c)) ? list : ['+1'];
}

/** An E.164 number in one of the allowed countries (`+1...` for ["+1"]). */
export const phoneAllowed = (phone: string, countries = smsCountries()) => countries.some((c) => phone.startsWith(c));

export function assertPhoneAllowed(phone: string, path: string) {
  const countries = smsCountries();
  if (!phoneAllowed(phone, countries))
    throw invalid(`This building texts and calls only numbers in ${countries.join(', ')}`, [{ path, message: `must start with ${countries.join(' or ')}` }]);
}

const digestOf = (stores: Stores, residentId: string, phone: string, code: string) => stores.vault.keyedDigest('phone-verification', `${residentId}#${phone}#${code}`);

async function resident(stores: Stores, caller: Caller, propertyId: string): Promise<Callee> {
  const membership = await requireRole(stores, caller, propertyId, ['resident']);
  const callee = membership.residentId ? await stores.callees.get(propertyId, membership.residentId) : undefined;
  if (!callee) throw notFound('No resident record');
  return callee;
}

/** POST .../me/phone-verification: a new code to the resident's phone (the previous one stops working). */
export async function requestPhoneVerification(stores: Stores, caller: Caller, propertyId: string): Promise<{ expiresAt: string }> {
  const me = await resident(stores, caller, propertyId);
  if (!me.phone) throw conflict('There is no phone number to verify (contact.phone)', 'no-phone');
  if (me.phoneVerified) throw conflict('This phone number is verified already', 'already-verified');
  assertPhoneAllowed(me.phone, 'contact.phone');
  const now = stores.now();
  const previous = await stores.callees.phoneChallenge(propertyId, me.residentId);
  const sameHour = previous && now.getTime() - Date.parse(previous.windowStart) < 3600_000;
  if (sameHour && previous.sends >= MAX_SENDS_PER_HOUR) throw conflict('Too many codes asked for this hour; try again later', 'too-many-codes');
  const code = Array.from({ length: 6 }, () => randomInt(10)).join('');
  const expiresAt = new Date(now.getTime() + VERIFICATION_CODE_SECONDS * 1000).toISOString();
  const challenge: PhoneChallenge = {
    phone: me.phone,
    digest: digestOf(stores, me.residentId, me.phone, code),
    expiresAt,
    tries: 0,
    sends: sameHour ? previous.sends + 1 : 1,
    windowStart: sameHour ? previous.windowStart : now.toISOString(),
  };
  const content: SealedContent = { code };
  const text: QueuedNotification = {
    id: `ntf_${ulid(now.getTime())}`,
    propertyId,
    residentId: me.residentId,
    kind: 'phone-verification',
    channel: 'sms',
    to: me.phone,
    status: 'queued',
    attempts: 0,
    createdAt: now.toISOString(),
    sealed: stores.vault.encrypt(JSON.stringify(content)),
  };
  // The challenge and its text together: no code is kept that was not sent, none sent that is not kept.
  const failed = await attempt(() => stores.table.transact([stores.callees.startPhoneChallenge(propertyId, me.residentId, challenge), stores.notifications.queue(text)]));
  if (failed >= 0) throw conflict('The phone number changed meanwhile; try again', 'phone-changed');
  return { expiresAt };
}

/** POST .../me/phone-verification/confirm { code }: contact.phoneVerified, or why not. */
export async function confirmPhoneVerification(stores: Stores, caller: Caller, propertyId: string, code: string) {
  const me = await resident(stores, caller, propertyId);
  const challenge = await stores.callees.phoneChallenge(propertyId, me.residentId);
  if (!challenge || challenge.phone !== me.phone) throw conflict('No verification is open for this phone number: ask for a code first', 'no-verification');
  if (challenge.tries >= MAX_TRIES) throw conflict('Too many wrong codes: ask for a new one', 'locked');
  if (Date.parse(challenge.expiresAt) <= stores.now().getTime()) throw conflict('The code has expired: ask for a new one', 'expired');
  if (digestOf(stores, me.residentId, challenge.phone, code) !== challenge.digest) {
    // Every wrong code counts: a try that lost the count to another reads again and counts again (no free guess).
    let seen: PhoneChallenge | undefined = challenge;
    for (let round = 0; seen && seen.digest === challenge.digest && seen.tries < MAX_TRIES; round++) {
      if (await stores.callees.countPhoneTry(propertyId, me.residentId, seen)) {
        const left = MAX_TRIES - seen.tries - 1;
        throw conflict(left > 0 ? 'Wrong code' : 'Wrong code; no tries left: ask for a new one', left > 0 ? 'wrong-code' : 'locked');
      }
      if (round > 20) break;
      seen = await stores.callees.phoneChallenge(propertyId, me.residentId);
    }
    throw conflict('Too many wrong codes: ask for a new one', 'locked');
  }
  if (!(await stores.callees.markPhoneVerified(propertyId, me.residentId, challenge))) throw conflict('The verification changed meanwhile; try again', 'no-verification');
}
