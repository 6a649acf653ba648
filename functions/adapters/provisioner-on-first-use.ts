import { onFirstUse } from './on-first-use.ts';
import type { PanelProvisioner } from './panel-provisioner.ts';

/**
 * The provisioner the environment selects (panel-provisioner.ts provisionerFromEnv), with its
 * module and the IoT control-plane client imported on the first create or decommission, not
 * when the panels function loads: its other routes never need them.
 */
export function provisionerOnFirstUse(): PanelProvisioner {
  return onFirstUse(async () => (await import('./panel-provisioner.ts')).provisionerFromEnv(), { provision: true, decommission: true });
}
