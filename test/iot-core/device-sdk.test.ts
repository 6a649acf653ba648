import { iot, iotshadow, mqtt } from 'aws-iot-device-sdk-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalIotCore, ThingCredentials } from '../../iot/local-core/index.ts';
import { eventually, type recordingLogger, startTestCore } from './helpers.ts';

// AWS's own device client (aws-iot-device-sdk-v2, MQTT 3.1.1 over mutual TLS) against the local core.
const SHADOW_NAME = 'credentials';
let core: LocalIotCore;
let coreLog: ReturnType<typeof recordingLogger>;
const open: mqtt.MqttClientConnection[] = [];

function connectionTo(credentials: ThingCredentials, clientId: string): mqtt.MqttClientConnection {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(credentials.certificatePem, credentials.privateKeyPem)
    .with_certificate_authority(credentials.caPem)
    .with_endpoint(core.mqttHost)
    .with_port(core.mqttPort)
    .with_client_id(clientId)
    .with_clean_session(true)
    .build();
  const connection = new mqtt.MqttClient().new_connection(config);
  open.push(connection);
  return connection;
}

async function connectPanel(credentials: ThingCredentials, clientId: string) {
  const connection = connectionTo(credentials, clientId);
  await connection.connect();
  return connection;
}

/** Resolves with the first value pushed after it is created. */
function nextValue<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, push: (value: T) => resolve(value) };
}

beforeAll(async () => {
  ({ core, log: coreLog } = await startTestCore());
});

afterAll(async () => {
  for (const connection of open) await connection.disconnect().catch(() => {});
  await core?.stop();
});

