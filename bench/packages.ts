import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { connectRawPanel } from '../test/support/panel-client.ts';
import type { PanelConnection } from '../functions/adapters/panel-provisioner.ts';
import type { BenchContext } from './lib/context.ts';
import { log, ms, summarize, waitFor } from './lib/stats.ts';

/**
 * A package-room Finish on the local stack, nothing called by hand: a bare MQTT panel of kind
 * package-room publishes the Finish (an access event with `delivery`, as the reference agent
 * does); the panel-messages function records it with the package and its `package-delivered`
 * record in one transaction; the stack's stream mapping hands the record to the notifications
 * function, which sends the e-mail through the SES v2 stand-in and marks it sent.
 * - finishToPackageMs: published -> the package record readable in the table (polled every 5 ms);
 * - finishToQueuedMs: published -> the notification's createdAt (the transaction's clock);
 * - finishToSentMs: published -> its sentAt (SES answered: handed to the provider).
 * One Finish at a time; wall clock at 1 ms resolution.
 */
interface NotificationRow {
  id: string;
  status: string;
  createdAt: string;
  sentAt?: string;
  packageIds?: string[];
}

export async function packagesBench(ctx: BenchContext, opts: { finishes?: number } = {}) {
  const finishes = opts.finishes ?? 30;
  const property = await ctx.newProperty('Bench Package Tower');
  const userId = `bench-res-${property.id}`;
  await ctx.expect(201, 'POST', `/properties/${property.id}/residents`, {
    token: property.tokens.admin,
    body: { userId, name: 'Parcel Resident', unit: '4B', email: `parcel-${property.id.slice(-6).toLowerCase()}@example.com`, notify: ['email'] },
  });
  const created = await ctx.expect<{ id: string; connection: PanelConnection }>(201, 'POST', `/properties/${property.id}/panels`, {
    token: property.tokens.admin,
    body: { name: 'Bench package room', kind: 'package-room' },
  });
  const panel = await connectRawPanel({ ...created.body.connection, clientId: created.body.id });
  const newestNotifications = async () =>
    ((
      await ctx.documents.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :notif)',
          ExpressionAttributeValues: { ':pk': `PROP#${property.id}`, ':notif': 'NOTIF#' },
          ScanIndexForward: false,
          Limit: 5,
          ConsistentRead: true,
        }),
      )
    ).Items ?? []) as NotificationRow[];
  const toPackage: number[] = [];
  const toQueued: number[] = [];
  const toSent: number[] = [];
  try {
    for (let i = 0; i < finishes; i++) {
      const eventId = ulid();
      const packageId = `pkg_${eventId}_0`;
      const t0 = Date.now();
      await panel.publish(`lobby/panels/${created.body.id}/events`, {
        protocolVersion: '1.2',
        eventId,
        at: new Date(t0).toISOString(),
        method: 'call',
        decision: 'granted',
        delivery: { recipients: [{ unit: '4B', count: 1 + (i % 3) }] },
      });
      await waitFor(
        `package ${i} recorded`,
        async () => (await ctx.documents.send(new GetCommand({ TableName: ctx.tableName, Key: { pk: `PROP#${property.id}`, sk: `PKG#${packageId}` }, ConsistentRead: true }))).Item,
        { timeoutMs: 30_000, intervalMs: 5 },
      );
      toPackage.push(Date.now() - t0);
      const sent = await waitFor(`notification ${i} sent`, async () => (await newestNotifications()).find((n) => n.packageIds?.includes(packageId) && n.status === 'sent'), {
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      toQueued.push(Date.parse(sent.createdAt) - t0);
      toSent.push(Date.parse(sent.sentAt ?? '') - t0);
    }
  } finally {
    await panel.close();
  }
  log(`packages: Finish -> package p50 ${ms(summarize(toPackage).p50)} ms, -> e-mail handed to SES p50 ${ms(summarize(toSent).p50)} ms`);
  return {
    what: 'package-room Finish published over MQTT -> package record -> package-delivered record -> e-mail handed to the SES v2 stand-in (ms, wall clock)',
    finishes,
    channel: 'email',
    finishToPackageMs: summarize(toPackage, 1),
    finishToQueuedMs: summarize(toQueued, 1),
    finishToSentMs: summarize(toSent, 1),
  };
}
