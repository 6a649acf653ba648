import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ulid } from 'ulid';
import { startLocalIotCore, type LocalIotCore, type TopicRule } from '../../../iot/local-core/index.ts';
import { codeHash, setDigest } from '../../../iot/protocol/credential-hash.ts';
import type { AccessEvent, CommandAck, CredentialEntry, Heartbeat, PanelRequest, PanelResponse, UnlockCommand } from '../../../iot/protocol/messages.ts';
import { CREDENTIALS_SHADOW, panelIdOf, panelTopics } from '../../../iot/protocol/topics.ts';
import type { PanelIdentity } from '../../../iot/panel/identity.ts';

/**
 * A stand-in for Lobby's cloud side, just enough to drive the reference panel agent: the local
 * IoT Core (mutual TLS, policies, named shadows) with topic rules that answer panel requests the
 * way the protocol says (current / delta / full sync, photo upload URLs, pass claims), an HTTP
 * server for the gzip set snapshots and photo PUTs, and a record of what the panels sent.
 */
export interface FakeCloud {
  core: LocalIotCore;
  panelKey: string;
  readonly version: number;
  offlinePassPolicy: 'deny' | 'allow-once-and-reconcile';
  timezone: string;
  /** when false, requests are swallowed (a cloud that does not answer) */
  answering: boolean;
  /** when set, the next delta carries this wrong digest */
  corruptNextDelta: boolean;
  events: AccessEvent[];
  acks: CommandAck[];
  heartbeats: Heartbeat[];
  requests: PanelRequest[];
  photos: Map<string, { body: Buffer; contentType: string | undefined }>;
  provision(panelId: string): Promise<PanelIdentity>;
  /** Adds (or replaces) a credential for `code` and announces the new set version. */
  put(code: string, entry: Omit<CredentialEntry, 'hash'>): Promise<CredentialEntry>;
  remove(id: string): Promise<void>;
  unlock(panelId: string, command: Partial<UnlockCommand> & { ttlMs?: number }): Promise<UnlockCommand>;
  /** the panel's credentials shadow document, or undefined */
  shadow(panelId: string): unknown;
  waitFor<T>(what: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Stops the broker (every connection drops, sessions are lost) and starts it again on the same port. */
  restartBroker(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeCloud(): Promise<FakeCloud> {
  const entries = new Map<string, CredentialEntry>();
  const changes = new Map<number, { upserts: CredentialEntry[]; removals: string[] }>();
  const claims = new Map<string, string>(); // credentialId -> attemptId that won
  const panels = new Set<string>();
  const sets = new Map<string, Buffer>();
  let version = 0;
  let http: Server;
  let baseUrl = '';

  const answer = async (panelId: string, request: PanelRequest): Promise<PanelResponse> => {
    const base = { requestId: request.requestId, ok: true as const };
    switch (request.op) {
      case 'credentials.sync': {
        if (request.haveKeyVersion === 1 && request.haveVersion === version) return { ...base, kind: 'current', version, digest: setDigest(entries.values()) };
        if (request.haveKeyVersion === 1 && request.haveVersion < version) {
          const upserts = new Map<string, CredentialEntry>();
          const removals = new Set<string>();
          for (let v = request.haveVersion + 1; v <= version; v++) {
            const change = changes.get(v)!;
            for (const e of change.upserts) {
              upserts.set(e.id, e);
              removals.delete(e.id);
            }
            for (const id of change.removals) {
              upserts.delete(id);
              removals.add(id);
            }
          }
          const digest = cloud.corruptNextDelta ? '1'.repeat(64) : setDigest(entries.values());
          cloud.corruptNextDelta = false;
          return { ...base, kind: 'delta', fromVersion: request.haveVersion, version, digest, upserts: [...upserts.values()], removals: [...removals] };
        }
        const name = `${ulid()}.json.gz`;
        const body = gzipSync(JSON.stringify({ entries: [...entries.values()] }));
        sets.set(name, body);
        return {
          ...base,
          kind: 'full',
          version,
          keyVersion: 1,
          digest: setDigest(entries.values()),
          panelKey: cloud.panelKey,
          timezone: cloud.timezone,
          offlinePassPolicy: cloud.offlinePassPolicy,
          url: `${baseUrl}/sets/${name}`,
          bytes: body.length,
        };
      }
      case 'photo.upload-url': {
        const key = `photos/${panelId}/${request.eventId}.jpg`;
        return { ...base, url: `${baseUrl}/${key}?signature=x`, key, expiresAt: new Date(Date.now() + 300_000).toISOString() };
      }
      case 'pass.claim': {
        // A claim by code (the panel does not hold the pass) is resolved like the cloud does, by the code.
        const credentialId = request.credentialId ?? [...entries.values()].find((e) => e.singleUse && e.hash === codeHash(cloud.panelKey, request.code!))?.id;
        if (credentialId === undefined) return { ...base, decision: 'denied', reason: 'unknown-code' };
        const winner = claims.get(credentialId);
        if (winner === request.attemptId) return { ...base, decision: 'granted', credentialId };
        if (winner !== undefined) return { ...base, decision: 'denied', reason: 'already-used', credentialId };
        if (!entries.has(credentialId)) return { ...base, decision: 'denied', reason: 'unknown-pass', credentialId };
        claims.set(credentialId, request.attemptId);
        await cloud.remove(credentialId);
        return { ...base, decision: 'granted', credentialId };
      }
      // Calls and the directory are the real cloud's (test/e2e/calls*.test.ts).
      case 'directory.sync':
      case 'call.start':
      case 'call.timeout':
      case 'call.end':
        return { requestId: request.requestId, ok: false, error: 'not-supported' };
    }
  };

  const announce = async () => {
    for (const panelId of panels) {
      const topic = `$aws/things/${panelId}/shadow/name/${CREDENTIALS_SHADOW}/update`;
      await core.publish(topic, JSON.stringify({ state: { desired: { version, keyVersion: 1 } } }), 1);
    }
  };

  const quiet = { info() {}, warn() {}, error: (message: string, ...rest: unknown[]) => console.error(message, ...rest) };
  const dataDir = await mkdtemp(join(tmpdir(), 'fake-cloud-'));
  const rules: TopicRule[] = [
    {
      name: 'requests',
      topicFilter: 'lobby/panels/+/requests',
      async handle({ topic, payload }) {
        const panelId = panelIdOf(topic)!;
        const request = JSON.parse(payload.toString()) as PanelRequest;
        cloud.requests.push(request);
        if (!cloud.answering) return;
        const response = await answer(panelId, request);
        await core.publish(panelTopics(panelId).responses, JSON.stringify(response), 1);
      },
    },
    {
      name: 'messages',
      topicFilter: 'lobby/panels/+/+',
      async handle({ topic, payload }) {
        const channel = topic.split('/')[3];
        const message = JSON.parse(payload.toString());
        if (channel === 'events') cloud.events.push(message);
        else if (channel === 'acks') cloud.acks.push(message);
        else if (channel === 'heartbeat') cloud.heartbeats.push(message);
      },
    },
  ];
  let core = await startLocalIotCore({ log: quiet, rules, dataDir });

  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!.slice(1);
      if (req.method === 'GET' && path.startsWith('sets/') && sets.has(path.slice(5))) {
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(sets.get(path.slice(5)));
      } else if (req.method === 'PUT' && path.startsWith('photos/')) {
        cloud.photos.set(path, { body: Buffer.concat(chunks), contentType: req.headers['content-type'] });
        res.writeHead(200).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const cloud: FakeCloud = {
    core,
    panelKey: randomBytes(32).toString('base64url'),
    get version() {
      return version;
    },
    offlinePassPolicy: 'deny',
    timezone: 'America/New_York',
    answering: true,
    corruptNextDelta: false,
    events: [],
    acks: [],
    heartbeats: [],
    requests: [],
    photos: new Map(),
    async provision(panelId) {
      panels.add(panelId);
      const credentials = await core.issueThingCertificate(panelId);
      await announce();
      return { panelId, propertyId: 'prop_test', kind: 'entrance', mqttUrl: core.mqttUrl, ...credentials };
    },
    async put(code, partial) {
      const entry = { ...partial, hash: codeHash(cloud.panelKey, code) } as CredentialEntry;
      entries.set(entry.id, entry);
      version++;
      changes.set(version, { upserts: [entry], removals: [] });
      await announce();
      return entry;
    },
    async remove(id) {
      entries.delete(id);
      version++;
      changes.set(version, { upserts: [], removals: [id] });
      await announce();
    },
    async unlock(panelId, partial) {
      const now = Date.now();
      const command: UnlockCommand = {
        commandId: partial.commandId ?? `cmd_${ulid()}`,
        type: 'unlock',
        issuedAt: partial.issuedAt ?? new Date(now).toISOString(),
        expiresAt: partial.expiresAt ?? new Date(now + (partial.ttlMs ?? 30_000)).toISOString(),
      };
      await core.publish(panelTopics(panelId).commands, JSON.stringify(command), 1);
      return command;
    },
    shadow(panelId) {
      try {
        return core.shadows.get({ thingName: panelId, shadowName: CREDENTIALS_SHADOW }).response;
      } catch {
        return undefined;
      }
    },
    async waitFor(what, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = what();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async restartBroker(downMs = 0) {
      const port = core.mqttPort;
      await core.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      core = await startLocalIotCore({ log: quiet, rules, dataDir, mqttPort: port });
      cloud.core = core;
    },
    async stop() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await core.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cloud;
}
