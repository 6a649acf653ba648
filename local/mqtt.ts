import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { listen } from './listen.ts';

/** The local MQTT broker (replaced by the IoT Core stand-in in iot/local-core). */
export async function startMqtt(opts: { port: number; iotDataPort: number; dataDir: string }) {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await listen(server, opts.port, 'MQTT');
  return {
    mqttUrl: `mqtt://127.0.0.1:${opts.port}`,
    dataPlaneEndpoint: `http://127.0.0.1:${opts.iotDataPort}`,
    stop: () => new Promise<void>((resolve) => { server.close(); broker.close(() => resolve()); }),
  };
}
