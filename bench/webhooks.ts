import { ulid } from 'ulid';
import { startWebhookReceiver } from '../local/webhooks-receiver.ts';
import { connectRawPanel } from '../test/support/panel-client.ts';
import type { BenchContext } from './lib/context.ts';
import { log, ms, summarize, waitFor } from './lib/stats.ts';

/**
 * Webhook delivery latency on the local stack, nothing called by hand: a panel publishes an
 * access event over MQTT (the IoT rule stores it, with its access.denied webhook event in the same
 * transaction), the outbox worker's stream mapping fans it out and POSTs it, signed, to a
 * receiver on 127.0.0.1 that verifies the signature with standardwebhooks.
 * - eventToReceiverMs: the panel's publish -> the receiver has it (one event at a time);
 * - committedToReceiverMs: the event's `timestamp` (the cloud's clock when its transaction was built) -> received.
 */
export async function webhooksBench(ctx: BenchContext, opts: { events?: number } = {}) {
  const events = opts.events ?? 50;
  const property = await ctx.newProperty('Bench Hook Tower');
  const receiver = await startWebhookReceiver();
  const created = await ctx.expect<{ secret: string }>(201, 'POST', `/properties/${property.id}/webhooks`, {
    token: property.tokens.admin,
    body: { url: receiver.url, events: ['access.denied'] },
  });
  receiver.secrets = [created.body.secret];
  const panel = await ctx.newPanel(property, 'Bench hook door');
  const mqtt = await connectRawPanel(panel.connection);
  const endToEnd: number[] = [];
  const committed: number[] = [];
  try {
    // One warm-up event (first invocations load the handlers), not counted.
    for (let i = -1; i < events; i++) {
      const eventId = ulid();
      const before = receiver.received.length;
      const t0 = Date.now();
      await mqtt.publish(`lobby/panels/${panel.id}/events`, { eventId, at: new Date().toISOString(), method: 'delivery-pin', decision: 'denied', reason: 'unknown-code' });
      const got = await waitFor('the webhook at the receiver', () => receiver.received.slice(before).find((r) => r.payload?.data.accessEventId === eventId), {
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      if (!got.verifiedWith[0]) throw new Error('a delivery did not verify with the subscription secret');
      if (i < 0) continue;
      endToEnd.push(got.receivedAt - t0);
      committed.push(got.receivedAt - Date.parse(String(got.payload?.timestamp)));
    }
  } finally {
    await mqtt.close();
    await receiver.stop();
  }
  const result = {
    events,
    eventToReceiverMs: summarize(endToEnd),
    committedToReceiverMs: summarize(committed),
    deliveries: receiver.received.length,
    allVerified: receiver.received.every((r) => r.verifiedWith[0]),
  };
  log(`webhooks: event -> receiver p50 ${ms(result.eventToReceiverMs.p50)} ms, p99 ${ms(result.eventToReceiverMs.p99)} ms`);
  return result;
}
