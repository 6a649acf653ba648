import type { BenchContext } from './lib/context.ts';
import { distinctPins } from './lib/context.ts';
import { benchAgent } from './lib/panels.ts';
import { log, sleep, summarize } from './lib/stats.ts';

/**
 * `propagation`: how long after the API answers a change does the door act on it. One
 * property, one panel running the reference agent (iot/panel/agent.ts) over MQTT with mTLS.
 * Per trial: create a PIN (clock starts when the 201 arrives) until the panel would grant it;
 * delete it (clock starts at the 204) until the panel would deny it. The panel's decision is
 * read with the agent's side-effect-free credentialFor() every millisecond (hash + map lookup), not by typing the
 * code, so the trials leave no access events behind.
 *
 * The path measured: DynamoDB stream (local poller, 100 ms interval) -> credential-stream
 * handler (new set version, shadow desired) -> shadow delta over MQTT -> panel sync request
 * -> panel-requests handler (delta) -> panel applies and verifies the digest.
 */
export async function propagationBench(ctx: BenchContext, opts: { trials?: number; timeoutMs?: number } = {}) {
  const trials = opts.trials ?? 50;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const property = await ctx.newProperty('Bench Propagation Tower');
  const panel = await ctx.newPanel(property, 'Front door');
  const agent = benchAgent(ctx, property.id, panel);
  await agent.start();
  try {
    if (!agent.connected) throw new Error('panel agent did not connect');
    // The agent's side-effect-free lookup: enter() would also take a photo and queue an event.
    const grants = (code: string) => agent.credentialFor(code) !== undefined;
    const until = async (what: string, ok: () => boolean) => {
      const start = performance.now();
      while (!ok()) {
        if (performance.now() - start > timeoutMs) throw new Error(`propagation: ${what} not seen by the panel within ${timeoutMs} ms`);
        await sleep(1);
      }
      return performance.now() - start;
    };

    const pins = distinctPins(trials + 1, 23);
    const path = `/properties/${property.id}/delivery-pins`;
    const token = property.tokens.admin;
    const grantMs: number[] = [];
    const denyMs: number[] = [];
    const grantFromRequestMs: number[] = [];
    const denyFromRequestMs: number[] = [];
    log(`propagation: ${trials} trials of PIN create -> panel grants, PIN delete -> panel denies (panel ${panel.id})`);
    for (let i = 0; i < trials; i++) {
      const pin = pins[i]!;
      const sent = performance.now();
      const created = await ctx.expect<{ id: string }>(201, 'POST', path, { token, body: { description: `Propagation ${i}`, pin } });
      grantMs.push(await until(`PIN ${i} granted`, () => grants(pin)));
      grantFromRequestMs.push(performance.now() - sent);

      const deleteSent = performance.now();
      await ctx.expect(204, 'DELETE', `${path}/${created.body.id}`, { token });
      denyMs.push(await until(`PIN ${i} denied`, () => !grants(pin)));
      denyFromRequestMs.push(performance.now() - deleteSent);
    }

    // One real keypad entry each way, to check the store lookup agrees with the agent's decision.
    const last = pins[trials]!;
    const created = await ctx.expect<{ id: string }>(201, 'POST', path, { token, body: { description: 'Propagation check', pin: last } });
    await until('check PIN granted', () => grants(last));
    const granted = await agent.enter(last);
    await ctx.expect(204, 'DELETE', `${path}/${created.body.id}`, { token });
    await until('check PIN denied', () => !grants(last));
    const denied = await agent.enter(last);
    const status = agent.status();
    return {
      unit: 'ms',
      createToGrant: summarize(grantMs),
      deleteToDeny: summarize(denyMs),
      fromRequestStart: { createToGrant: summarize(grantFromRequestMs), deleteToDeny: summarize(denyFromRequestMs) },
      details: {
        trials,
        panel: 'PanelAgent (iot/panel/agent.ts), aws-iot-device-sdk-v2 over mTLS to the local IoT Core',
        clockStarts: 'when the API response (201 / 204) has been received; fromRequestStart: when the request was sent',
        decision: 'PanelAgent.credentialFor(code) (hash + map lookup, no event), polled every 1 ms (schedule-free PINs: found = granted)',
        agentEnterCheck: { afterCreate: granted.decision, afterDelete: `${denied.decision}${denied.reason ? ` (${denied.reason})` : ''}` },
        panelSetVersionAtEnd: status.version,
        streamPollIntervalMs: 100,
      },
    };
  } finally {
    await agent.stop();
  }
}
