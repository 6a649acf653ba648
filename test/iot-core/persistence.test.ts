import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalCa } from '../../iot/local-core/index.ts';
import { connectMqtt, inbox, startTestCore } from './helpers.ts';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lobby-iot-test-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const SHADOW = '$aws/things/panel-P/shadow/name/credentials';
const update = (document: unknown) => JSON.stringify(document);

describe('local core with a dataDir', () => {
  it('binds 127.0.0.1 only', async () => {
    const { core } = await startTestCore({ dataDir });
    try {
      expect(core.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      expect(core.dataPlaneEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await core.stop();
    }
  });

  it('keeps shadows, versions and the CA across a restart', async () => {
    const first = (await startTestCore({ dataDir })).core;
    const credentials = await first.issueThingCertificate('panel-P');
    await first.publish(`${SHADOW}/update`, update({ state: { desired: { setVersion: 1 } } }));
    await first.publish(`${SHADOW}/update`, update({ state: { desired: { setVersion: 2 } } }));
    await first.publish('$aws/things/panel-P/shadow/name/gone/update', update({ state: { reported: { a: 1 } } }));
    await first.publish('$aws/things/panel-P/shadow/name/gone/delete', '');
    await first.idle();
    await first.stop();
    expect(JSON.parse(await readFile(join(dataDir, 'shadows.json'), 'utf8'))).toMatchObject({ format: 1 });

    const second = (await startTestCore({ dataDir })).core;
    try {
      // A certificate issued before the restart is still trusted.
      const panel = await connectMqtt(second, credentials, 'panel-P');
      const box = inbox(panel);
      await panel.subscribeAsync([`${SHADOW}/get/accepted`, '$aws/things/panel-P/shadow/name/gone/update/accepted'], { qos: 1 });
      await panel.publishAsync(`${SHADOW}/get`, '', { qos: 1 });
      expect(await box.next(`${SHADOW}/get/accepted`)).toMatchObject({ state: { desired: { setVersion: 2 } }, version: 2 });
      // The deleted shadow's version survives too: a new one continues after it.
      await panel.publishAsync('$aws/things/panel-P/shadow/name/gone/update', update({ state: { reported: { a: 2 } } }), { qos: 1 });
      expect(await box.next('$aws/things/panel-P/shadow/name/gone/update/accepted')).toMatchObject({ version: 2 });
      await panel.endAsync();
    } finally {
      await second.stop();
    }
  });

  it('accepts certificates issued by another process from the same dataDir', async () => {
    const { core } = await startTestCore({ dataDir });
    try {
      const ca = await openLocalCa(dataDir); // what a provisioning script or the panel CLI would do
      expect(ca.caPem).toBe(core.caPem);
      const panel = await connectMqtt(core, await ca.issueThingCertificate('panel-Q'), 'panel-Q');
      await panel.endAsync();
      await expect(ca.issueThingCertificate('bad/name')).rejects.toThrow(/invalid thing name/);
    } finally {
      await core.stop();
    }
  });

  it('refuses a client certificate from another CA', async () => {
    const other = await mkdtemp(join(tmpdir(), 'lobby-iot-other-'));
    const { core } = await startTestCore({ dataDir });
    try {
      const foreign = await (await openLocalCa(other)).issueThingCertificate('panel-X');
      await expect(connectMqtt(core, { ...foreign, caPem: core.caPem }, 'panel-X')).rejects.toThrow();
    } finally {
      await core.stop();
      await rm(other, { recursive: true, force: true });
    }
  });
});
