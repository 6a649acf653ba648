import { IoTDataPlaneClient, PublishCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { PROTOCOL_VERSION } from '../../iot/protocol/version.ts';
import type { PanelChannel } from './panel-channel.ts';
import { traceWhenSampled } from './tracing.ts';

/**
 * The IoT data-plane client, one per process; panel-channel.ts loads this module on first use.
 * Everything the cloud sends a panel (desired state, commands, replies) is stamped with the
 * protocol version here, the one place it leaves, so a panel can refuse another major.
 */
let client: IoTDataPlaneClient | undefined;

export function iotDataOperations(): PanelChannel {
  client ??= traceWhenSampled(new IoTDataPlaneClient({}));
  const iot = client;
  return {
    async setDesired(panelId, shadowName, desired) {
      await iot.send(
        new UpdateThingShadowCommand({
          thingName: panelId,
          shadowName,
          payload: Buffer.from(JSON.stringify({ state: { desired: { protocolVersion: PROTOCOL_VERSION, ...desired } } })),
        }),
      );
    },
    async publish(topic, payload) {
      await iot.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(stamped(payload))), contentType: 'application/json' }));
    },
  };
}

const stamped = (payload: unknown): unknown =>
  typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? { protocolVersion: PROTOCOL_VERSION, ...payload } : payload;
