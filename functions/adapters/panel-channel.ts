import type { PanelChannel } from '../domain/stores.ts';
import { onFirstUse } from './on-first-use.ts';

export type { PanelChannel };

/** The IoT data-plane client is imported on the first call (its own chunk), not when the function loads. */
export function iotPanelChannel(): PanelChannel {
  return onFirstUse(async () => (await import('./iot-data.ts')).iotDataOperations(), { setDesired: true, publish: true });
}
