import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

/**
 * A bare MQTT connection with a panel's identity (mutual TLS, client id = thing
 * name), for tests that speak the panel protocol directly.
 */
export interface RawPanel {
  client: MqttClient;
  messages: Array<{ topic: string; payload: unknown }>;
  /** The next message on a topic; T names what the test expects there (test/support/contract.ts), its assertions check it. */
  next<T = unknown>(topic: string, match?: (payload: Fields) => boolean, timeoutMs?: number): Promise<T>;
  request<T = unknown>(payload: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  publish(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

type Fields = Record<string, unknown>;
/** A message's fields for a match function (a payload that is not a JSON object has none). */
const fields = (payload: unknown): Fields => (typeof payload === 'object' && payload !== null ? (payload as Fields) : {});

export async function connectRawPanel(connection: { mqttUrl: string; clientId: string; certificatePem: string; privateKeyPem: string; caPem?: string }): Promise<RawPanel> {
  const client = await mqtt.connectAsync(connection.mqttUrl, {
    clientId: connection.clientId,
    cert: connection.certificatePem,
    key: connection.privateKeyPem,
    ca: connection.caPem,
    protocolVersion: 4,
    reconnectPeriod: 0,
    clean: true,
  });
  // Without no-delay, Nagle adds ~40 ms to every small request/response exchange.
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const base = `lobby/panels/${connection.clientId}`;
  await client.subscribeAsync([`${base}/responses`, `${base}/commands`], { qos: 1 });
  const messages: RawPanel['messages'] = [];
  const waiters: Array<{ topic: string; match: (p: Fields) => boolean; resolve: (p: unknown) => void }> = [];
  client.on('message', (topic, buf) => {
    let payload: unknown;
    try {
      payload = JSON.parse(buf.toString());
    } catch {
      payload = buf.toString();
    }
    messages.push({ topic, payload });
    const i = waiters.findIndex((w) => w.topic === topic && w.match(fields(payload)));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(payload);
  });
  const next = <T = unknown>(topic: string, match: (payload: Fields) => boolean = () => true, timeoutMs = 10_000): Promise<T> => {
    const seen = messages.find((m) => m.topic === topic && match(fields(m.payload)));
    if (seen) return Promise.resolve(seen.payload as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        topic,
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as T);
        },
      });
    });
  };
  const publish = async (topic: string, payload: unknown) => {
    await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  };
  return {
    client,
    messages,
    next,
    publish,
    async request<T = unknown>(payload: Record<string, unknown>, timeoutMs?: number) {
      const requestId = randomUUID();
      const reply = next<T>(`${base}/responses`, (p) => p.requestId === requestId, timeoutMs);
      await publish(`${base}/requests`, { requestId, ...payload });
      return reply;
    },
    close: async () => {
      await client.endAsync(true);
    },
  };
}
