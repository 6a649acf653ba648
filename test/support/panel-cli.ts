import { spawn } from 'node:child_process';
import type { PanelIdentity } from '../../iot/panel/identity.ts';
import type { CreatedPanel } from './contract.ts';

/** The panel simulator (`npm run panel`) as its own process; `stdin` answers a `-` argument (a code kept off the command line). */
export function runPanelCli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'iot/panel/cli.ts', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ? `${stdin}\n` : '');
  });
}

/** The identity file a panel created through the API runs with (what the console offers for download). */
export function panelIdentity(propertyId: string, created: CreatedPanel): PanelIdentity {
  const { connection } = created;
  return {
    panelId: created.id,
    propertyId,
    kind: created.kind,
    mqttUrl: connection.mqttUrl,
    certificatePem: connection.certificatePem,
    privateKeyPem: connection.privateKeyPem,
    caPem: connection.caPem,
  };
}
