import {
  ConflictException,
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  InvalidRequestException,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  PublishCommand,
  RequestEntityTooLargeException,
  ResourceNotFoundException,
  UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalIotCore, RuleMessage } from '../../iot/local-core/index.ts';
import { connectMqtt, inbox, startTestCore } from './helpers.ts';

// The data-plane HTTP API driven by the unmodified AWS SDK client.
let core: LocalIotCore;
let client: IoTDataPlaneClient;
let panel: MqttClient;
let messages: ReturnType<typeof inbox>;
const ruled: RuleMessage[] = [];

const json = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString());
const payload = (document: unknown) => Buffer.from(JSON.stringify(document));

beforeAll(async () => {
  ({ core } = await startTestCore({
    rules: [{ name: 'events', topicFilter: 'lobby/panels/+/events', handle: async (message) => void ruled.push(message) }],
  }));
  client = new IoTDataPlaneClient({
    endpoint: core.dataPlaneEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  panel = await connectMqtt(core, await core.issueThingCertificate('panel-D'), 'panel-D');
  messages = inbox(panel);
  await panel.subscribeAsync(['$aws/things/panel-D/shadow/name/credentials/update/delta', 'lobby/panels/panel-D/commands'], { qos: 1 });
});

afterAll(async () => {
  client?.destroy();
  await panel?.endAsync();
  await core?.stop();
});

describe('IoT data plane', () => {
  it('updates a named shadow and notifies the device over MQTT', async () => {
    const result = await client.send(
      new UpdateThingShadowCommand({
        thingName: 'panel-D',
        shadowName: 'credentials',
        payload: payload({ state: { desired: { setVersion: 3 } }, clientToken: 'http-1' }),
      }),
    );
    expect(json(result.payload)).toMatchObject({ state: { desired: { setVersion: 3 } }, version: 1, clientToken: 'http-1' });
    expect(await messages.next('$aws/things/panel-D/shadow/name/credentials/update/delta')).toMatchObject({
      state: { setVersion: 3 },
      version: 1,
    });
  });

  it('gets the shadow with its delta', async () => {
    const result = await client.send(new GetThingShadowCommand({ thingName: 'panel-D', shadowName: 'credentials' }));
    expect(json(result.payload)).toMatchObject({ state: { desired: { setVersion: 3 }, delta: { setVersion: 3 } }, version: 1 });
  });

  it('lists named shadows', async () => {
    const result = await client.send(new ListNamedShadowsForThingCommand({ thingName: 'panel-D' }));
    expect(result.results).toEqual(['credentials']);
  });

  it('throws ConflictException on a stale version', async () => {
    const stale = new UpdateThingShadowCommand({
      thingName: 'panel-D',
      shadowName: 'credentials',
      payload: payload({ state: { desired: { setVersion: 4 } }, version: 0 }),
    });
    const error = await client.send(stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ name: 'ConflictException', message: 'Version conflict', $metadata: { httpStatusCode: 409 } });
  });

  it('throws RequestEntityTooLargeException above 8 KB of state', async () => {
    const big = new UpdateThingShadowCommand({ thingName: 'panel-D', payload: payload({ state: { reported: { blob: 'x'.repeat(8200) } } }) });
    await expect(client.send(big)).rejects.toBeInstanceOf(RequestEntityTooLargeException);
  });

  it('throws InvalidRequestException on an invalid document', async () => {
    const invalid = new UpdateThingShadowCommand({ thingName: 'panel-D', payload: payload({ nostate: true }) });
    await expect(client.send(invalid)).rejects.toMatchObject({ name: 'InvalidRequestException', message: 'Missing required node: state' });
    await expect(client.send(invalid)).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it('deletes a shadow, then throws ResourceNotFoundException', async () => {
    const deleted = await client.send(new DeleteThingShadowCommand({ thingName: 'panel-D', shadowName: 'credentials' }));
    expect(json(deleted.payload)).toMatchObject({ version: 1 });
    const error = await client.send(new GetThingShadowCommand({ thingName: 'panel-D', shadowName: 'credentials' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe("No shadow exists with name: 'credentials'");
    await expect(client.send(new GetThingShadowCommand({ thingName: 'no-such-thing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('publishes to MQTT subscribers', async () => {
    await client.send(new PublishCommand({ topic: 'lobby/panels/panel-D/commands', qos: 1, payload: payload({ commandId: 'c1' }) }));
    expect(await messages.next('lobby/panels/panel-D/commands')).toEqual({ commandId: 'c1' });
  });

  it('publishes to topic rules, and to the shadow service on shadow topics', async () => {
    await client.send(new PublishCommand({ topic: 'lobby/panels/panel-D/events', payload: payload({ kind: 'door-opened' }) }));
    await core.idle();
    expect(ruled.map((m) => [m.topic, json(m.payload), m.clientId])).toEqual([['lobby/panels/panel-D/events', { kind: 'door-opened' }, '']]);

    await client.send(new PublishCommand({ topic: '$aws/things/panel-D/shadow/name/credentials/update', payload: payload({ state: { desired: { setVersion: 9 } } }) }));
    expect(await messages.next('$aws/things/panel-D/shadow/name/credentials/update/delta')).toMatchObject({ state: { setVersion: 9 } });
  });
});
