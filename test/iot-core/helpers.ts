import mqtt, { type MqttClient } from 'mqtt';
import { startLocalIotCore, type LocalIotCore, type LocalIotCoreOptions, type ThingCredentials } from '../../iot/local-core/index.ts';

/** A logger that records instead of printing (denials are expected in these tests). */
export function recordingLogger() {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      lines.push([level, message, ...details.map((detail) => (detail instanceof Error ? detail.message : String(detail)))].join(' '));
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}

export async function startTestCore(options: LocalIotCoreOptions = {}) {
  const log = recordingLogger();
  const core = await startLocalIotCore({ log, ...options });
  return { core, log };
}

/** MQTT.js over mutual TLS, MQTT 3.1.1 like IoT Core devices. Rejects when the broker refuses or hangs up. */
export function connectMqtt(core: LocalIotCore, credentials: ThingCredentials, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(core.mqttUrl, {
    key: credentials.privateKeyPem,
    cert: credentials.certificatePem,
    ca: credentials.caPem,
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      client.off('close', closed);
      client.end(true);
      reject(error);
    };
    // A TLS 1.3 server rejects a client certificate after the handshake: the socket just closes.
    const closed = () => fail(new Error('connection closed before CONNACK'));
    client.once('connect', () => {
      // Without it Nagle holds a publish behind our own PUBACKs for a delayed-ACK period (~40 ms).
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      client.off('error', fail).off('close', closed);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', closed);
  });
}

/** Collects messages per topic; `next(topic)` waits for the next unseen one and parses it as JSON. */
export function inbox(client: MqttClient) {
  const received: Array<{ topic: string; payload: Buffer }> = [];
  const waiters: Array<() => void> = [];
  client.on('message', (topic, payload) => {
    received.push({ topic, payload });
    for (const wake of waiters.splice(0)) wake();
  });
  const taken = new Set<number>();
  return {
    received,
    /** The next message on a topic, parsed; T names what the test expects there (its assertions check it). */
    async next<T = unknown>(topic: string, timeoutMs = 2000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((message, i) => message.topic === topic && !taken.has(i));
        if (index >= 0) {
          taken.add(index);
          return JSON.parse(received[index].payload.toString()) as T;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message on ${topic} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    topics: () => received.map((message) => message.topic),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition()` holds (polling), failing after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
