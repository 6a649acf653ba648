import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { callState, readMessage, type DirectoryEntry, type MediaSessionMessage } from '../protocol/messages.ts';
import type { AgentEvents, CallUpdate } from './agent-types.ts';
import type { PanelConnection } from './connection.ts';
import { readJson, writeJsonAtomic } from './files.ts';
import { errorText, type PanelLogger } from './log.ts';

/**
 * The panel's side of calls: the directory (kept on disk, so the panel shows it offline too;
 * calls themselves need the network) and the call flow. `call.start` rings the unit and
 * answers with the call id, how long it rings and the panel's MASTER media session; every
 * later change comes on the panel's `calls` topic. The panel's ring timer tells the cloud when
 * the ring ran out (the cloud checks its own clock). A door opened from the call arrives as an
 * ordinary unlock command carrying the call id (remote-unlock.ts records it as method "call").
 */

/** The media seam: joins the call's WebRTC session as MASTER (iot/panel/call-media.ts), closed when the call is over. */
export type JoinMedia = (session: MediaSessionMessage) => Promise<{ close(): Promise<void> }>;

export class CallRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`call refused: ${reason}`);
    this.name = 'CallRefusedError';
  }
}

const FINAL = new Set(['declined', 'missed', 'ended']);

interface SavedDirectory {
  version: string;
  entries: DirectoryEntry[];
}

/** "4b" finds unit 4B, "ana" finds Ana Núñez: case, accents and surrounding space do not matter. */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

export class PanelCalls {
  private directory: SavedDirectory | undefined;
  private readonly active = new Map<string, { timer?: NodeJS.Timeout; media?: Promise<{ close(): Promise<void> } | undefined> }>();

  constructor(
    private readonly parts: {
      connection: PanelConnection;
      stateDir: string;
      events: EventEmitter<AgentEvents>;
      log: PanelLogger;
      joinMedia?: JoinMedia;
      /** extra time after the ring ends before the panel reports it (clock differences) */
      ringGraceMs?: number;
    },
  ) {}

  private get file() {
    return join(this.parts.stateDir, 'directory.json');
  }

  /** The directory from the cloud (a short reply when unchanged), kept on disk; offline, the last copy. */
  async syncDirectory(): Promise<{ version: string; entries: number; offline: boolean }> {
    this.directory ??= await readJson<SavedDirectory>(this.file);
    if (this.parts.connection.connected) {
      try {
        const reply = await this.parts.connection.request({ op: 'directory.sync', ...(this.directory && { haveVersion: this.directory.version }) });
        if (!reply.ok) throw new Error(`directory refused: ${reply.error}`);
        if (reply.kind === 'full') {
          this.directory = { version: reply.version, entries: reply.entries };
          await writeJsonAtomic(this.file, this.directory);
        }
        return { version: reply.version, entries: this.directory?.entries.length ?? 0, offline: false };
      } catch (error) {
        this.parts.log.warn('directory sync failed, showing the saved copy', { error: errorText(error) });
      }
    }
    return { version: this.directory?.version ?? '', entries: this.directory?.entries.length ?? 0, offline: true };
  }

  /** Entries whose name or unit contains the query (all of them for an empty one). */
  search(query: string): DirectoryEntry[] {
    const q = folded(query);
    return (this.directory?.entries ?? []).filter((e) => folded(e.name).includes(q) || (e.unit !== null && folded(e.unit).includes(q)));
  }

  /** Rings a unit (as typed) or a directory target; resolves with the call id once it rings. */
  async start(target: { unit: string } | { targetId: string }): Promise<{ callId: string; ringSeconds: number }> {
    const { connection, events, log } = this.parts;
    const reply = await connection.request({ op: 'call.start', target });
    if (!reply.ok) throw new CallRefusedError(reply.error);
    const { callId, ringSeconds } = reply;
    log.info('call ringing', { callId, ringSeconds, rang: reply.rang });
    const timer = setTimeout(() => void this.ringRanOut(callId), ringSeconds * 1000 + (this.parts.ringGraceMs ?? 500));
    const media = this.parts.joinMedia
      ? this.parts.joinMedia(reply.media).catch((error) => {
          log.warn('call media not joined (the call goes on without video)', { callId, error: errorText(error) });
          return undefined;
        })
      : undefined;
    this.active.set(callId, { timer, media });
    events.emit('call', { callId, status: 'ringing', at: new Date().toISOString() });
    return { callId, ringSeconds };
  }

  /** The visitor hung up. */
  async hangUp(callId: string): Promise<void> {
    const reply = await this.parts.connection.request({ op: 'call.end', callId });
    if (reply.ok && FINAL.has(reply.status)) await this.settle({ callId, status: reply.status, at: new Date().toISOString() });
  }

  /** A message on the panel's `calls` topic. */
  async handle(payload: Buffer): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      this.parts.log.warn('unreadable call state');
      return;
    }
    const read = readMessage(callState, raw);
    if (!read.ok) {
      this.parts.log.warn('invalid call state', read.reason === 'invalid' ? { issues: read.issues } : { version: read.version });
      return;
    }
    const { protocolVersion: _, ...update } = read.message;
    await this.settle(update);
  }

  private async settle(update: CallUpdate): Promise<void> {
    const call = this.active.get(update.callId);
    if (FINAL.has(update.status)) {
      // Said once: a state arriving after the panel already closed the call is not news.
      if (!call) return;
      this.active.delete(update.callId);
      clearTimeout(call.timer);
      await (await call.media)?.close().catch(() => {});
    } else if (call && update.status === 'accepted') {
      clearTimeout(call.timer);
    }
    this.parts.log.info('call', { callId: update.callId, status: update.status });
    this.parts.events.emit('call', update);
  }

  /** The panel's ring timer ran out: the cloud decides by its own clock; a missed call also comes on `calls`. */
  private async ringRanOut(callId: string): Promise<void> {
    try {
      const reply = await this.parts.connection.request({ op: 'call.timeout', callId });
      if (reply.ok && FINAL.has(reply.status)) await this.settle({ callId, status: reply.status, at: new Date().toISOString() });
    } catch (error) {
      this.parts.log.warn('ring timeout not reported (the cloud sweeps missed calls itself)', { callId, error: errorText(error) });
    }
  }

  /** Calls still up (stop: end them quietly). */
  stop(): void {
    for (const call of this.active.values()) clearTimeout(call.timer);
  }
}
