import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { keys } from '../functions/adapters/lobby-table.ts';
import { codeHint } from '../functions/domain/codes.ts';
import { entryFor, panelKeyFor, type CredentialItem } from '../functions/domain/credential-sets.ts';
import type { Stores } from '../functions/domain/stores.ts';
import { setDigest } from '../iot/protocol/credential-hash.ts';
import type { CredentialEntry } from '../iot/protocol/messages.ts';
import { scheduleAllows } from '../iot/protocol/schedule.ts';
import { CredentialStore, type FullSync } from '../iot/panel/credential-store.ts';
import { connectRawPanel, type RawPanel } from '../test/support/panel-client.ts';
import type { BenchContext, BenchProperty } from './lib/context.ts';
import { distinctPins } from './lib/context.ts';
import { log, median, ms, percentile, sleep, waitFor } from './lib/stats.ts';

/**
 * `credentialSet`: what a full sync of a big building costs.
 *
 * Codes are seeded straight into the stack's table (10,000 PINs through the API would take
 * minutes): items shaped exactly as functions/domain/delivery-pins.ts writes them (the PIN,
 * sealed with the stack's code vault, and its CODE# sentinel; no audit records), in
 * BatchWriteItem calls of 25. The stack's own stream processor then folds them into the
 * credential set (measured). A panel then resyncs in full over MQTT exactly as the agent does.
 */
const WEEKDAYS_9_TO_6 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri'>, from: '09:00', to: '18:00' };
/** Every fourth PIN has a schedule: entries of both shapes are in the set. */
const scheduled = (i: number) => i % 4 === 0;

async function seedPins(ctx: BenchContext, property: BenchProperty, pins: string[], offset: number): Promise<CredentialItem[]> {
  const vault = await ctx.vault();
  const pk = keys.property(property.id);
  const now = new Date().toISOString();
  const items: CredentialItem[] = [];
  const writes: Array<Record<string, unknown>> = [];
  pins.forEach((pin, j) => {
    const i = offset + j;
    const id = `pin_${ulid()}`;
    const codeKey = vault.codeKey(property.id, pin);
    const item = {
      pk,
      sk: keys.deliveryPin(id),
      type: 'delivery-pin',
      id,
      description: `Carrier ${i}`,
      pinHint: codeHint(pin),
      schedule: scheduled(i) ? WEEKDAYS_9_TO_6 : null,
      createdAt: now,
      updatedAt: now,
      sealedPin: vault.encrypt(pin),
      codeKey,
    };
    items.push(item as CredentialItem);
    writes.push(item, { pk, sk: keys.code(codeKey), type: 'code', credentialType: 'delivery-pin', credentialId: id });
  });
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < writes.length; i += 25) batches.push(writes.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        let requests: BatchWriteCommandInput['RequestItems'] = { [ctx.tableName]: batches[next++]!.map((Item) => ({ PutRequest: { Item } })) };
        for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
          if (attempt >= 10) throw new Error('BatchWriteItem: items still unprocessed after 10 attempts');
          if (attempt > 0) await sleep(50 * attempt);
          const out: { UnprocessedItems?: BatchWriteCommandInput['RequestItems'] } = await ctx.documents.send(new BatchWriteCommand({ RequestItems: requests }));
          requests = out.UnprocessedItems;
        }
      }
    }),
  );
  return items;
}

interface ResyncSample {
  totalMs: number;
  requestToReplyMs: number;
  downloadAndParseMs: number;
  verifyAndIndexMs: number;
  cloudHandlerMs?: number;
}

/** The stack's own log line for each panel-requests invocation: `panel message` with its duration. */
async function handlerDurations(ctx: BenchContext, panelId: string): Promise<number[]> {
  const text = await readFile(join(ctx.home, 'logs', 'stack.log'), 'utf8').catch(() => '');
  const out: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"panel message"') || !line.includes(panelId) || !line.includes('"panel-requests"')) continue;
    try {
      out.push(JSON.parse(line).ms);
    } catch {
      /* not a JSON line */
    }
  }
  return out;
}

