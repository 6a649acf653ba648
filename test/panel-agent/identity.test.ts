import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStateDir, identityPath, loadIdentity, lobbyHome, parseMqttUrl, saveIdentity, type PanelIdentity } from '../../iot/panel/identity.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panel-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const aws: PanelIdentity = {
  panelId: 'panel-01jabc',
  propertyId: 'prop_1',
  kind: 'entrance',
  mqttUrl: 'mqtts://a1b2c3-ats.iot.us-east-1.amazonaws.com:8883',
  certificatePem: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n',
};

describe('panel identity file', () => {
  it('lives at <LOBBY_HOME or .lobby>/panels/<panelId>/identity.json, state next to it', () => {
    expect(identityPath('panel-1', dir)).toBe(join(dir, 'panels', 'panel-1', 'identity.json'));
    expect(defaultStateDir('panel-1', dir)).toBe(join(dir, 'panels', 'panel-1', 'state'));
    const saved = process.env.LOBBY_HOME;
    try {
      process.env.LOBBY_HOME = dir;
      expect(lobbyHome()).toBe(dir);
      delete process.env.LOBBY_HOME;
      expect(lobbyHome()).toBe(join(process.cwd(), '.lobby'));
    } finally {
      if (saved === undefined) delete process.env.LOBBY_HOME;
      else process.env.LOBBY_HOME = saved;
    }
  });

  it('saves owner-only (it holds a private key) and loads back, keeping extra fields', async () => {
    const file = await saveIdentity({ ...aws, clientId: 'panel-01jabc' } as PanelIdentity, identityPath(aws.panelId, dir));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadIdentity(file)).toEqual({ ...aws, clientId: 'panel-01jabc' });
  });

  it('accepts the username/password form', async () => {
    const file = join(dir, 'id.json');
    await writeFile(file, JSON.stringify({ panelId: 'p1', propertyId: 'x', kind: 'package-room', mqttUrl: 'mqtt://127.0.0.1:1883', username: 'u', password: 'p' }));
    expect((await loadIdentity(file)).username).toBe('u');
  });

  it('refuses broken files with a message naming the field', async () => {
    const file = join(dir, 'id.json');
    await writeFile(file, JSON.stringify({ ...aws, privateKeyPem: undefined }));
    await expect(loadIdentity(file)).rejects.toThrow(/privateKeyPem/);
    await writeFile(file, JSON.stringify({ ...aws, mqttUrl: 'https://example.com' }));
    await expect(loadIdentity(file)).rejects.toThrow(/mqttUrl/);
    await writeFile(file, JSON.stringify({ ...aws, panelId: 'has/slash' }));
    await expect(loadIdentity(file)).rejects.toThrow(/panelId/);
    await expect(loadIdentity(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
    expect(await readFile(file, 'utf8')).toContain('has/slash');
  });

  it('parses MQTT URLs with default ports', () => {
    expect(parseMqttUrl('mqtts://a1b2c3-ats.iot.us-east-1.amazonaws.com:8883')).toEqual({ tls: true, host: 'a1b2c3-ats.iot.us-east-1.amazonaws.com', port: 8883 });
    expect(parseMqttUrl('mqtts://example.com')).toEqual({ tls: true, host: 'example.com', port: 8883 });
    expect(parseMqttUrl('mqtt://127.0.0.1')).toEqual({ tls: false, host: '127.0.0.1', port: 1883 });
    expect(() => parseMqttUrl('ws://x')).toThrow();
  });
});