describe('aws-iot-device-sdk-v2 against the local core', () => {
  let panelA: ThingCredentials;
  let panelB: ThingCredentials;

  beforeAll(async () => {
    [panelA, panelB] = await Promise.all([core.issueThingCertificate('panel-A'), core.issueThingCertificate('panel-B')]);
  });

  it('connects with its thing certificate and client id = thing name', async () => {
    const connection = await connectPanel(panelA, 'panel-A');
    expect(connection).toBeDefined();
    await connection.disconnect();
  });

  it('updates and gets a named shadow and receives the delta through IotShadowClient', async () => {
    const connection = await connectPanel(panelA, 'panel-A');
    const shadow = new iotshadow.IotShadowClient(connection);
    const ref = { thingName: 'panel-A', shadowName: SHADOW_NAME };
    const delta = nextValue<iotshadow.model.ShadowDeltaUpdatedEvent>();
    const updated = nextValue<iotshadow.model.UpdateShadowResponse>();
    const got = nextValue<iotshadow.model.GetShadowResponse>();
    await shadow.subscribeToNamedShadowDeltaUpdatedEvents(ref, mqtt.QoS.AtLeastOnce, (_error, event) => event && delta.push(event));
    // The backend's own update is accepted on the same topic: wait for the panel's, by its token.
    await shadow.subscribeToUpdateNamedShadowAccepted(ref, mqtt.QoS.AtLeastOnce, (_error, response) => {
      if (response?.clientToken === 'report-12') updated.push(response);
    });
    await shadow.subscribeToGetNamedShadowAccepted(ref, mqtt.QoS.AtLeastOnce, (_error, response) => response && got.push(response));

    // The backend announces a new credential set.
    await core.publish(`$aws/things/panel-A/shadow/name/${SHADOW_NAME}/update`, JSON.stringify({ state: { desired: { setVersion: 12, digest: 'd12' } } }), 1);
    const event = await delta.promise;
    expect(event).toMatchObject({ state: { setVersion: 12, digest: 'd12' }, version: 1 });
    expect(event.metadata).toMatchObject({ setVersion: { timestamp: expect.any(Number) } });

    // The panel fetched the set and reports it.
    await shadow.publishUpdateNamedShadow({ ...ref, state: { reported: { setVersion: 12, digest: 'd12' } }, clientToken: 'report-12' }, mqtt.QoS.AtLeastOnce);
    expect(await updated.promise).toMatchObject({ state: { reported: { setVersion: 12 } }, version: 2, clientToken: 'report-12' });

    await shadow.publishGetNamedShadow({ ...ref, clientToken: 'get-1' }, mqtt.QoS.AtLeastOnce);
    const document = await got.promise;
    expect(document).toMatchObject({
      state: { desired: { setVersion: 12, digest: 'd12' }, reported: { setVersion: 12, digest: 'd12' } },
      version: 2,
      clientToken: 'get-1',
    });
    expect(document.state).not.toHaveProperty('delta');
    await connection.disconnect();
  });

  it('refuses a connection whose client id is not the certificate’s thing name', async () => {
    // The broker answers CONNACK "not authorized"; the SDK reports a refused CONNACK as this protocol error
    // (a TLS, socket or timeout failure would read differently), and the core says why it refused.
    const refused = 'Failed to connect: libaws-c-mqtt: AWS_ERROR_MQTT_PROTOCOL_ERROR, Protocol error occurred.';
    for (const clientId of ['panel-A', 'someone-else']) {
      await expect(connectionTo(panelB, clientId).connect()).rejects.toBe(refused);
      expect(coreLog.lines).toContain(`warn iot: denied Connect ${clientId} for client '${clientId}'`);
    }
    // Positive control: the same certificate with its own thing name is let in.
    const own = await connectPanel(panelB, 'panel-B');
    await own.disconnect();
  });

  it("refuses panel B's subscriptions to panel A's shadow and topics", async () => {
    const connection = await connectPanel(panelB, 'panel-B');
    for (const topic of [
      '$aws/things/panel-A/shadow/name/credentials/update/delta',
      '$aws/things/panel-A/shadow/name/credentials/get/accepted',
      'lobby/panels/panel-A/commands',
      'lobby/panels/+/commands',
      'lobby/panels/#',
    ]) {
      expect((await connection.subscribe(topic, mqtt.QoS.AtLeastOnce)).qos, topic).toBe(128);
    }
    // Its own topics stay open to it.
    expect((await connection.subscribe('lobby/panels/panel-B/commands', mqtt.QoS.AtLeastOnce)).qos).toBe(1);
    expect((await connection.subscribe('$aws/things/panel-B/shadow/name/credentials/update/delta', mqtt.QoS.AtLeastOnce)).qos).toBe(1);
    await connection.disconnect();
  });

  it("disconnects panel B when it publishes to panel A's shadow or topics, and nothing reaches A", async () => {
    const watcher = await connectPanel(panelA, 'panel-A');
    const seenByA: string[] = [];
    await watcher.subscribe('lobby/panels/panel-A/events', mqtt.QoS.AtLeastOnce, (topic) => void seenByA.push(topic));
    await watcher.subscribe(`$aws/things/panel-A/shadow/name/${SHADOW_NAME}/update/accepted`, mqtt.QoS.AtLeastOnce, (topic) => void seenByA.push(topic));

    // One intruder connection per attempt, since the first denied publish ends the connection.
    // (Sequential: two connections with one client id would take each other over.)
    const closing: Promise<unknown>[] = [];
    const attempt = async (topic: string) => {
      const intruder = await connectPanel(panelB, 'panel-B');
      let interrupted = false;
      intruder.on('interrupt', () => (interrupted = true));
      intruder.publish(topic, JSON.stringify({ state: { desired: { unlock: true } } }), mqtt.QoS.AtLeastOnce).catch(() => {});
      await eventually(() => interrupted, 3000);
      // disconnect() resolves only after the CRT's 1 s reconnect timer; it stops reconnecting at once.
      closing.push(intruder.disconnect().catch(() => {}));
    };
    await attempt(`$aws/things/panel-A/shadow/name/${SHADOW_NAME}/update`);
    await attempt('lobby/panels/panel-A/events');
    await Promise.all(closing);

    // Positive control: A's own publish goes through, and is the only thing A saw.
    await watcher.publish('lobby/panels/panel-A/events', '{}', mqtt.QoS.AtLeastOnce);
    await eventually(() => seenByA.length > 0);
    expect(seenByA).toEqual(['lobby/panels/panel-A/events']);
    await watcher.disconnect();
  });
});
