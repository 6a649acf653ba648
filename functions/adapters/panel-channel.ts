import { onFirstUse } from './on-first-use.ts';

/** The cloud's side of the panel connection: shadows and topics, through the IoT data plane. */
export interface PanelChannel {
  setDesired(panelId: string, shadowName: string, desired: Record<string, unknown>): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void>;
}

/** The IoT data-plane client is imported on the first call (its own chunk), not when the function loads. */
export function iotPanelChannel(): PanelChannel {
  return onFirstUse(async () => (await import('./iot-data.ts')).iotDataOperations(), { setDesired: true, publish: true });
}
