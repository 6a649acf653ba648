import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalIotCore } from '../../iot/local-core/index.ts';
import { connectMqtt, inbox, startTestCore } from './helpers.ts';

// The shadow protocol over MQTT, as a panel sees it (named shadow, panel policy in force).
const SHADOW = '$aws/things/panel-A/shadow/name/credentials';
const REPLIES = ['update/accepted', 'update/rejected', 'update/delta', 'update/documents', 'get/accepted', 'get/rejected', 'delete/accepted', 'delete/rejected'];

let core: LocalIotCore;
let panel: MqttClient;
let messages: ReturnType<typeof inbox>;

beforeAll(async () => {
  ({ core } = await startTestCore());
  panel = await connectMqtt(core, await core.issueThingCertificate('panel-A'), 'panel-A');
  messages = inbox(panel);
  await panel.subscribeAsync(
    REPLIES.map((reply) => `${SHADOW}/${reply}`),
    { qos: 1 },
  );
});

afterAll(async () => {
  await panel?.endAsync();
  await core?.stop();
});

const publish = (operation: string, document: unknown) => panel.publishAsync(`${SHADOW}/${operation}`, document === '' ? '' : JSON.stringify(document), { qos: 1 });

describe('shadow over MQTT', () => {
  it('answers an update with accepted, delta and documents, echoing the clientToken', async () => {
    await publish('update', { state: { desired: { setVersion: 7, digest: 'abc' } }, clientToken: 'u-1' });
    const accepted = await messages.next(`${SHADOW}/update/accepted`);
    expect(accepted).toMatchObject({ state: { desired: { setVersion: 7, digest: 'abc' } }, version: 1, clientToken: 'u-1' });
    expect(accepted).toMatchObject({ metadata: { desired: { setVersion: { timestamp: expect.any(Number) } } } });
    const delta = await messages.next(`${SHADOW}/update/delta`);
    expect(delta).toMatchObject({ state: { setVersion: 7, digest: 'abc' }, version: 1, clientToken: 'u-1' });
    const documents = await messages.next(`${SHADOW}/update/documents`);
    expect(documents).toMatchObject({ current: { state: { desired: { setVersion: 7, digest: 'abc' } }, version: 1 }, clientToken: 'u-1' });
  });

  it('answers a get with the full document and delta', async () => {
    await publish('update', { state: { reported: { setVersion: 7 } } });
    await messages.next(`${SHADOW}/update/accepted`);
    await publish('get', { clientToken: 'g-1' });
    const document = await messages.next(`${SHADOW}/get/accepted`);
    expect(document).toMatchObject({
      state: { desired: { setVersion: 7, digest: 'abc' }, reported: { setVersion: 7 }, delta: { digest: 'abc' } },
      version: 2,
      clientToken: 'g-1',
    });
  });

  it('lets the process read shadows directly', () => {
    expect(core.shadows.get({ thingName: 'panel-A', shadowName: 'credentials' }).response).toMatchObject({ version: 2 });
    expect(core.shadows.listNamedShadows('panel-A')).toEqual(['credentials']);
  });

  it('accepts an empty get payload', async () => {
    await publish('get', '');
    expect(await messages.next(`${SHADOW}/get/accepted`)).toMatchObject({ version: 2 });
  });

  it('rejects a stale version with 409 on update/rejected', async () => {
    await publish('update', { state: { reported: { digest: 'abc' } }, version: 1, clientToken: 'stale' });
    expect(await messages.next(`${SHADOW}/update/rejected`)).toMatchObject({ code: 409, message: 'Version conflict', clientToken: 'stale' });
  });

  it('rejects invalid JSON with 400 and an over-size state with 413', async () => {
    await panel.publishAsync(`${SHADOW}/update`, '{not json', { qos: 1 });
    expect(await messages.next(`${SHADOW}/update/rejected`)).toMatchObject({ code: 400, message: 'Invalid JSON' });
    await publish('update', { state: { reported: { blob: 'x'.repeat(9000) } }, clientToken: 'big' });
    expect(await messages.next(`${SHADOW}/update/rejected`)).toMatchObject({ code: 413, clientToken: 'big' });
  });

  it('deletes, then answers get with 404', async () => {
    await publish('delete', { clientToken: 'd-1' });
    expect(await messages.next(`${SHADOW}/delete/accepted`)).toMatchObject({ version: 2, clientToken: 'd-1' });
    await publish('get', { clientToken: 'g-2' });
    expect(await messages.next(`${SHADOW}/get/rejected`)).toEqual({
      code: 404,
      message: "No shadow exists with name: 'credentials'",
      timestamp: expect.any(Number),
      clientToken: 'g-2',
    });
  });

  it('serves the classic shadow to the backend identity', async () => {
    const backend = await connectMqtt(core, await core.issueBackendCertificate(), 'lobby-backend-test');
    try {
      const box = inbox(backend);
      await backend.subscribeAsync('$aws/things/panel-A/shadow/update/accepted', { qos: 1 });
      await backend.publishAsync('$aws/things/panel-A/shadow/update', JSON.stringify({ state: { reported: { classic: 1 } } }), { qos: 1 });
      expect(await box.next('$aws/things/panel-A/shadow/update/accepted')).toMatchObject({ version: 1 });
    } finally {
      await backend.endAsync();
    }
  });
});
