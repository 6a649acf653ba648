import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

/**
 * A bare MQTT connection with a panel's identity (mutual TLS, client id = thing
 * name), for tests that speak the panel protocol directly.
 */
export interface RawPanel {
  client: MqttClient;
  messages: Array<{ topic: string; payload: any }>;
  next(topic: string, match?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  request(payload: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  publish(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function connectRawPanel(connection: { mqttUrl: string; clientId: string; certificatePem: string; privateKeyPem: string; caPem?: string }): Promise<RawPanel> {
  const client = await mqtt.connectAsync(connection.mqttUrl, {
    clientId: connection.clientId, cert: connection.certificatePem, key: connection.privateKeyPem, ca: connection.caPem,
    protocolVersion: 4, reconnectPeriod: 0, clean: true,
  });
  // Without no-delay, Nagle adds ~40 ms to every small request/response exchange.
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const base = `lobby/panels/${connection.clientId}`;
  await client.subscribeAsync([`${base}/responses`, `${base}/commands`], { qos: 1 });
  const messages: RawPanel['messages'] = [];
  const waiters: Array<{ topic: string; match: (p: any) => boolean; resolve: (p: any) => void }> = [];
  client.on('message', (topic, buf) => {
    let payload: any;
    try { payload = JSON.parse(buf.toString()); } catch { payload = buf.toString(); }
    messages.push({ topic, payload });
    const i = waiters.findIndex((w) => w.topic === topic && w.match(payload));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(payload);
  });
  const next: RawPanel['next'] = (topic, match = () => true, timeoutMs = 10_000) => {
    const seen = messages.find((m) => m.topic === topic && match(m.payload));
    if (seen) return Promise.resolve(seen.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ topic, match, resolve: (p) => { clearTimeout(timer); resolve(p); } });
    });
  };
  const publish = async (topic: string, payload: unknown) => { await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 }); };
  return {
    client, messages, next, publish,
    async request(payload, timeoutMs) {
      const requestId = randomUUID();
      const reply = next(`${base}/responses`, (p) => p.requestId === requestId, timeoutMs);
      await publish(`${base}/requests`, { requestId, ...payload });
      return reply;
    },
    close: async () => { await client.endAsync(true); },
  };
}
