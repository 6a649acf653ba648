import type { DoorRelease, PanelAgent, PanelAgentConfig } from '../../iot/panel/agent.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import { call, expectOk, type TestProperty } from '../support/api.ts';
import { panelIdentity } from '../support/panel-cli.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { makeAgent, tempDir } from '../panel-agent/support/agents.ts';

export { eventually } from '../support/eventually.ts';

/** A reference panel agent provisioned through the API of the running local stack. */
export interface LivePanel {
  id: string;
  agent: PanelAgent;
  doors: DoorRelease[];
  identity: PanelIdentity;
  stop(): Promise<void>;
}

export async function livePanel(p: TestProperty, opts: { kind?: 'entrance' | 'package-room'; now?: () => Date; config?: PanelAgentConfig } = {}): Promise<LivePanel> {
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Agent door', kind: opts.kind ?? 'entrance' } }));
  const identity = panelIdentity(p.id, created.body);
  const state = await tempDir('lobby-e2e-panel-');
  const { agent, doors } = makeAgent(identity, state.dir, { now: opts.now, config: { heartbeatMs: 1000, ...opts.config } });
  await agent.start();
  return {
    id: identity.panelId,
    agent,
    doors,
    identity,
    stop: async () => {
      await agent.stop();
      await state.remove();
    },
  };
}

/** Whether the panel would recognise this code now, without pressing a key (no event, no lockout count). */
export const knows = (panel: LivePanel, code: string) => panel.agent.credentialFor(code) !== undefined;
