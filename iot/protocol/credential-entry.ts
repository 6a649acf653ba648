import * as z from 'zod';
import { schedule } from './schedule.ts';
import type { DoorLimits } from './doors.ts';

/** The building blocks of the panel protocol's messages: access methods, ids, times, credential entries. */
export const accessMethod = z.enum(['delivery-pin', 'delivery-pass', 'visitor', 'call', 'remote-unlock', 'resident-pickup', 'resident-door-pin']);
export type AccessMethod = z.infer<typeof accessMethod>;

export const ulidString = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const isoTime = z.iso.datetime({ offset: true });

/** The kinds of door panel (a property's entrances and package rooms). */
export const panelKind = z.enum(['entrance', 'package-room']);
export type PanelKind = z.infer<typeof panelKind>;

/**
 * 1.2: the doors a credential opens, when not all of them: panels of the listed kinds and the
 * listed panels (either list may be absent). The cloud leaves the entry out of every other panel's
 * set; a panel that holds it anyway refuses it (entryOpens).
 */
export const doorLimits: z.ZodType<DoorLimits> = z.strictObject({
  kinds: z.array(panelKind).min(1).max(2).optional(),
  panelIds: z.array(z.string().max(128)).min(1).max(50).optional(),
});
// The plain type and entryOpens live in doors.ts (no schemas to build); the annotation keeps the schema to it.
export { entryOpens, type DoorLimits } from './doors.ts';

/**
 * Entry types. 1.2 adds `resident-door-pin`: a resident's own PIN, whose hash binds the unit
 * (residentPinHash in credential-hash.ts), so the PIN alone matches nothing.
 */
export const credentialEntryType = z.enum(['delivery-pin', 'delivery-pass', 'visitor-pass', 'resident-door-pin']);

const entryShape = {
  id: z.string().max(64),
  type: credentialEntryType,
  hash: z.string().max(64),
  schedule: schedule.optional(),
  validFrom: isoTime.optional(),
  validUntil: isoTime.optional(),
  /** Single-use credentials are claimed in the cloud before the door opens. */
  singleUse: z.boolean().optional(),
  /** A revoked visitor pass: its keypad code is gone (empty hash) and its QR token must be refused. */
  revoked: z.boolean().optional(),
  /** 1.2: only these doors (absent: every door of the property). */
  doors: doorLimits.optional(),
};
/** One entry of a credential set, as the cloud builds it. `hash` is HMAC-SHA256(panelKey, code), truncated: never the code. */
export const credentialEntry = z.strictObject(entryShape);
export type CredentialEntry = z.infer<typeof credentialEntry>;
/**
 * An entry as a panel receives it: checked, but kept whole (fields of a newer minor
 * included), because the set digest covers every field.
 */
export const heldCredentialEntry = z.looseObject(entryShape);

/** What a panel holds: the property's set at one version. */
export const credentialSnapshot = z.strictObject({
  propertyId: z.string(),
  version: z.number().int().nonnegative(),
  keyVersion: z.number().int().positive(),
  digest: z.string(),
  entries: z.array(credentialEntry),
});
export type CredentialSnapshot = z.infer<typeof credentialSnapshot>;

/** The body of a full set's download (gzip or plain JSON): `{ entries }`. */
export const snapshotDownload = z.object({ entries: z.array(heldCredentialEntry) });
