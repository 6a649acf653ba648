import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createHash } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { identityFromCertificate, type Authorizer, type Identity, type MqttAction } from './identity.ts';
import type { Logger } from './logger.ts';
import type { InactiveCertificates } from './certificate-registry.ts';
import { MAX_MESSAGE_BYTES } from './shadow-service.ts';
import { parseShadowRequestTopic } from './shadow-topics.ts';

export interface BrokerOptions {
  port: number;
  tls: { keyPem: string; certificatePem: string; caPem: string };
  authorizer: Authorizer;
  /** deactivated certificates: refused at connect, and their live connections closed */
  inactive?: InactiveCertificates;
  log: Logger;
  /** every message a connected client published (after authorization) */
  onClientPublish(message: { topic: string; payload: Buffer; clientId: string }): void;
  /** connects and disconnects of authenticated clients, as AWS IoT lifecycle events report them */
  onLifecycle?(event: { eventType: 'connected' | 'disconnected'; clientId: string; clientInitiatedDisconnect?: boolean }): void;
}

export interface Broker {
  port: number;
  /** Publishes as the service itself (no client, no authorization on the way in; Receive still applies). */
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain?: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * An aedes broker behind a mutual-TLS listener on 127.0.0.1, authorizing like IoT Core: the
 * client certificate names the identity, its IoT policy decides Connect (client id), Publish,
 * Subscribe (topic filter) and Receive (every delivered message). A denied publish closes the
 * connection and a denied subscription gets SUBACK 0x80, as IoT Core does for MQTT 3.1.1.
 */
export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const { authorizer, log } = options;
  const identities = new WeakMap<Client, Identity>();
  const allows = (client: Client, action: MqttAction, name: string) => {
    const identity = identities.get(client);
    const allowed = identity !== undefined && authorizer.allows(identity, client.id, action, name);
    if (!allowed) log.warn(`iot: denied ${action} ${name} for client '${client.id}'`);
    return allowed;
  };

  const certificateIds = new Map<Client, string>();
  const aedes = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      const certificate = (client.conn as TLSSocket).getPeerCertificate?.();
      const certificateId = certificate?.raw ? createHash('sha256').update(certificate.raw).digest('hex') : undefined;
      if (options.inactive?.has(certificateId)) {
        log.warn(`iot: refused an inactive certificate for client '${client.id}'`);
        return done(Object.assign(new Error('Not authorized'), { returnCode: 5 }) as AuthenticateError, false);
      }
      if (certificateId) certificateIds.set(client, certificateId);
      const identity = identityFromCertificate(certificate);
      if (identity) identities.set(client, identity);
      if (identity && allows(client, 'Connect', client.id)) return done(null, true);
      done(Object.assign(new Error('Not authorized'), { returnCode: 5 }) as AuthenticateError, false);
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // a stored last will being published after its client left
      done(publishProblem(packet, (action, name) => allows(client, action, name)));
    },
    authorizeSubscribe(client, subscription, done) {
      if (!allows(client, 'Subscribe', subscription.topic)) return done(null, null);
      done(null, { ...subscription, qos: subscription.qos === 2 ? 1 : subscription.qos }); // IoT Core has no QoS 2: downgrade it to 1
    },
    authorizeForward(client, packet) {
      return allows(client, 'Receive', packet.topic) ? packet : null;
    },
  });
  aedes.on('clientDisconnect', (client) => {
    certificateIds.delete(client);
    if (identities.has(client)) options.onLifecycle?.({ eventType: 'disconnected', clientId: client.id, clientInitiatedDisconnect: false });
  });
  aedes.on('clientReady', (client) => {
    if (identities.has(client)) options.onLifecycle?.({ eventType: 'connected', clientId: client.id });
  });
  const inactive = options.inactive;
  inactive?.onChange(() => {
    for (const [client, certificateId] of certificateIds) if (inactive.has(certificateId)) client.close();
  });
  aedes.on('publish', (packet, client) => {
    if (client) options.onClientPublish({ topic: packet.topic, payload: Buffer.from(packet.payload), clientId: client.id });
  });

  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: options.tls.keyPem,
      cert: options.tls.certificatePem,
      ca: [options.tls.caPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (socket) => aedes.handle(socket),
  );
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true); // small MQTT packets: without this, Nagle + delayed ACKs add ~40 ms per exchange
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    publish: (topic, payload, qos, retain = false) =>
      new Promise((resolve, reject) => aedes.publish({ cmd: 'publish', topic, payload, qos, retain, dup: false }, (error) => (error ? reject(error) : resolve()))),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Why a client publish is refused, or null. Beyond the policy, IoT Core's own broker rules apply. */
function publishProblem(packet: { topic: string; payload: Buffer | string; qos: number; retain: boolean }, allows: (action: MqttAction, name: string) => boolean): Error | null {
  if (packet.qos > 1) return new Error('QoS 2 is not supported');
  if (Buffer.byteLength(packet.payload) > MAX_MESSAGE_BYTES) return new Error('payload larger than 128 KB');
  // Reserved topics: of `$...` topics only the shadow requests are emulated (no jobs, basic ingest...).
  if (packet.topic.startsWith('$') && !parseShadowRequestTopic(packet.topic)) return new Error(`reserved topic ${packet.topic}`);
  if (!allows('Publish', packet.topic)) return new Error(`not authorized to publish to ${packet.topic}`);
  // IoT Core requires iot:RetainPublish on top of iot:Publish for a retained message.
  if (packet.retain && !allows('RetainPublish', packet.topic)) return new Error(`not authorized to retain on ${packet.topic}`);
  return null;
}
