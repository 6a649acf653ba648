import type { PanelProvisioner } from './panel-provisioner.ts';

/**
 * The provisioner the environment selects (panel-provisioner.ts provisionerFromEnv), with its
 * module and the IoT control-plane client imported on the first create or decommission, not
 * when the panels function loads: its other routes never need them.
 */
export function provisionerOnFirstUse(): PanelProvisioner {
  let loaded: Promise<PanelProvisioner> | undefined;
  const load = () => (loaded ??= import('./panel-provisioner.ts').then((m) => m.provisionerFromEnv()));
  return {
    provision: async (panelId, propertyId) => (await load()).provision(panelId, propertyId),
    decommission: async (panelId, certificate) => (await load()).decommission(panelId, certificate),
  };
}
