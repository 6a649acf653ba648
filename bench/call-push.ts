import { connectRawPanel } from '../test/support/panel-client.ts';
import { readPushLog } from '../local/sns/server.ts';
import type { BenchContext } from './lib/context.ts';
import { log, ms, summarize } from './lib/stats.ts';

/**
 * Call button -> push logged: a panel publishes call.start for a unit whose two residents have
 * three devices (APNs VoIP, FCM); the time until the SNS stand-in has logged the push to each
 * device (its `at`, same clock). Also the call.start round trip the panel sees. Each call is ended
 * before the next, so every call rings the same devices.
 */
export async function callPushBench(ctx: BenchContext, opts: { calls?: number } = {}) {
  const calls = opts.calls ?? 40;
  const property = await ctx.newProperty('Bench Push Tower');
  const residents = [`bench-res-a-${property.id}`, `bench-res-b-${property.id}`];
  for (const [i, userId] of residents.entries()) {
    await ctx.expect(201, 'POST', `/properties/${property.id}/residents`, { token: property.tokens.admin, body: { userId, name: `Resident ${i}`, unit: '7C' } });
  }
  const hex = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);
  const devices: Array<[string, 'apns' | 'fcm', string]> = [
    [residents[0] ?? '', 'apns', hex(`a-${property.id}`)],
    [residents[0] ?? '', 'fcm', `fcm:${property.id}-bench-android`],
    [residents[1] ?? '', 'apns', hex(`b-${property.id}`)],
  ];
  for (const [userId, platform, token] of devices) {
    await ctx.expect(201, 'POST', `/properties/${property.id}/me/devices`, { token: await ctx.token(userId), body: { platform, token } });
  }
  // More calls to one unit than the default call.start limits allow in 10 minutes (maxCallsPerUnit, maxCallsPerPanel).
  await ctx.expect(200, 'PATCH', `/properties/${property.id}/settings`, { token: property.tokens.admin, body: { maxCallsPerUnit: 1000, maxCallsPerPanel: 1000 } });
  const created = await ctx.newPanel(property, 'Bench call panel');
  const panel = await connectRawPanel({ ...created.connection, clientId: created.id });
  const toFirstPush: number[] = [];
  const toLastPush: number[] = [];
  const roundTrip: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const t0 = Date.now();
      const p0 = performance.now();
      const started = await panel.request<{ ok: boolean; callId: string; rang: number }>({ protocolVersion: '1.0', op: 'call.start', target: { unit: '7C' } });
      roundTrip.push(performance.now() - p0);
      if (!started.ok || started.rang !== devices.length) throw new Error(`call.start: ${JSON.stringify(started)}`);
      const pushes = (await readPushLog(ctx.info.pushLog)).filter((e) => JSON.stringify(e.payload).includes(started.callId));
      if (pushes.length < devices.length) throw new Error(`call ${i}: ${pushes.length} pushes logged, expected ${devices.length}`);
      const times = pushes.slice(0, devices.length).map((e) => Date.parse(e.at) - t0);
      toFirstPush.push(Math.min(...times));
      toLastPush.push(Math.max(...times));
      await panel.request({ protocolVersion: '1.0', op: 'call.end', callId: started.callId });
    }
  } finally {
    await panel.close();
  }
  log(`call push: ${calls} calls, first push p50 ${ms(summarize(toFirstPush).p50)} ms`);
  return {
    what: 'panel call.start -> push logged by the local SNS stand-in (3 devices of 2 residents; ms, wall clock at 1 ms resolution)',
    calls,
    devicesPerCall: devices.length,
    callButtonToFirstPushMs: summarize(toFirstPush, 1),
    callButtonToLastPushMs: summarize(toLastPush, 1),
    callStartRoundTripMs: summarize(roundTrip, 1),
  };
}
