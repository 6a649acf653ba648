import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the local stack keeps a provisioned panel's identity (what a vendor would flash onto the device). */
export const panelIdentityFile = (home: string, panelId: string) => join(home, 'panels', panelId, 'identity.json');

export async function savePanelIdentity(home: string, identity: { panelId: string; propertyId: string; kind: string; mqttUrl: string; certificatePem: string; privateKeyPem: string; caPem?: string }) {
  const file = panelIdentityFile(home, identity.panelId);
  await mkdir(join(home, 'panels', identity.panelId), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  return file;
}
