import { IoTDataPlaneClient, PublishCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import type { PanelChannel } from './panel-channel.ts';

/** The IoT data-plane client, one per process; panel-channel.ts loads this module on first use. */
let client: IoTDataPlaneClient | undefined;

export function iotDataOperations(): PanelChannel {
  client ??= new IoTDataPlaneClient({});
  const iot = client;
  return {
    async setDesired(panelId, shadowName, desired) {
      await iot.send(new UpdateThingShadowCommand({
        thingName: panelId, shadowName, payload: Buffer.from(JSON.stringify({ state: { desired } })),
      }));
    },
    async publish(topic, payload) {
      await iot.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(payload)), contentType: 'application/json' }));
    },
  };
}
