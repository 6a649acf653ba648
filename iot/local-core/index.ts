import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { panelPolicyDocument } from '../policy/panel-policy.ts';
import { presenceTopic } from '../protocol/topics.ts';
import type { IotPolicyDocument } from '../policy/policy-document.ts';
import { startBroker, type Broker } from './broker.ts';
import { InactiveCertificates } from './certificate-registry.ts';
import { startDataPlane, type DataPlane } from './data-plane.ts';
import { Authorizer } from './identity.ts';
import { openLocalCa, type ThingCredentials } from './local-ca.ts';
import type { Logger } from './logger.ts';
import { MessageRouter } from './message-router.ts';
import { RuleDispatcher, type TopicRule } from './rules.ts';
import { ShadowService } from './shadow-service.ts';
import { ShadowStore } from './shadow-store.ts';

export type { ThingCredentials } from './local-ca.ts';
export { openLocalCa, type LocalCa } from './local-ca.ts';
export type { Logger } from './logger.ts';
export type { RuleMessage, TopicRule } from './rules.ts';
export { ShadowError } from './shadow-errors.ts';
export type { ShadowRef } from './shadow-topics.ts';

export interface LocalIotCoreOptions {
  /** MQTT over mutual TLS on 127.0.0.1; 0 (default) picks a free port */
  mqttPort?: number;
  /** data-plane HTTP API on 127.0.0.1; 0 (default) picks a free port */
  httpPort?: number;
  /** keeps the CA (`ca/`) and the shadows (`shadows.json`) across restarts; without it both are temporary */
  dataDir?: string;
  rules?: TopicRule[];
  /** used in policy ARNs; defaults us-east-1 / 000000000000 */
  region?: string;
  account?: string;
  /** policy for thing certificates; defaults to the panel policy the CDK stack deploys */
  thingPolicy?: IotPolicyDocument;
  /** defaults to console */
  log?: Logger;
}

export interface LocalIotCore {
  /** `mqtts://127.0.0.1:{port}`: clients need a certificate from issueThingCertificate / issueBackendCertificate */
  mqttUrl: string;
  mqttHost: '127.0.0.1';
  mqttPort: number;
  /** for `new IoTDataPlaneClient({ endpoint })` */
  dataPlaneEndpoint: string;
  region: string;
  account: string;
  /** the CA that signs the broker's and the clients' certificates */
  caPem: string;
  issueThingCertificate(thingName: string): Promise<ThingCredentials>;
  issueBackendCertificate(name?: string): Promise<ThingCredentials>;
  /** Publishes as the backend: reaches subscribers, topic rules and (on shadow request topics) the shadow service. */
  publish(topic: string, payload: string | Uint8Array, qos?: 0 | 1): Promise<void>;
  /**
   * Read-only access to shadows in process (`get` throws a ShadowError 404 for a missing one).
   * Writes go through MQTT, the data plane or `publish`, so that devices hear about them.
   */
  shadows: Pick<ShadowService, 'get' | 'listNamedShadows'>;
  /** resolves when no shadow reply is being published and no topic-rule action is running */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the local stand-in for AWS IoT Core: MQTT broker with shadows, rules and policies, plus the data-plane API. */
export async function startLocalIotCore(options: LocalIotCoreOptions = {}): Promise<LocalIotCore> {
  const log = options.log ?? console;
  const env = { region: options.region ?? 'us-east-1', account: options.account ?? '000000000000' };
  const rules = new RuleDispatcher(options.rules ?? [], log); // validates the rules before anything starts
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lobby-iot-')));
  const tempDir = options.dataDir === undefined ? dataDir : undefined; // ours to remove on stop
  let broker: Broker | undefined;
  let stopping = false;
  let dataPlane: DataPlane | undefined;
  const removeTempDir = async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };

  try {
    const ca = await openLocalCa(dataDir);
    const store = await ShadowStore.open(options.dataDir && join(options.dataDir, 'shadows.json'), (error) => log.error('iot: saving shadows failed', error));
    const shadows = new ShadowService(store);
    const router = new MessageRouter(shadows, rules, log);
    const mqtt = await startBroker({
      port: options.mqttPort ?? 0,
      tls: { keyPem: ca.server.keyPem, certificatePem: ca.server.certificatePem, caPem: ca.caPem },
      authorizer: new Authorizer(env, options.thingPolicy ?? panelPolicyDocument(env)),
      inactive: await InactiveCertificates.open(dataDir),
      log,
      onClientPublish: ({ topic, payload, clientId }) => router.delivered(topic, payload, clientId),
      // AWS IoT lifecycle events, published by the service on $aws/events/presence/... (rules see them).
      onLifecycle: ({ eventType, clientId, clientInitiatedDisconnect }) => {
        if (stopping) return; // the broker closing drops every client: not news
        const event = {
          clientId,
          timestamp: Date.now(),
          eventType,
          versionNumber: 0,
          ...(eventType === 'disconnected' ? { clientInitiatedDisconnect, disconnectReason: 'CONNECTION_LOST' } : {}),
        };
        router
          .publish(presenceTopic(eventType, clientId), Buffer.from(JSON.stringify(event)), 1)
          .catch((error: unknown) => log.error('iot: publishing a lifecycle event failed', error));
      },
    });
    broker = mqtt;
    router.attach(mqtt);
    const http = await startDataPlane({
      port: options.httpPort ?? 0,
      shadows,
      publish: (topic, payload, qos, retain) => router.publish(topic, payload, qos, retain),
      broadcast: (messages) => router.announce(messages),
      log,
    });
    dataPlane = http;

    return {
      mqttUrl: `mqtts://127.0.0.1:${mqtt.port}`,
      mqttHost: '127.0.0.1',
      mqttPort: mqtt.port,
      dataPlaneEndpoint: http.endpoint,
      ...env,
      caPem: ca.caPem,
      issueThingCertificate: (thingName) => ca.issueThingCertificate(thingName),
      issueBackendCertificate: (name) => ca.issueBackendCertificate(name),
      publish: (topic, payload, qos = 0) => router.publish(topic, Buffer.from(payload), qos),
      shadows: { get: (ref) => shadows.get(ref), listNamedShadows: (thingName) => shadows.listNamedShadows(thingName) },
      idle: () => router.idle(),
      async stop() {
        stopping = true;
        // No new requests; let queued shadow answers and running rule actions finish; then save.
        await http.close();
        await router.idle();
        await mqtt.close();
        await router.idle();
        await store.flush();
        await removeTempDir();
      },
    };
  } catch (error) {
    await dataPlane?.close();
    await broker?.close();
    await removeTempDir();
    throw error;
  }
}
