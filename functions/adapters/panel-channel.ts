import { IoTDataPlaneClient, PublishCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';

/** The cloud's side of the panel connection: shadows and topics, through the IoT data plane. */
export interface PanelChannel {
  setDesired(panelId: string, shadowName: string, desired: Record<string, unknown>): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void>;
}

let client: IoTDataPlaneClient | undefined;

export function iotPanelChannel(): PanelChannel {
  client ??= new IoTDataPlaneClient({});
  return {
    async setDesired(panelId, shadowName, desired) {
      await client!.send(new UpdateThingShadowCommand({
        thingName: panelId, shadowName, payload: Buffer.from(JSON.stringify({ state: { desired } })),
      }));
    },
    async publish(topic, payload) {
      await client!.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(payload)), contentType: 'application/json' }));
    },
  };
}
