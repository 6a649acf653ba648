import * as z from 'zod';
import { schedule } from './schedule.ts';

/** The building blocks of the panel protocol's messages: access methods, ids, times, credential entries. */
export const accessMethod = z.enum(['delivery-pin', 'delivery-pass', 'visitor', 'call', 'remote-unlock', 'resident-pickup']);
export type AccessMethod = z.infer<typeof accessMethod>;

export const ulidString = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const isoTime = z.iso.datetime({ offset: true });

const entryShape = {
  id: z.string().max(64),
  type: z.enum(['delivery-pin', 'delivery-pass', 'visitor-pass']),
  hash: z.string().max(64),
  schedule: schedule.optional(),
  validFrom: isoTime.optional(),
  validUntil: isoTime.optional(),
  /** Single-use credentials are claimed in the cloud before the door opens. */
  singleUse: z.boolean().optional(),
  /** A revoked visitor pass: its keypad code is gone (empty hash) and its QR token must be refused. */
  revoked: z.boolean().optional(),
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
