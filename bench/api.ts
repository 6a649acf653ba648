import type { BenchContext } from './lib/context.ts';
import { distinctPins } from './lib/context.ts';
import { log, summarize } from './lib/stats.ts';

/**
 * `api`: latency of creating and of listing delivery PINs through the local API Gateway
 * (HTTP, JWT check, the delivery-pins Lambda handler in a warm container, DynamoDB Local),
 * one call at a time, as an admin tool would call it.
 */
export async function apiBench(ctx: BenchContext, opts: { calls?: number; warmup?: number } = {}) {
  const calls = opts.calls ?? 200;
  const warmup = opts.warmup ?? 5;
  const property = await ctx.newProperty('Bench API Tower');
  const token = property.tokens.admin;
  const pins = distinctPins(calls + warmup, 7);
  const path = `/properties/${property.id}/delivery-pins`;

  const create = async (i: number) => {
    const start = performance.now();
    const reply = await ctx.call('POST', path, { token, body: { description: `Bench carrier ${i}`, pin: pins[i] } });
    const elapsed = performance.now() - start;
    if (reply.status !== 201) throw new Error(`create PIN: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
    return elapsed;
  };
  const list = async () => {
    const start = performance.now();
    const reply = await ctx.call<{ items: unknown[] }>('GET', path, { token });
    const elapsed = performance.now() - start;
    if (reply.status !== 200) throw new Error(`list PINs: ${reply.status}`);
    return { elapsed, items: reply.body.items.length };
  };

  log(`api: ${warmup} warm-up calls, then ${calls} PIN creates`);
  for (let i = 0; i < warmup; i++) {
    await create(i);
    await list();
  }
  const createMs: number[] = [];
  for (let i = warmup; i < warmup + calls; i++) createMs.push(await create(i));
  // The creates queued stream work (credential set versions); let it finish before listing.
  await ctx.streamIdle(property.id);
  log(`api: ${calls} PIN lists`);
  const listMs: number[] = [];
  let pageItems = 0;
  for (let i = 0; i < calls; i++) {
    const { elapsed, items } = await list();
    listMs.push(elapsed);
    pageItems = items;
  }
  return {
    unit: 'ms',
    createDeliveryPin: summarize(createMs),
    listDeliveryPins: summarize(listMs),
    details: {
      sequential: true,
      warmupCallsExcluded: warmup,
      pinsInPropertyWhenListing: calls + warmup,
      listPageSize: pageItems,
      createRunsConcurrentlyWithStreamProcessing: true,
    },
  };
}
