import * as z from 'zod';
import { schedule } from '../../functions/schemas/common.ts';

/**
 * The panel protocol's messages, one schema each; both ends parse with these, so
 * a panel vendor porting the agent has one file to read.
 */
export const accessMethod = z.enum(['delivery-pin', 'delivery-pass', 'visitor', 'call', 'remote-unlock', 'resident-pickup']);
export type AccessMethod = z.infer<typeof accessMethod>;

const ulidString = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
const isoTime = z.iso.datetime({ offset: true });

/** One entry of a credential set. `hash` is HMAC-SHA256(panelKey, code), truncated: never the code. */
export const credentialEntry = z.strictObject({
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
});
export type CredentialEntry = z.infer<typeof credentialEntry>;

/** What a panel holds: the property's set at one version. */
export const credentialSnapshot = z.strictObject({
  propertyId: z.string(),
  version: z.number().int().nonnegative(),
  keyVersion: z.number().int().positive(),
  digest: z.string(),
  entries: z.array(credentialEntry),
});
export type CredentialSnapshot = z.infer<typeof credentialSnapshot>;

export const accessEvent = z.strictObject({
  eventId: ulidString,
  at: isoTime,
  method: accessMethod,
  decision: z.enum(['granted', 'denied']),
  reason: z.string().max(64).optional(),
  credentialId: z.string().max(64).optional(),
  commandId: z.string().max(64).optional(),
  /** The S3 key the panel uploaded the entry photo to (grants only). */
  photoKey: z.string().max(256).optional(),
  /** Decided while the panel had no connection; uploaded later. */
  offline: z.boolean().optional(),
});
export type AccessEvent = z.infer<typeof accessEvent>;

export const panelRequest = z.discriminatedUnion('op', [
  z.strictObject({ requestId: z.string().max(64), op: z.literal('credentials.sync'), haveVersion: z.number().int().nonnegative(), haveKeyVersion: z.number().int().nonnegative() }),
  z.strictObject({ requestId: z.string().max(64), op: z.literal('photo.upload-url'), eventId: ulidString }),
  /**
   * A single-use pass at the door: by its credential id when the panel holds the pass
   * (offline policy allow-once-and-reconcile), else by the typed code, which only the
   * cloud can resolve (the panel holds no pass codes under the deny policy).
   */
  z.strictObject({
    requestId: z.string().max(64), op: z.literal('pass.claim'), attemptId: z.string().max(64),
    credentialId: z.string().max(64).optional(), code: z.string().regex(/^[0-9]{4,8}$/).optional(),
    eventId: ulidString, at: isoTime, offline: z.boolean().optional(),
  }).refine((c) => (c.credentialId === undefined) !== (c.code === undefined), 'exactly one of credentialId and code')
    .refine((c) => !(c.offline && c.code !== undefined), 'an offline claim names its credential'),
]);
export type PanelRequest = z.infer<typeof panelRequest>;

export type SyncResponse =
  | { requestId: string; ok: true; kind: 'current'; version: number; digest: string }
  | { requestId: string; ok: true; kind: 'delta'; fromVersion: number; version: number; digest: string; upserts: CredentialEntry[]; removals: string[] }
  | { requestId: string; ok: true; kind: 'full'; version: number; keyVersion: number; digest: string; panelKey: string; timezone: string; offlinePassPolicy: 'deny' | 'allow-once-and-reconcile'; url: string; bytes: number };
export type PhotoUrlResponse = { requestId: string; ok: true; url: string; key: string; expiresAt: string };
export type ClaimResponse = { requestId: string; ok: true; decision: 'granted' | 'denied'; reason?: string; credentialId?: string };
export type ErrorResponse = { requestId: string; ok: false; error: string };
export type PanelResponse = SyncResponse | PhotoUrlResponse | ClaimResponse | ErrorResponse;

export const unlockCommand = z.strictObject({
  commandId: z.string().max(64),
  type: z.literal('unlock'),
  issuedAt: isoTime,
  expiresAt: isoTime,
});
export type UnlockCommand = z.infer<typeof unlockCommand>;

export const commandAck = z.strictObject({
  commandId: z.string().max(64),
  status: z.enum(['executed', 'expired']),
  at: isoTime,
  eventId: ulidString.optional(),
});
export type CommandAck = z.infer<typeof commandAck>;

export const heartbeat = z.strictObject({
  at: isoTime,
  credentials: z.strictObject({ version: z.number().int().nonnegative(), digest: z.string() }),
  keypadLockedUntil: isoTime.optional(),
});
export type Heartbeat = z.infer<typeof heartbeat>;

/** The credentials shadow: desired is written by the cloud, reported by the panel. */
export interface CredentialsShadowState {
  version: number;
  keyVersion: number;
  /** Visitor QR verification keys by key id (base64url Ed25519 public keys): current and previous. */
  qrKeys: Record<string, string>;
  /** Property settings a panel needs between full syncs. */
  timezone: string;
  offlinePassPolicy: 'deny' | 'allow-once-and-reconcile';
}
