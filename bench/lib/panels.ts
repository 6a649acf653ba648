import { join } from 'node:path';
import { PanelAgent } from '../../iot/panel/agent.ts';
import { silentLogger } from '../../iot/panel/log.ts';
import type { PanelConnection } from '../../functions/adapters/panel-provisioner.ts';
import type { BenchContext } from './context.ts';

/** The reference panel agent (iot/panel) with the identity the API returned for a new panel. */
export function benchAgent(ctx: BenchContext, propertyId: string, panel: { id: string; connection: PanelConnection }) {
  return new PanelAgent({
    identity: {
      panelId: panel.connection.clientId,
      propertyId,
      kind: 'entrance',
      mqttUrl: panel.connection.mqttUrl,
      certificatePem: panel.connection.certificatePem,
      privateKeyPem: panel.connection.privateKeyPem,
      caPem: panel.connection.caPem,
    },
    stateDir: join(ctx.home, 'bench-panels', panel.id),
    config: { log: process.env.BENCH_PANEL_LOG ? undefined : silentLogger },
  });
}
