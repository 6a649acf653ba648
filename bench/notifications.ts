import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { queuedNotificationItem } from '../functions/adapters/notification-repository.ts';
import type { NotificationChannel, QueuedNotification } from '../functions/domain/notifications.ts';
import { storedMails } from '../local/ses.ts';
import { readSmsLog } from '../local/sms/server.ts';
import type { BenchContext } from './lib/context.ts';
import { log, ms, summarize, waitFor } from './lib/stats.ts';

/**
 * The notifications outbox on the local stack, nothing called by hand: records are written to the
 * table as a producer's transaction writes them (queuedNotificationItem), the stack's stream
 * mapping hands them to the notifications function, which sends through the SES v2 / SMS
 * stand-ins and marks them sent.
 * - latency: one record at a time, queued (the write returned) -> `sentAt` on the record (the
 *   provider answered), for e-mail and SMS;
 * - throughput: a burst of records written 25 at a time; notifications/s from the first write to
 *   the last `sentAt`, with every mail checked in the SES stand-in (exactly one per record).
 */
interface Row {
  id: string;
  status: string;
  sentAt?: string;
  createdAt: string;
}

export async function notificationsBench(ctx: BenchContext, opts: { latencySamples?: number; burst?: number } = {}) {
  const samples = opts.latencySamples ?? 30;
  const burst = opts.burst ?? 300;
  const property = await ctx.newProperty('Bench Mail Tower');
  const record = (channel: NotificationChannel, to: string): QueuedNotification => ({
    id: `ntf_${ulid()}`,
    propertyId: property.id,
    residentId: 'res_bench',
    kind: 'package-delivered',
    channel,
    to,
    status: 'queued',
    attempts: 0,
    createdAt: new Date().toISOString(),
  });
  const get = async (id: string) =>
    (
      await ctx.documents.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': `PROP#${property.id}`, ':sk': `NOTIF#${id}` },
        }),
      )
    ).Items?.[0] as Row | undefined;
  const all = async (): Promise<Row[]> => {
    const rows: Row[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ctx.documents.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :notif)',
          ExpressionAttributeValues: { ':pk': `PROP#${property.id}`, ':notif': 'NOTIF#' },
          ExclusiveStartKey: start,
        }),
      );
      rows.push(...((page.Items ?? []) as Row[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  };

  // ---- latency, one at a time -----------------------------------------------------------
  const latency: Record<'email' | 'sms', number[]> = { email: [], sms: [] };
  for (let i = 0; i < samples; i++) {
    for (const channel of ['email', 'sms'] as const) {
      const n = record(channel, channel === 'email' ? `bench-${i}@example.com` : `+1555010${String(1000 + i).slice(-4)}`);
      await ctx.documents.send(new PutCommand({ TableName: ctx.tableName, Item: queuedNotificationItem(n) }));
      const queuedAt = Date.now();
      const sent = await waitFor(
        `${channel} record ${i} sent`,
        async () => {
          const row = await get(n.id);
          return row?.status === 'sent' && row;
        },
        { timeoutMs: 30_000, intervalMs: 5 },
      );
      latency[channel].push(Date.parse(sent.sentAt ?? '') - queuedAt);
    }
  }
  const texts = (await readSmsLog(ctx.info.smsLog)).filter((t) => t.body.includes('Bench Mail Tower'));
  if (texts.length !== samples) throw new Error(`SMS stand-in: ${texts.length} texts, expected ${samples}`);
  log(`notifications: e-mail queued -> sent p50 ${ms(summarize(latency.email).p50)} ms, SMS p50 ${ms(summarize(latency.sms).p50)} ms`);

  // ---- throughput, a burst ---------------------------------------------------------------
  const records = Array.from({ length: burst }, (_, i) => record('email', `burst-${i}-${property.id.slice(-6).toLowerCase()}@example.com`));
  const t0 = Date.now();
  for (let i = 0; i < records.length; i += 25) {
    const chunk = records.slice(i, i + 25);
    await ctx.documents.send(new BatchWriteCommand({ RequestItems: { [ctx.tableName]: chunk.map((n) => ({ PutRequest: { Item: queuedNotificationItem(n) } })) } }));
  }
  const writtenMs = Date.now() - t0;
  const ids = new Set(records.map((n) => n.id));
  const done = await waitFor(
    'the burst sent',
    async () => {
      const rows = (await all()).filter((r) => ids.has(r.id));
      return rows.length === burst && rows.every((r) => r.status === 'sent') && rows;
    },
    { timeoutMs: 300_000, intervalMs: 250 },
  );
  const lastSent = Math.max(...done.map((r) => Date.parse(r.sentAt ?? '')));
  const burstLatency = done.map((r) => Date.parse(r.sentAt ?? '') - Date.parse(r.createdAt));
  const suffix = property.id.slice(-6).toLowerCase();
  const mails = (await storedMails(ctx.info.sesEndpoint)).filter((m) => m.destination.to.some((to) => to.startsWith('burst-') && to.includes(`-${suffix}@`)));
  if (mails.length !== burst) throw new Error(`SES stand-in: ${mails.length} mails for the burst, expected ${burst}`);
  const seconds = (lastSent - t0) / 1000;
  log(`notifications: ${burst} e-mails in ${ms(seconds)} s (${ms(burst / seconds, 1)}/s)`);

  return {
    what: 'notifications outbox on the local stack: table write -> stream -> notifications function -> SES v2 / SMS stand-in -> record sent (ms, wall clock)',
    queuedToSentMs: { email: summarize(latency.email, 1), sms: summarize(latency.sms, 1), samplesEach: samples },
    burst: {
      records: burst,
      channel: 'email',
      writeMs: writtenMs,
      firstWriteToLastSentMs: lastSent - t0,
      notificationsPerSecond: ms(burst / seconds, 1),
      createdToSentMs: summarize(burstLatency, 0),
      mailsInStandIn: mails.length,
    },
  };
}
