import * as z from 'zod';
import { heldCredentialEntry, isoTime, type CredentialEntry } from './credential-entry.ts';
import { protocolVersion } from './version.ts';
import { callStartResponse, callStatusResponse, directoryResponse, type CallStartResponse, type CallStatusResponse, type DirectoryResponse } from './calls.ts';

/**
 * cloud -> panel, on `responses`: the reply to one request, matched by requestId. A panel
 * knows which op it asked, so it reads a reply with that op's schema (`replyTo`): the
 * op's success shape or an error.
 */
const requestId = z.string().max(64);
const offlinePassPolicy = z.enum(['deny', 'allow-once-and-reconcile']);

export const errorResponse = z.object({ protocolVersion, requestId, ok: z.literal(false), error: z.string().max(128) });

export const syncCurrent = z.object({ protocolVersion, requestId, ok: z.literal(true), kind: z.literal('current'), version: z.number().int().nonnegative(), digest: z.string() });
export const syncDelta = z.object({
  protocolVersion,
  requestId,
  ok: z.literal(true),
  kind: z.literal('delta'),
  fromVersion: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  digest: z.string(),
  upserts: z.array(heldCredentialEntry),
  removals: z.array(z.string().max(64)),
});
export const syncFull = z.object({
  protocolVersion,
  requestId,
  ok: z.literal(true),
  kind: z.literal('full'),
  version: z.number().int().nonnegative(),
  keyVersion: z.number().int().positive(),
  digest: z.string(),
  /** base64url HMAC key for code hashes: never logged */
  panelKey: z.string().min(1),
  timezone: z.string().min(1),
  offlinePassPolicy,
  url: z.string(),
  bytes: z.number().int().nonnegative(),
});
export const syncResponse = z.discriminatedUnion('kind', [syncCurrent, syncDelta, syncFull]);
export const photoUrlResponse = z.object({ protocolVersion, requestId, ok: z.literal(true), url: z.string(), key: z.string().max(256), expiresAt: isoTime });
export const claimResponse = z.object({
  protocolVersion,
  requestId,
  ok: z.literal(true),
  decision: z.enum(['granted', 'denied']),
  reason: z.string().max(64).optional(),
  credentialId: z.string().max(64).optional(),
});

/** The reply schema for each op: its success or an error. */
export const replyTo = {
  'credentials.sync': z.union([syncResponse, errorResponse]),
  'photo.upload-url': z.union([photoUrlResponse, errorResponse]),
  'pass.claim': z.union([claimResponse, errorResponse]),
  'directory.sync': z.union([directoryResponse, errorResponse]),
  'call.start': z.union([callStartResponse, errorResponse]),
  'call.timeout': z.union([callStatusResponse, errorResponse]),
  'call.end': z.union([callStatusResponse, errorResponse]),
} as const;
export type ReplyTo = { [Op in keyof typeof replyTo]: z.output<(typeof replyTo)[Op]> };

/** Enough of a reply to route it to the request waiting for it. */
export const replyEnvelope = z.object({ requestId });

// Sender-side types (protocolVersion may be left out). Sync replies name their entries with
// the cloud's strict entry type.
type WithEntries<T> = T extends { upserts: unknown } ? Omit<T, 'upserts'> & { upserts: CredentialEntry[] } : T;
export type SyncResponse = WithEntries<z.input<typeof syncResponse>>;
export type PhotoUrlResponse = z.input<typeof photoUrlResponse>;
export type ClaimResponse = z.input<typeof claimResponse>;
export type ErrorResponse = z.input<typeof errorResponse>;
export type PanelResponse = SyncResponse | PhotoUrlResponse | ClaimResponse | ErrorResponse | DirectoryResponse | CallStartResponse | CallStatusResponse;
