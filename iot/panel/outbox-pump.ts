import type { CommandAck } from '../protocol/messages.ts';
import type { PanelConnection } from './connection.ts';
import type { EventQueue, OutboxTransport } from './event-queue.ts';
import { errorText, type PanelLogger } from './log.ts';
import { Retry, withDeadline } from './timing.ts';

/**
 * Moves the outbox to the cloud while online: one flush at a time, another right after when
 * something was queued meanwhile, retries with backoff after a failure. Grants' photos go
 * through a short-lived upload URL (photo.upload-url) and an HTTP PUT before their event.
 */
export class OutboxPump {
  private flushing = false;
  private again = false;
  private readonly retry = new Retry();
  private readonly transport: OutboxTransport;

  constructor(
    private readonly parts: {
      outbox: EventQueue;
      connection: PanelConnection;
      log: PanelLogger;
      fetch: typeof fetch;
      retryMs: number;
      stopped: () => boolean;
    },
  ) {
    const { connection } = parts;
    this.transport = {
      photoUploadUrl: async (eventId) => {
        const reply = await connection.request({ op: 'photo.upload-url', eventId });
        if (!reply.ok) throw new Error(`photo upload URL refused: ${reply.error}`);
        return { url: reply.url, key: reply.key };
      },
      putPhoto: async (url, jpeg) => {
        const response = await parts.fetch(url, { method: 'PUT', body: new Uint8Array(jpeg), headers: { 'content-type': 'image/jpeg' } });
        if (!response.ok) throw new Error(`photo upload failed: HTTP ${response.status}`);
        await response.arrayBuffer().catch(() => undefined);
      },
      publishEvent: (event) => connection.publish(connection.topics.events, event),
      publishAck: (ack) => connection.publish(connection.topics.acks, ack),
    };
  }

  get size(): number {
    return this.parts.outbox.size;
  }

  /** Sends an ack now; queued when that fails (e.g. offline), so the cloud still hears of it. */
  async sendAck(ack: CommandAck): Promise<void> {
    try {
      await this.transport.publishAck(ack);
    } catch (error) {
      this.parts.log.warn('ack not sent, queued', { commandId: ack.commandId, error: errorText(error) });
      await this.parts.outbox.enqueueAck(ack);
      this.kick();
    }
  }

  /** Starts a flush when online and there is something to send. */
  kick(): void {
    const { outbox, connection, log, stopped } = this.parts;
    if (!connection.connected || stopped() || outbox.size === 0) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.again = false;
    this.flushing = true;
    outbox.flush(this.transport).then(
      (result) => {
        this.flushing = false;
        this.retry.reset();
        if (result.sent > 0) log.debug('outbox flushed', { ...result });
        // Something queued right after the run ended is picked up here.
        if (this.again || outbox.size > 0) this.kick();
      },
      (error: unknown) => {
        this.flushing = false;
        log.warn('outbox flush failed, will retry', { left: outbox.size, error: errorText(error) });
        if (connection.connected) this.retry.schedule(this.parts.retryMs, () => this.kick());
      },
    );
  }

  /** Resolves when the outbox is empty; rejects after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.kick();
    await withDeadline(this.parts.outbox.whenEmpty(), timeoutMs, `outbox not delivered within ${timeoutMs} ms (${this.parts.outbox.size} left)`);
  }

  stop(): void {
    this.retry.cancel();
  }
}