/** One full resync as the agent does it: sync request with nothing held, download, parse, digest check, index. */
async function fullResync(panel: RawPanel): Promise<{ sample: ResyncSample; store: CredentialStore; reply: FullSync; replyBytes: number }> {
  const store = await CredentialStore.open({});
  const start = performance.now();
  const reply = (await panel.request({ op: 'credentials.sync', haveVersion: 0, haveKeyVersion: 0 }, 60_000)) as FullSync;
  const replied = performance.now();
  if (!reply.ok || reply.kind !== 'full') throw new Error(`credentials.sync: expected a full set, got ${JSON.stringify(reply).slice(0, 200)}`);
  const entries = await store.download(reply);
  const downloaded = performance.now();
  store.applyFull(reply, entries); // throws unless the entries match the digest
  const done = performance.now();
  return {
    sample: { totalMs: done - start, requestToReplyMs: replied - start, downloadAndParseMs: downloaded - replied, verifyAndIndexMs: done - downloaded },
    store,
    reply,
    replyBytes: Buffer.byteLength(JSON.stringify(reply)),
  };
}

function lookupTimes(store: CredentialStore, codes: string[]): number[] {
  const out: number[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const start = process.hrtime.bigint();
    store.lookupCode(codes[i]!);
    out[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return out;
}

export async function credentialSetBench(ctx: BenchContext, opts: { sizes?: number[]; trials?: number; lookups?: number } = {}) {
  const sizes = [...(opts.sizes ?? [1_000, 10_000])].sort((a, b) => a - b);
  const trials = opts.trials ?? 5;
  const lookups = opts.lookups ?? 10_000;
  const property = await ctx.newProperty('Bench Credential Set Tower');
  const panel = await ctx.newPanel(property, 'Lobby door');
  const raw = await connectRawPanel(panel.connection);
  const largest = sizes.at(-1)!;
  const allPins = distinctPins(largest + lookups, 101);
  const pins = allPins.slice(0, largest);
  const absent = allPins.slice(largest, largest + lookups);
  const vault = await ctx.vault();
  const domainStores = { vault } as Stores;
  const expected: CredentialEntry[] = [];
  const results: Record<string, unknown> = {};
  let lastStore: CredentialStore | undefined;
  try {
    let seeded = 0;
    for (const size of sizes) {
      const batch = pins.slice(seeded, size);
      log(`credentialSet: seeding ${batch.length} PINs (+ sentinels) into the table -> ${size} codes`);
      const seedStart = performance.now();
      const items = await seedPins(ctx, property, batch, seeded);
      const seedMs = performance.now() - seedStart;
      const head = await ctx.setHead(property.id);
      const panelKey = panelKeyFor(domainStores, property.id, head.keyVersion);
      for (const item of items) expected.push(entryFor(domainStores, item, panelKey, false)!);
      const digest = setDigest(expected);
      log(`credentialSet: waiting for the stream processor to fold them into the set`);
      const versionBefore = head.version;
      const folded = await waitFor(
        `credential set with ${size} codes`,
        async () => {
          const now = await ctx.setHead(property.id);
          return now.digest === digest ? now : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 250 },
      );
      const foldMs = performance.now() - seedStart;
      seeded = size;

      log(`credentialSet: ${trials} full resyncs of ${size} codes`);
      const loggedBefore = (await handlerDurations(ctx, panel.id)).length;
      const samples: ResyncSample[] = [];
      let last: Awaited<ReturnType<typeof fullResync>> | undefined;
      for (let t = 0; t < trials; t++) {
        last = await fullResync(raw);
        if (last.store.size !== size) throw new Error(`full sync: ${last.store.size} entries, expected ${size}`);
        samples.push(last.sample);
      }
      // The handler logs its duration after it has replied: give the last line a moment to reach the log.
      const cloud = await waitFor(
        'panel-requests log lines',
        async () => {
          const all = await handlerDurations(ctx, panel.id);
          return all.length >= loggedBefore + trials ? all.slice(loggedBefore, loggedBefore + trials) : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 100 },
      ).catch(() => [] as number[]);
      const snapshot = Buffer.from(await (await fetch(last!.reply.url)).arrayBuffer());
      const json = gunzipSync(snapshot);
      lastStore = last!.store;
      const med = (f: (s: ResyncSample) => number) => ms(median(samples.map(f)));
      results[String(size)] = {
        codes: size,
        wire: {
          snapshotGzipBytes: snapshot.length,
          snapshotJsonBytes: json.length,
          gzipBytesPerCode: ms(snapshot.length / size, 1),
          jsonBytesPerCode: ms(json.length / size, 1),
          syncReplyMqttBytes: last!.replyBytes,
          cloudReportedBytes: last!.reply.bytes,
        },
        fullResyncMs: {
          // The first request builds the snapshot of this version; later panels share it.
          firstPanel: { totalMs: ms(samples[0]!.totalMs), cloudHandlerMs: cloud.length > 0 ? cloud[0]! : null },
          sharedSnapshotMedian: samples.length > 1 ? ms(median(samples.slice(1).map((s) => s.totalMs))) : null,
          median: med((s) => s.totalMs),
          max: ms(Math.max(...samples.map((s) => s.totalMs))),
          trials,
          medianParts: {
            requestToReply: med((s) => s.requestToReplyMs),
            cloudHandler: cloud.length > 0 ? ms(median(cloud)) : null,
            downloadAndParse: med((s) => s.downloadAndParseMs),
            verifyDigestAndIndex: med((s) => s.verifyAndIndexMs),
          },
        },
        seeding: {
          pinsWritten: batch.length,
          itemsWritten: batch.length * 2,
          batchWriteMs: ms(seedMs, 0),
          streamFoldDoneMs: ms(foldMs, 0),
          setVersionsAdded: folded.version - versionBefore,
          foldedCodesPerSecond: ms(batch.length / (foldMs / 1000), 0),
        },
      };
    }

    log(`credentialSet: ${lookups} keypad lookups against ${largest} codes`);
    const store = lastStore!;
    const hits = pins.slice(0, lookups);
    lookupTimes(store, hits.slice(0, 1000)); // warm up the JIT
    const hitUs = lookupTimes(store, hits);
    const missUs = lookupTimes(store, absent);
    if (hits.some((code) => !store.lookupCode(code)) || absent.some((code) => store.lookupCode(code))) throw new Error('lookup: wrong answer');
    // With the schedule check the agent makes for scheduled PINs (Intl time-zone conversion).
    const withSchedule: number[] = [];
    const at = new Date();
    for (const code of hits.filter((_, i) => scheduled(i)).slice(0, 2_500)) {
      const start = process.hrtime.bigint();
      const entry = store.lookupCode(code)!;
      scheduleAllows(entry.schedule, at, store.timezone);
      withSchedule.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    const us = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { median: ms(percentile(s, 50), 2), p99: ms(percentile(s, 99), 2), n: xs.length };
    };
    return {
      unit: { bytes: 'bytes', time: 'ms', decision: 'µs' },
      sizes: results,
      panelDecision: {
        codesInSet: store.size,
        hit: us(hitUs),
        miss: us(missUs),
        hitWithScheduleCheck: us(withSchedule),
        what: 'CredentialStore.lookupCode(code): HMAC-SHA256(panelKey, code) truncated + Map lookup, timed one by one with process.hrtime',
      },
      details: {
        seeding: 'BatchWriteItem (25 items, 4 in flight) of PIN# items + CODE# sentinels as delivery-pins.ts writes them (sealed with the stack code vault); no AUDIT# items',
        streamFold:
          'the stack stream poller (100 ms) + credential-stream handler fold the new PINs into the set; done when the set head digest equals the digest of all seeded entries; streamFoldDoneMs is measured from the first BatchWriteItem',
        fullResync:
          'raw MQTT panel: credentials.sync {haveVersion 0, haveKeyVersion 0} -> reply with a presigned S3 URL (cloud queried the table, decrypted and hashed every code, gzip, S3 put) -> CredentialStore.download (fetch, gunzip, JSON.parse, shape check) -> CredentialStore.applyFull (digest verified, hash index built); cloudHandler is the panel-requests handler duration from the stack log',
        entryMix: 'delivery PINs, every fourth with a weekday 09:00-18:00 schedule',
        syncPath: 'end to end through MQTT and the panel-requests handler (not syncFor called directly)',
      },
    };
  } finally {
    await raw.close().catch(() => {});
  }
}
