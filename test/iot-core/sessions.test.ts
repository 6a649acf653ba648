import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalIotCore, ThingCredentials } from '../../iot/local-core/index.ts';
import { connectMqtt, inbox, startTestCore } from './helpers.ts';

// DESIGN: QoS 1 messages queued for an offline persistent session are replayed on reconnect.
let core: LocalIotCore;
let credentials: ThingCredentials;

beforeAll(async () => {
  ({ core } = await startTestCore());
  credentials = await core.issueThingCertificate('panel-S');
});

afterAll(async () => {
  await core?.stop();
});

const persistent = () =>
  mqtt.connectAsync(core.mqttUrl, {
    key: credentials.privateKeyPem,
    cert: credentials.certificatePem,
    ca: credentials.caPem,
    clientId: 'panel-S',
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 0,
  });

describe('persistent sessions', () => {
  it('replays QoS 1 messages published while the panel was offline', async () => {
    const first = await persistent();
    await first.subscribeAsync('lobby/panels/panel-S/commands', { qos: 1 });
    await first.endAsync();

    await core.publish('lobby/panels/panel-S/commands', JSON.stringify({ commandId: 'while-offline' }), 1);

    const second = await persistent();
    const box = inbox(second);
    expect(await box.next('lobby/panels/panel-S/commands')).toEqual({ commandId: 'while-offline' });
    await second.endAsync();
  });

  it('takes over an older connection with the same client id, as IoT Core does', async () => {
    const older = await connectMqtt(core, credentials, 'panel-S');
    const closed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    const newer = await connectMqtt(core, credentials, 'panel-S');
    await closed;
    expect(newer.connected).toBe(true);
    await newer.endAsync();
    older.end(true);
  });
});
