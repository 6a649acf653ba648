import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setDigest } from '../../../iot/protocol/credential-hash.ts';
import type { CredentialEntry } from '../../../iot/protocol/messages.ts';
import { PanelAgent, type DoorRelease, type PanelAgentConfig } from '../../../iot/panel/agent.ts';
import { CredentialStore, type OfflinePassPolicy } from '../../../iot/panel/credential-store.ts';
import type { PanelIdentity } from '../../../iot/panel/identity.ts';
import { silentLogger } from '../../../iot/panel/log.ts';

/** A panel clock the test moves by hand. */
export function testClock(iso: string) {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (next: string) => {
      t = Date.parse(next);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Retries: a just-stopped agent may still be finishing a write into its outbox.
  return { dir, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }) };
}

/** A loopback port nothing listens on: connecting is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes a saved credential set into a state dir, as a previous run of the panel would have. */
export async function seedCredentials(
  stateDir: string,
  panelKey: string,
  entries: CredentialEntry[],
  meta: { version?: number; timezone?: string; offlinePassPolicy?: OfflinePassPolicy } = {},
) {
  const store = await CredentialStore.open({ stateDir });
  store.applyFull(
    {
      requestId: 'seed',
      ok: true,
      kind: 'full',
      version: meta.version ?? 7,
      keyVersion: 1,
      digest: setDigest(entries),
      panelKey,
      timezone: meta.timezone ?? 'America/New_York',
      offlinePassPolicy: meta.offlinePassPolicy ?? 'deny',
      url: '',
      bytes: 0,
    },
    entries,
  );
  await store.save();
}

/** An agent with a door log; quiet unless PANEL_TEST_LOG is set. */
export function makeAgent(identity: PanelIdentity, stateDir: string, options: { now?: () => Date; config?: PanelAgentConfig } = {}) {
  const doors: DoorRelease[] = [];
  const agent = new PanelAgent({
    identity,
    stateDir,
    now: options.now,
    config: { log: process.env.PANEL_TEST_LOG ? undefined : silentLogger, ...options.config },
    onDoorRelease: (release) => doors.push(release),
  });
  return { agent, doors };
}
