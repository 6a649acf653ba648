import type { AccessEvent, AccessMethod, CallState, CommandAck, MediaSessionMessage } from '../protocol/messages.ts';
import type { OfflinePassPolicy } from './credential-store.ts';
import type { PanelIdentity } from './identity.ts';
import type { KeypadThrottleConfig } from './keypad-throttle.ts';
import type { PanelLogger } from './log.ts';
import type { PhotoOptions } from './photo.ts';
import { HEARTBEAT_SECONDS } from '../protocol/topics.ts';

/** The panel agent's public contract: how it is configured, what it reports, what it emits. */
export interface PanelAgentConfig {
  /** heartbeat period while online (default 15 s) */
  heartbeatMs?: number;
  /** default wait for a response to a request (default 8 s) */
  requestTimeoutMs?: number;
  /** enter() waits at most this long for a sync in progress, e.g. right after a reconnect (default 5 s) */
  syncWaitMs?: number;
  /** per attempt of a pass claim (default 4 s) ... */
  claimTimeoutMs?: number;
  /** ... and attempts with the same attemptId before the offline policy applies (default 2) */
  claimAttempts?: number;
  /** first retry delay after a failed sync / outbox flush, doubling up to 60 s (default 2 s) */
  retryMs?: number;
  /** start() waits this long for the first connection + sync, then goes on offline (default 10 s) */
  startTimeoutMs?: number;
  keypad?: Partial<KeypadThrottleConfig>;
  photo?: PhotoOptions;
  keepAliveSeconds?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** HTTP for the set download and the photo PUT (default global fetch) */
  fetch?: typeof fetch;
  log?: PanelLogger;
}

export interface PanelAgentOptions {
  identity: PanelIdentity;
  /** where the panel keeps its state (credentials.json, outbox/, keypad.json, claims.json, commands.json) */
  stateDir: string;
  /** the panel clock (decisions, event times, command expiry); default the system clock */
  now?: () => Date;
  config?: PanelAgentConfig;
  /** called the moment the door is released (before the photo is taken) */
  onDoorRelease?: (release: DoorRelease) => void;
  /** joins a call's media as MASTER (iot/panel/call-media.ts); without it calls are audio-less signalling only */
  joinMedia?: (session: MediaSessionMessage) => Promise<{ close(): Promise<void> }>;
}

/** A call's state as the panel shows it (ringing, accepted, declined, missed, ended). */
export type CallUpdate = Omit<CallState, 'protocolVersion'>;

export interface DoorRelease {
  method: AccessMethod;
  eventId: string;
  at: string;
  credentialId?: string;
  commandId?: string;
}

export interface EntryResult {
  decision: 'granted' | 'denied';
  method: AccessMethod;
  reason?: string;
  eventId: string;
  credentialId?: string;
  /** decided without the cloud (offline, or the claim got no answer) */
  offline?: boolean;
}

export interface PanelStatus {
  panelId: string;
  connected: boolean;
  version: number;
  keyVersion: number;
  digest: string;
  entries: number;
  lastSyncAt?: string;
  syncing: boolean;
  outbox: number;
  keypadLockedUntil?: string;
  /** single-use passes granted offline whose claim has not reached the cloud yet */
  pendingClaims: number;
  offlinePassPolicy: OfflinePassPolicy;
  timezone: string;
  /** ids of the visitor-QR public keys the panel holds (current and previous key version) */
  qrKeyIds: string[];
  /** the protocol version this panel speaks, and the last one of another major it refused (see iot/protocol/version.ts) */
  protocol: { version: string; refused?: string };
}

export interface SyncSummary {
  kind: 'current' | 'delta' | 'full';
  version: number;
  keyVersion: number;
  digest: string;
  entries: number;
}

export type AgentEvents = {
  door: [DoorRelease];
  decision: [EntryResult];
  event: [AccessEvent];
  synced: [SyncSummary];
  ack: [CommandAck];
  call: [CallUpdate];
  connected: [];
  disconnected: [];
};

/** The agent's timings, defaults filled in. */
export const withConfigDefaults = (config: PanelAgentConfig) => ({
  heartbeatMs: config.heartbeatMs ?? HEARTBEAT_SECONDS * 1000,
  requestTimeoutMs: config.requestTimeoutMs ?? 8_000,
  syncWaitMs: config.syncWaitMs ?? 5_000,
  claimTimeoutMs: config.claimTimeoutMs ?? 4_000,
  claimAttempts: config.claimAttempts ?? 2,
  retryMs: config.retryMs ?? 2_000,
  startTimeoutMs: config.startTimeoutMs ?? 10_000,
  keepAliveSeconds: config.keepAliveSeconds ?? 30,
  reconnectMinMs: config.reconnectMinMs ?? 1_000,
  reconnectMaxMs: config.reconnectMaxMs ?? 30_000,
});
