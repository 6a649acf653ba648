import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PanelAgent, type DoorRelease, type PanelAgentConfig } from '../../iot/panel/agent.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import { silentLogger } from '../../iot/panel/log.ts';
import { call, expectOk, type TestProperty } from '../support/api.ts';

/** A reference panel agent provisioned through the API of the running local stack. */
export interface LivePanel {
  id: string;
  agent: PanelAgent;
  doors: DoorRelease[];
  identity: PanelIdentity;
  stateDir: string;
  stop(): Promise<void>;
}

export async function livePanel(p: TestProperty, opts: { kind?: 'entrance' | 'package-room'; now?: () => Date; config?: PanelAgentConfig } = {}): Promise<LivePanel> {
  const created = await expectOk(call('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Agent door', kind: opts.kind ?? 'entrance' } }));
  const { connection } = created.body;
  const identity: PanelIdentity = { panelId: created.body.id, propertyId: p.id, kind: created.body.kind, mqttUrl: connection.mqttUrl, certificatePem: connection.certificatePem, privateKeyPem: connection.privateKeyPem, caPem: connection.caPem };
  const stateDir = await mkdtemp(join(tmpdir(), 'lobby-e2e-panel-'));
  const doors: DoorRelease[] = [];
  const agent = new PanelAgent({
    identity, stateDir, now: opts.now,
    config: { log: process.env.PANEL_TEST_LOG ? undefined : silentLogger, heartbeatMs: 1000, ...opts.config },
    onDoorRelease: (release) => doors.push(release),
  });
  await agent.start();
  return { id: identity.panelId, agent, doors, identity, stateDir, stop: async () => { await agent.stop(); await rm(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); } };
}

/** Polls until the check holds (propagation is asynchronous: stream -> shadow -> sync). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Whether the panel would let this code in now, without pressing a key (no event, no lockout count). */
export const knows = (panel: LivePanel, code: string) => panel.agent['store'].lookupCode(code) !== undefined;
