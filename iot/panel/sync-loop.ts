import type { EventEmitter } from 'node:events';
import type { AgentEvents, SyncSummary } from './agent-types.ts';
import type { PanelConnection } from './connection.ts';
import type { CredentialStore } from './credential-store.ts';
import { errorText, type PanelLogger } from './log.ts';
import { Retry, withDeadline } from './timing.ts';

/**
 * Keeps the held set in step with the cloud: one credentials.sync run at a time (another
 * right after when asked meanwhile), current / delta / full applied by the store, a full set
 * fetched when the store finds itself out of step, retries with backoff after a failure.
 */
export class SyncLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly retry = new Retry();

  constructor(
    private readonly parts: {
      connection: PanelConnection;
      store: CredentialStore;
      events: EventEmitter<AgentEvents>;
      log: PanelLogger;
      retryMs: number;
      stopped: () => boolean;
      /** after every successful sync (report it, forget used passes no longer held) */
      afterSync: () => Promise<void>;
    },
  ) {}

  get syncing(): boolean {
    return this.running !== undefined;
  }

  /** Starts a sync (or asks for one more after the running one); `after`: wait for it first (still counted as syncing). */
  request(reason: string, after?: Promise<unknown>): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      await after?.catch(() => undefined);
      do {
        this.again = false;
        if (!this.parts.connection.connected || this.parts.stopped()) return;
        try {
          await this.syncOnce(reason);
          this.retry.reset();
        } catch (error) {
          this.parts.log.warn('credential sync failed', { reason, error: errorText(error) });
          if (!this.again) this.retry.schedule(this.parts.retryMs, () => void this.request('retry'));
        }
      } while (this.again);
    };
    this.running = run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a sync in progress, if any. */
  async wait(timeoutMs: number): Promise<void> {
    const running = this.running;
    if (running) await withDeadline(running, timeoutMs, `sync not finished within ${timeoutMs} ms`);
  }

  stop(): void {
    this.retry.cancel();
  }

  private async syncOnce(reason: string): Promise<void> {
    const { connection, store, log } = this.parts;
    let forceFull = false;
    for (let round = 0; round < 3; round++) {
      const haveVersion = forceFull ? 0 : store.version;
      const haveKeyVersion = forceFull ? 0 : store.keyVersion;
      const response = await connection.request({ op: 'credentials.sync', haveVersion, haveKeyVersion });
      if (!response.ok) throw new Error(`sync refused: ${response.error}`);
      const outcome = await store.apply(response);
      if (outcome.status === 'needs-full') {
        log.warn('credential set out of step, fetching it in full', { why: outcome.why });
        forceFull = true;
        continue;
      }
      const summary: SyncSummary = { kind: response.kind, version: store.version, keyVersion: store.keyVersion, digest: store.digest, entries: store.size };
      log.info('credentials synced', { reason, ...summary, digest: undefined });
      await this.parts.afterSync();
      this.parts.events.emit('synced', summary);
      return;
    }
    throw new Error('credential set still out of step after a full sync');
  }
}
