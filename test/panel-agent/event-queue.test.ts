import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessEvent, CommandAck } from '../../iot/protocol/messages.ts';
import { EventQueue, type OutboxTransport } from '../../iot/panel/event-queue.ts';

let n = 0;
const event = (decision: 'granted' | 'denied', extra: Partial<AccessEvent> = {}): AccessEvent => ({
  eventId: `01JAAAAAAAAAAAAAAAAAAAAA${String(++n).padStart(2, '0')}`,
  at: new Date(Date.UTC(2026, 4, 4, 12, 0, n)).toISOString(),
  method: 'delivery-pin',
  decision,
  ...(decision === 'denied' && { reason: 'unknown-code' }),
  ...extra,
});
const ack: CommandAck = { commandId: 'cmd_1', status: 'executed', at: '2026-05-04T12:00:00.000Z', eventId: '01JAAAAAAAAAAAAAAAAAAAAA99' };
const jpegBytes = (tag: number) => Buffer.from([0xff, 0xd8, tag, 0xff, 0xd9]);

/** Records what a flush does; `failOn` makes one call fail once. */
function transport(failOn?: { call: string; times?: number }) {
  const calls: string[] = [];
  const published: AccessEvent[] = [];
  const photos: Buffer[] = [];
  let failures = failOn?.times ?? 1;
  const maybeFail = (call: string) => {
    calls.push(call);
    if (failOn && call.startsWith(failOn.call) && failures > 0) {
      failures--;
      throw new Error(`${call} failed`);
    }
  };
  const t: OutboxTransport = {
    async photoUploadUrl(eventId) {
      maybeFail(`url ${eventId}`);
      return { url: `http://s3/${eventId}`, key: `photos/p/${eventId}.jpg` };
    },
    async putPhoto(url, body) {
      maybeFail(`put ${url}`);
      photos.push(body);
    },
    async publishEvent(e) {
      maybeFail(`event ${e.eventId}`);
      published.push(e);
    },
    async publishAck(a: CommandAck) {
      maybeFail(`ack ${a.commandId}`);
    },
  };
  return { t, calls, published, photos };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panel-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  it('survives a restart with its order and photos', async () => {
    const queue = await EventQueue.open(dir);
    const [e1, e2, e3] = [event('granted'), event('denied'), event('granted')];
    await queue.enqueueEvent(e1, jpegBytes(1));
    await queue.enqueueEvent(e2);
    await queue.enqueueAck(ack);
    await queue.enqueueEvent(e3, jpegBytes(3));
    const reopened = await EventQueue.open(dir);
    const items = reopened.list();
    expect(items.map((i) => (i.kind === 'event' ? i.event.eventId : i.ack.commandId))).toEqual([e1.eventId, e2.eventId, 'cmd_1', e3.eventId]);
    expect(await reopened.readPhoto(items[0]!)).toEqual(jpegBytes(1));
    expect(await reopened.readPhoto(items[1]!)).toBeUndefined();
    expect(await reopened.readPhoto(items[3]!)).toEqual(jpegBytes(3));
    // new items go after the old ones
    const e4 = event('denied');
    await reopened.enqueueEvent(e4);
    expect(reopened.list().at(-1)).toMatchObject({ kind: 'event', event: { eventId: e4.eventId } });
  });

  it('flushes in order: photo URL, PUT, then the event with its photoKey; acks as they come', async () => {
    const queue = await EventQueue.open(dir);
    const [e1, e2] = [event('granted'), event('denied')];
    await queue.enqueueEvent(e1, jpegBytes(1));
    await queue.enqueueAck(ack);
    await queue.enqueueEvent(e2);
    const { t, calls, published, photos } = transport();
    expect(await queue.flush(t)).toEqual({ sent: 3, remaining: 0 });
    expect(calls).toEqual([`url ${e1.eventId}`, `put http://s3/${e1.eventId}`, `event ${e1.eventId}`, 'ack cmd_1', `event ${e2.eventId}`]);
    expect(published[0]).toEqual({ ...e1, photoKey: `photos/p/${e1.eventId}.jpg` });
    expect(published[1]).toEqual(e2);
    expect(photos).toEqual([jpegBytes(1)]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops at the first failure, keeps that item and the rest, and resumes in order', async () => {
    const queue = await EventQueue.open(dir);
    const [e1, e2, e3] = [event('denied'), event('denied'), event('denied')];
    for (const e of [e1, e2, e3]) await queue.enqueueEvent(e);
    const first = transport({ call: `event ${e2.eventId}` });
    await expect(queue.flush(first.t)).rejects.toThrow(/failed/);
    expect(first.published.map((e) => e.eventId)).toEqual([e1.eventId]);
    const reopened = await EventQueue.open(dir); // a crash right after
    expect(reopened.list().map((i) => (i.kind === 'event' ? i.event.eventId : ''))).toEqual([e2.eventId, e3.eventId]);
    const second = transport();
    await reopened.flush(second.t);
    expect(second.published.map((e) => e.eventId)).toEqual([e2.eventId, e3.eventId]);
  });

  it('an event whose PUBACK never came is sent again (the cloud dedupes by eventId), but its photo is not uploaded twice', async () => {
    const queue = await EventQueue.open(dir);
    const e1 = event('granted');
    await queue.enqueueEvent(e1, jpegBytes(1));
    const first = transport({ call: 'event' });
    await expect(queue.flush(first.t)).rejects.toThrow();
    expect(first.calls).toEqual([`url ${e1.eventId}`, `put http://s3/${e1.eventId}`, `event ${e1.eventId}`]);
    const reopened = await EventQueue.open(dir);
    const second = transport();
    await reopened.flush(second.t);
    expect(second.calls).toEqual([`event ${e1.eventId}`]);
    expect(second.published).toEqual([{ ...e1, photoKey: `photos/p/${e1.eventId}.jpg` }]);
  });

  it('a failed photo upload keeps the event queued with its photo', async () => {
    const queue = await EventQueue.open(dir);
    const e1 = event('granted');
    await queue.enqueueEvent(e1, jpegBytes(1));
    await expect(queue.flush(transport({ call: 'put' }).t)).rejects.toThrow();
    expect(queue.size).toBe(1);
    const again = transport();
    await queue.flush(again.t);
    expect(again.calls).toEqual([`url ${e1.eventId}`, `put http://s3/${e1.eventId}`, `event ${e1.eventId}`]);
  });

  it('concurrent flushes share one run and never overtake each other', async () => {
    const queue = await EventQueue.open(dir);
    const [e1, e2, e3] = [event('denied'), event('denied'), event('denied')];
    await queue.enqueueEvent(e1);
    await queue.enqueueEvent(e2);
    const { t, published } = transport();
    const run1 = queue.flush(t);
    const run2 = queue.flush(t);
    expect(run1).toBe(run2);
    const queued = queue.enqueueEvent(e3);
    await run1;
    await queued;
    await queue.flush(t);
    await queue.whenEmpty();
    expect(published.map((e) => e.eventId)).toEqual([e1.eventId, e2.eventId, e3.eventId]);
  });

  it('cleans up crash leftovers: temp files and photos without an item', async () => {
    await writeFile(join(dir, '000000000007.jpg'), jpegBytes(7));
    await writeFile(join(dir, '000000000008.json.abcd.tmp'), '{"half');
    const queue = await EventQueue.open(dir);
    expect(queue.size).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
