/** The cloud's side of the panel connection: shadows and topics, through the IoT data plane. */
export interface PanelChannel {
  setDesired(panelId: string, shadowName: string, desired: Record<string, unknown>): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void>;
}

let operations: Promise<PanelChannel> | undefined;

/** The IoT data-plane client is imported on the first call (its own chunk), not when the function loads. */
export function iotPanelChannel(): PanelChannel {
  const iot = () => (operations ??= import('./iot-data.ts').then((m) => m.iotDataOperations()));
  return {
    setDesired: async (panelId, shadowName, desired) => (await iot()).setDesired(panelId, shadowName, desired),
    publish: async (topic, payload) => (await iot()).publish(topic, payload),
  };
}
