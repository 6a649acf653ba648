import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessEvent, CommandAck } from '../protocol/messages.ts';
import { readJson, writeFileAtomic, writeJsonAtomic } from './files.ts';

/**
 * The panel's outbox: access events (with their photos) and command acks that must reach the
 * cloud, kept on disk until the broker has acknowledged them. One file per item
 * (`<seq>.json`, and `<seq>.jpg` for the photo), numbered in order; a JSON file appears only
 * after its photo is written, and is removed only after the PUBACK of its event.
 *
 * Flushing sends them strictly in order: for a grant, ask for a photo upload URL, PUT the JPEG,
 * then publish the event (QoS 1) with its `photoKey`. A crash anywhere in between just means the
 * item is sent again later; the cloud records each eventId once.
 */
export type OutboxItem = { seq: number; kind: 'event'; event: AccessEvent; photo: boolean; photoKey?: string } | { seq: number; kind: 'ack'; ack: CommandAck };

export interface OutboxTransport {
  /** a short-lived URL to PUT the event's photo to, and the key it will have */
  photoUploadUrl(eventId: string): Promise<{ url: string; key: string }>;
  putPhoto(url: string, jpeg: Buffer): Promise<void>;
  /** publishes the event at QoS 1; resolves on PUBACK */
  publishEvent(event: AccessEvent): Promise<void>;
  publishAck(ack: CommandAck): Promise<void>;
}

export interface FlushResult {
  sent: number;
  remaining: number;
}

const ITEM_FILE = /^(\d{12})\.json$/;
const name = (seq: number, ext: 'json' | 'jpg') => `${String(seq).padStart(12, '0')}.${ext}`;

export class EventQueue {
  private items: OutboxItem[] = [];
  private nextSeq = 1;
  private flushing: Promise<FlushResult> | undefined;
  private emptyWaiters: Array<() => void> = [];

  private constructor(readonly dir: string) {}

  /** Opens (creating) the outbox directory, e.g. `<stateDir>/outbox`. */
  static async open(dir: string): Promise<EventQueue> {
    const queue = new EventQueue(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files = await readdir(dir);
    const seqs = files
      .map((f) => ITEM_FILE.exec(f))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const seq of seqs) {
      const item = await readJson<OutboxItem>(join(dir, name(seq, 'json')));
      if (item && (item.kind === 'event' || item.kind === 'ack')) queue.items.push({ ...item, seq });
      else await rm(join(dir, name(seq, 'json')), { force: true }); // unreadable: written half before a crash cannot happen (atomic), so this is damage
    }
    const live = new Set(queue.items.map((i) => i.seq));
    // Leftovers of a crash: temp files, and photos whose item was never written or already sent.
    for (const file of files) {
      const photo = /^(\d{12})\.jpg$/.exec(file);
      if (file.endsWith('.tmp') || (photo && !live.has(Number(photo[1])))) await rm(join(dir, file), { force: true });
    }
    queue.nextSeq = Math.max(0, ...seqs) + 1;
    return queue;
  }

  get size(): number {
    return this.items.length;
  }

  /** The items waiting, oldest first. */
  list(): OutboxItem[] {
    return this.items.map((item) => ({ ...item }));
  }

  /** Queues an event, with its JPEG for grants. Durable when this resolves. */
  async enqueueEvent(event: AccessEvent, photo?: Buffer): Promise<OutboxItem> {
    const seq = this.nextSeq++;
    if (photo) await writeFileAtomic(join(this.dir, name(seq, 'jpg')), photo);
    const item: OutboxItem = { seq, kind: 'event', event, photo: photo !== undefined };
    await writeJsonAtomic(join(this.dir, name(seq, 'json')), item);
    this.items.push(item);
    return item;
  }

  async enqueueAck(ack: CommandAck): Promise<OutboxItem> {
    const seq = this.nextSeq++;
    const item: OutboxItem = { seq, kind: 'ack', ack };
    await writeJsonAtomic(join(this.dir, name(seq, 'json')), item);
    this.items.push(item);
    return item;
  }

  async readPhoto(item: OutboxItem): Promise<Buffer | undefined> {
    if (item.kind !== 'event' || !item.photo) return undefined;
    return readFile(join(this.dir, name(item.seq, 'jpg'))).catch(() => undefined);
  }

  /**
   * Sends everything in order; stops at the first failure (which it throws), keeping that item
   * and everything after it. Concurrent calls share one run; items queued during a run are sent
   * by it.
   */
  flush(transport: OutboxTransport): Promise<FlushResult> {
    this.flushing ??= this.run(transport).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Resolves when the outbox is empty. */
  whenEmpty(): Promise<void> {
    if (this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  private async run(transport: OutboxTransport): Promise<FlushResult> {
    let sent = 0;
    // remove() drops the head, so this walks the outbox oldest first until it is empty.
    for (let item = this.items[0]; item !== undefined; item = this.items[0]) {
      if (item.kind === 'ack') {
        await transport.publishAck(item.ack);
      } else {
        let photoKey = item.photoKey;
        if (item.photo && photoKey === undefined) {
          const jpeg = await this.readPhoto(item);
          if (jpeg) {
            const target = await transport.photoUploadUrl(item.event.eventId);
            await transport.putPhoto(target.url, jpeg);
            photoKey = target.key;
            // Remember the upload: after a crash the photo is not sent again.
            item.photoKey = photoKey;
            await writeJsonAtomic(join(this.dir, name(item.seq, 'json')), item);
          }
        }
        await transport.publishEvent(photoKey !== undefined ? { ...item.event, photoKey } : item.event);
      }
      await this.remove(item);
      sent++;
    }
    return { sent, remaining: this.items.length };
  }

  private async remove(item: OutboxItem): Promise<void> {
    await rm(join(this.dir, name(item.seq, 'json')), { force: true });
    if (item.kind === 'event' && item.photo) await rm(join(this.dir, name(item.seq, 'jpg')), { force: true });
    this.items = this.items.filter((i) => i.seq !== item.seq);
    if (this.items.length === 0) {
      const waiters = this.emptyWaiters;
      this.emptyWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
