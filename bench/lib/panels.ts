import { join } from 'node:path';
import { PanelAgent } from '../../iot/panel/agent.ts';
import type { CredentialStore } from '../../iot/panel/credential-store.ts';
import { silentLogger } from '../../iot/panel/log.ts';
import type { PanelConnection } from '../../functions/adapters/panel-provisioner.ts';
import type { BenchContext } from './context.ts';

/** The reference panel agent (iot/panel) with the identity the API returned for a new panel. */
export function benchAgent(ctx: BenchContext, propertyId: string, panel: { id: string; connection: PanelConnection }) {
  return new PanelAgent({
    identity: {
      panelId: panel.connection.clientId, propertyId, kind: 'entrance', mqttUrl: panel.connection.mqttUrl,
      certificatePem: panel.connection.certificatePem, privateKeyPem: panel.connection.privateKeyPem, caPem: panel.connection.caPem,
    },
    stateDir: join(ctx.home, 'bench-panels', panel.id),
    config: { log: process.env.BENCH_PANEL_LOG ? undefined : silentLogger },
  });
}

/**
 * The agent's credential store, for a side-effect-free look at what the panel would decide:
 * `enter()` would also take a photo, queue an access event and count keypad failures. The
 * agent has no public lookup, so this reaches its (TypeScript-private) `store` field and
 * fails loudly if the agent's internals change.
 */
export function credentialStoreOf(agent: PanelAgent): CredentialStore {
  const store = (agent as unknown as { store?: CredentialStore }).store;
  if (!store || typeof store.lookupCode !== 'function') throw new Error('PanelAgent has no `store` with lookupCode(): update bench/lib/panels.ts to the agent\'s current API');
  return store;
}
