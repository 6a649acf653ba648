import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalIotCore, RuleMessage } from '../../iot/local-core/index.ts';
import { presenceRule } from '../../functions/iot/rules.ts';
import { connectMqtt, eventually, type recordingLogger, startTestCore } from './helpers.ts';

/**
 * AWS IoT lifecycle events: the stand-in publishes $aws/events/presence/{connected,disconnected}/<clientId>
 * for authenticated clients, so the presence rule (functions/iot/rules.ts) runs locally as in AWS.
 */
describe('lifecycle events', () => {
  let core: LocalIotCore;
  let log: ReturnType<typeof recordingLogger>;
  const seen: RuleMessage[] = [];

  beforeAll(async () => {
    const rule = presenceRule();
    ({ core, log } = await startTestCore({ rules: [{ name: rule.name, topicFilter: rule.topicFilter, handle: async (m) => void seen.push(m) }] }));
  });
  afterAll(() => core?.stop());

  const events = () => seen.map((m) => ({ topic: m.topic, ...JSON.parse(Buffer.from(m.payload).toString('utf8')) }));

  it('a panel connecting and disconnecting reaches the presence rule as connected, then disconnected', async () => {
    const panel = await connectMqtt(core, await core.issueThingCertificate('panel-L'), 'panel-L');
    await eventually(() => events().some((e) => e.eventType === 'connected'));
    await new Promise<void>((resolve) => panel.end(false, {}, () => resolve()));
    await eventually(() => events().some((e) => e.eventType === 'disconnected'));
    const [connected, disconnected] = events();
    expect(connected).toMatchObject({ topic: '$aws/events/presence/connected/panel-L', clientId: 'panel-L', eventType: 'connected' });
    expect(disconnected).toMatchObject({ topic: '$aws/events/presence/disconnected/panel-L', clientId: 'panel-L', eventType: 'disconnected' });
    expect(disconnected.timestamp).toBeGreaterThanOrEqual(connected.timestamp);
  });

  it('a client refused at connect produces no event', async () => {
    const before = seen.length;
    await expect(connectMqtt(core, await core.issueThingCertificate('panel-M'), 'not-panel-M')).rejects.toThrow();
    await core.idle();
    expect(seen.length).toBe(before);
    expect(log.lines.some((l: string) => l.includes('denied Connect'))).toBe(true);
  });
});
