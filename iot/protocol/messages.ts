import * as z from 'zod';
import { accessMethod, isoTime, ulidString } from './credential-entry.ts';
import { protocolVersion } from './version.ts';
import { callRequests } from './calls.ts';

/**
 * The panel protocol's messages, one schema each; both ends parse with these, so a panel
 * vendor porting the agent has one place to read (replies in replies.ts, the credentials
 * shadow in shadow.ts). Every message carries `protocolVersion` (see version.ts); receivers
 * read it with `readMessage`. Golden examples of each: test/fixtures/panel-protocol/.
 *
 * Exported types are what a sender writes (z.input: `protocolVersion` may be left to its
 * default); a receiver gets the parsed output, which always has it.
 */
export {
  accessMethod,
  credentialEntry,
  credentialSnapshot,
  heldCredentialEntry,
  isoTime,
  snapshotDownload,
  ulidString,
  type AccessMethod,
  type CredentialEntry,
  type CredentialSnapshot,
} from './credential-entry.ts';

const unitNumber = z.string().min(1).max(20);
/** One recipient of a package-room delivery: the unit, the directory line picked (if by name), the count. */
export const packageRecipient = z.object({
  unit: unitNumber,
  targetId: z.string().max(160).optional(),
  count: z.number().int().min(1).max(99),
});

/** panel -> cloud, on `events` (QoS 1, recorded once per eventId). */
export const accessEvent = z.object({
  protocolVersion,
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
  /**
   * A package-room delivery's Finish (1.2): who the packages are for and how many. The cloud
   * writes one package record per recipient with the event, exactly once per eventId.
   */
  delivery: z.object({ recipients: z.array(packageRecipient).min(1).max(10) }).optional(),
  /** A package-room pickup (1.2): the unit whose waiting packages were handed over. */
  pickup: z.object({ unit: unitNumber }).optional(),
});
export type AccessEvent = z.input<typeof accessEvent>;

const requestId = z.string().max(64);
export const syncRequest = z.object({
  protocolVersion,
  requestId,
  op: z.literal('credentials.sync'),
  haveVersion: z.number().int().nonnegative(),
  haveKeyVersion: z.number().int().nonnegative(),
});
export const photoUrlRequest = z.object({ protocolVersion, requestId, op: z.literal('photo.upload-url'), eventId: ulidString });
/**
 * A single-use pass at the door: by its credential id when the panel holds the pass
 * (offline policy allow-once-and-reconcile), else by the typed code, which only the
 * cloud can resolve (the panel holds no pass codes under the deny policy).
 */
export const claimRequest = z
  .object({
    protocolVersion,
    requestId,
    op: z.literal('pass.claim'),
    attemptId: z.string().max(64),
    credentialId: z.string().max(64).optional(),
    code: z
      .string()
      .regex(/^[0-9]{4,8}$/)
      .optional(),
    eventId: ulidString,
    at: isoTime,
    offline: z.boolean().optional(),
  })
  .refine((c) => (c.credentialId === undefined) !== (c.code === undefined), 'exactly one of credentialId and code')
  .refine((c) => !(c.offline && c.code !== undefined), 'an offline claim names its credential');

/** panel -> cloud, on `requests`; the reply comes on `responses` with the same requestId (replies.ts). */
export const panelRequest = z.discriminatedUnion('op', [syncRequest, photoUrlRequest, claimRequest, ...callRequests]);
export type PanelRequest = z.input<typeof panelRequest>;
export type PanelRequestOp = PanelRequest['op'];

/** cloud -> panel, on `commands`: a remote unlock, valid until expiresAt by the panel's clock. */
export const unlockCommand = z.object({
  protocolVersion,
  commandId: z.string().max(64),
  type: z.literal('unlock'),
  issuedAt: isoTime,
  expiresAt: isoTime,
  /** An unlock opened from a call (1.0 addition, optional): the panel records it as method "call" with the call id. */
  callId: z.string().max(64).optional(),
});
export type UnlockCommand = z.input<typeof unlockCommand>;

/** panel -> cloud, on `acks`: what became of a command. */
export const commandAck = z.object({
  protocolVersion,
  commandId: z.string().max(64),
  status: z.enum(['executed', 'expired']),
  at: isoTime,
  eventId: ulidString.optional(),
});
export type CommandAck = z.input<typeof commandAck>;

/** panel -> cloud, on `heartbeat`: liveness and the set the panel holds. */
export const heartbeat = z.object({
  protocolVersion,
  at: isoTime,
  credentials: z.object({ version: z.number().int().nonnegative(), digest: z.string() }),
  keypadLockedUntil: isoTime.optional(),
});
export type Heartbeat = z.input<typeof heartbeat>;

/** What arrives on each panel -> cloud channel besides requests. */
export const panelMessages = { events: accessEvent, acks: commandAck, heartbeat } as const;

export { PROTOCOL_VERSION, readMessage, type ReadResult } from './version.ts';
export * from './replies.ts';
export * from './calls.ts';
export { credentialsShadowState, type CredentialsShadowState } from './shadow.ts';
