import { joinCallMedia, type MediaJoin } from '../iot/panel/call-media.ts';
import { acceptCall, joinAsViewer } from '../local/resident/client.ts';
import { connectRawPanel } from '../test/support/panel-client.ts';
import type { BenchContext } from './lib/context.ts';
import { log, ms, summarize } from './lib/stats.ts';

/**
 * Accept -> first data-channel message at the panel: the panel starts a call (call.start) and
 * joins its KVS channel as MASTER with the session in the reply; then, timed, the resident
 * accepts over the API, joins as VIEWER with the `media` of the reply (the reference resident
 * client), and sends a message as soon as its data channel opens; the clock stops when the
 * panel's call media hands it over. WebRTC over loopback (host candidates on 127.0.0.1),
 * signaling through the local KVS stand-in. Also the parts: accept round trip, viewer joined
 * (signaling connected, offer sent) and data channel open. Then open-door -> the unlock at the
 * panel: the answerer's POST .../open-door until the panel holds the command that releases the door.
 */
export async function callMediaBench(ctx: BenchContext, opts: { calls?: number } = {}) {
  const calls = opts.calls ?? 20;
  const property = await ctx.newProperty('Bench Media Tower');
  const userId = `bench-media-${property.id}`;
  await ctx.expect(201, 'POST', `/properties/${property.id}/residents`, { token: property.tokens.admin, body: { userId, name: 'Media Resident', unit: '9A' } });
  const token = await ctx.token(userId);
  // More calls to one unit than the default call.start limits allow in 10 minutes (maxCallsPerUnit, maxCallsPerPanel).
  await ctx.expect(200, 'PATCH', `/properties/${property.id}/settings`, { token: property.tokens.admin, body: { maxCallsPerUnit: 1000, maxCallsPerPanel: 1000 } });
  const created = await ctx.newPanel(property, 'Bench media panel');
  const ca = created.connection.caPem;
  const panel = await connectRawPanel({ ...created.connection, clientId: created.id });
  const toMessage: number[] = [];
  const acceptMs: number[] = [];
  const joinedMs: number[] = [];
  const openMs: number[] = [];
  const doorMs: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const started = await panel.request<{ ok: boolean; callId: string; media: MediaJoin }>({ protocolVersion: '1.1', op: 'call.start', target: { unit: '9A' } });
      if (!started.ok || !started.media) throw new Error(`call.start: ${JSON.stringify(started)}`);
      const media = await joinCallMedia(started.media, { ca, loopbackOnly: true });
      const first = new Promise<number>((resolve) => media.once('message', () => resolve(performance.now())));
      const t0 = performance.now();
      const accepted = await acceptCall({ url: ctx.info.apiUrl, token }, property.id, started.callId);
      acceptMs.push(performance.now() - t0);
      if (accepted.status !== 200 || !accepted.body.media) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
      const resident = await joinAsViewer(accepted.body.media, { ca, loopbackOnly: true });
      joinedMs.push(performance.now() - t0);
      await resident.opened;
      openMs.push(performance.now() - t0);
      resident.send('hello');
      toMessage.push((await first) - t0);
      const t1 = performance.now();
      const opened = await ctx.expect<{ commandId: string }>(202, 'POST', `/properties/${property.id}/calls/${started.callId}/open-door`, { token });
      await panel.next(`lobby/panels/${created.id}/commands`, (c) => c.commandId === opened.body.commandId);
      doorMs.push(performance.now() - t1);
      await Promise.all([resident.close(), media.close()]);
    }
  } finally {
    await panel.close();
  }
  log(`call media: ${calls} calls, accept -> first data-channel message p50 ${ms(summarize(toMessage).p50)} ms`);
  return {
    what: 'resident accepts over the API -> first data-channel message at the panel (werift over loopback, signaling through the local KVS stand-in; ms)',
    calls,
    acceptToFirstPanelMessageMs: summarize(toMessage, 1),
    acceptRoundTripMs: summarize(acceptMs, 1),
    acceptToViewerJoinedMs: summarize(joinedMs, 1),
    acceptToDataChannelOpenMs: summarize(openMs, 1),
    openDoorToUnlockAtPanelMs: summarize(doorMs, 1),
  };
}
