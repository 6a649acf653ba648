import * as z from 'zod';
import { isoTime } from './credential-entry.ts';
import { protocolVersion } from './version.ts';

/**
 * Calls and the directory in the panel protocol. A visitor picks someone from the directory
 * (the panel keeps its last copy, so it shows it offline too) and presses Call: the panel
 * asks `call.start` on `requests`; the cloud rings the unit and replies with the call id,
 * how long it rings and the panel's MASTER media session; every later change arrives on the
 * panel's `calls` topic as a `CallState`. A door opened from a call comes as an ordinary
 * unlock command carrying the call id. Golden examples: test/fixtures/panel-protocol/.
 */

const requestId = z.string().max(64);
const callId = z.string().regex(/^call_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a call id');
/**
 * A directory target id: a resident id (rings their unit) or, from 1.2, `stf_<opaque>` for a staff member (a keyed
 * digest the cloud resolves; no user id reaches a panel). A 1.1 panel's cached `staff:<userId>` still parses but
 * is refused as not-found: the panel syncs its directory again.
 */
export const targetId = z.string().regex(/^(res_[0-9A-HJKMNP-TV-Z]{26}|stf_[A-Za-z0-9_-]{16,64}|staff:[A-Za-z0-9._:@+-]{1,128})$/, 'must be a directory target id');

/** panel -> cloud: the directory, unless the panel already holds this version. */
export const directorySyncRequest = z.object({ protocolVersion, requestId, op: z.literal('directory.sync'), haveVersion: z.string().max(64).optional() });
/** panel -> cloud: ring a unit (as typed) or a directory target. */
export const callStartRequest = z.object({
  protocolVersion,
  requestId,
  op: z.literal('call.start'),
  target: z.union([z.strictObject({ unit: z.string().min(1).max(20) }), z.strictObject({ targetId })]),
});
/** panel -> cloud: the panel's ring timer ran out (the cloud checks its own clock). */
export const callTimeoutRequest = z.object({ protocolVersion, requestId, op: z.literal('call.timeout'), callId });
/** panel -> cloud: the visitor hung up. */
export const callEndRequest = z.object({ protocolVersion, requestId, op: z.literal('call.end'), callId });

/** One directory line: display name and unit only, and what to call. */
export const directoryEntry = z.object({ targetId: z.string().max(160), name: z.string().max(120), unit: z.string().max(20).nullable() });
export type DirectoryEntry = z.infer<typeof directoryEntry>;

export const directoryCurrent = z.object({ protocolVersion, requestId, ok: z.literal(true), kind: z.literal('current'), version: z.string().max(64) });
export const directoryFull = z.object({
  protocolVersion,
  requestId,
  ok: z.literal(true),
  kind: z.literal('full'),
  version: z.string().max(64),
  entries: z.array(directoryEntry).max(10_000),
});
export const directoryResponse = z.discriminatedUnion('kind', [directoryCurrent, directoryFull]);

/** Where a client joins the call's WebRTC session (domain/call-ports.ts MediaSession). */
export const mediaSession = z.object({
  role: z.enum(['MASTER', 'VIEWER']),
  channelArn: z.string().max(2048),
  signalingUrl: z.string().max(8192),
  iceServers: z.array(z.object({ urls: z.array(z.string().max(2048)), username: z.string().max(512).optional(), credential: z.string().max(512).optional() })).max(10),
  expiresAt: isoTime,
  clientId: z.string().max(256).optional(),
});
export type MediaSessionMessage = z.infer<typeof mediaSession>;

export const callStatus = z.enum(['ringing', 'accepted', 'declined', 'missed', 'ended']);

export const callStartResponse = z.object({
  protocolVersion,
  requestId,
  ok: z.literal(true),
  callId,
  status: z.literal('ringing'),
  ringSeconds: z.number().int().positive(),
  ringUntil: isoTime,
  /** Devices and phones rung. */
  rang: z.number().int().nonnegative(),
  media: mediaSession,
});
export const callStatusResponse = z.object({ protocolVersion, requestId, ok: z.literal(true), callId, status: callStatus });

/** cloud -> panel, on `calls`: the call changed. `doorOpened` with `commandId`: an unlock for it is on its way. */
export const callState = z.object({
  protocolVersion,
  callId,
  status: callStatus,
  at: isoTime,
  doorOpened: z.boolean().optional(),
  commandId: z.string().max(64).optional(),
});
export type CallState = z.input<typeof callState>;

export const callRequests = [directorySyncRequest, callStartRequest, callTimeoutRequest, callEndRequest] as const;

export type DirectoryResponse = z.input<typeof directoryResponse>;
export type CallStartResponse = z.input<typeof callStartResponse>;
export type CallStatusResponse = z.input<typeof callStatusResponse>;
