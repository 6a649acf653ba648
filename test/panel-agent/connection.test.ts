import { Aedes, type AuthenticateError } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotConnectedError, PanelConnection, RequestTimeoutError } from '../../iot/panel/connection.ts';
import type { PanelIdentity } from '../../iot/panel/identity.ts';

/**
 * The connection against a broker that authenticates by username/password over plain TCP
 * (a development setup; IoT Core itself is covered by agent-online with mutual TLS).
 */
let broker: Aedes;
let server: Server;
let port: number;
const sockets = new Set<Socket>();
const logins: Array<{ clientId: string; username?: string; password?: string }> = [];
const connections: PanelConnection[] = [];

beforeEach(async () => {
  logins.length = 0;
  broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      logins.push({ clientId: client.id, username, password: password?.toString() });
      if (username === 'panel-user' && password?.toString() === 's3cret') return done(null, true);
      done(Object.assign(new Error('bad credentials'), { returnCode: 4 }) as AuthenticateError, false);
    },
  });
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const c of connections.splice(0)) await c.disconnect();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
});

const identity = (over: Partial<PanelIdentity> = {}): PanelIdentity => ({
  panelId: 'panel-conn-1',
  propertyId: 'prop_1',
  kind: 'entrance',
  mqttUrl: `mqtt://127.0.0.1:${port}`,
  username: 'panel-user',
  password: 's3cret',
  ...over,
});

function connection(over: Partial<PanelIdentity> = {}) {
  const c = new PanelConnection(identity(over), { reconnectMinMs: 100, reconnectMaxMs: 200, operationTimeoutMs: 2_000 });
  connections.push(c);
  return c;
}

/** An in-process responder on the panel's requests topic. */
function respond(handler: (request: Record<string, unknown>) => Record<string, unknown> | undefined) {
  const seen: Array<Record<string, unknown>> = [];
  broker.subscribe(
    'lobby/panels/+/requests',
    (packet, callback) => {
      const request = JSON.parse(packet.payload.toString());
      seen.push(request);
      const reply = handler(request);
      const topic = packet.topic.replace(/requests$/, 'responses');
      if (reply) broker.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(reply)), qos: 1, retain: false, dup: false }, () => {});
      callback();
    },
    () => {},
  );
  return seen;
}

describe('panel connection (username/password)', () => {
  it('connects with client id = panel id and the username exactly as configured (no SDK metrics suffix)', async () => {
    const c = connection();
    await c.connect(5_000);
    expect(c.connected).toBe(true);
    expect(logins.at(-1)).toEqual({ clientId: 'panel-conn-1', username: 'panel-user', password: 's3cret' });
  });

  it('request/response: matched by requestId, other replies ignored', async () => {
    respond((r) => ({ requestId: r.requestId, ok: true, kind: 'current', version: 3, digest: 'd' }));
    const c = connection();
    await c.connect(5_000);
    const reply = await c.request({ op: 'credentials.sync', haveVersion: 3, haveKeyVersion: 1 });
    expect(reply).toMatchObject({ ok: true, kind: 'current', version: 3 });
  });

  it('a request without an answer is re-sent with the same requestId, then times out', async () => {
    const seen = respond(() => undefined);
    const c = connection();
    await c.connect(5_000);
    await expect(c.request({ op: 'photo.upload-url', eventId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }, { timeoutMs: 150, attempts: 3 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.requestId)).size).toBe(1);
  });

  it('a late answer to an earlier copy of the request still counts', async () => {
    let calls = 0;
    let first: Record<string, unknown> | undefined;
    respond((r) => {
      calls++;
      if (calls === 1) {
        first = r;
        return undefined;
      }
      return { requestId: first!.requestId, ok: true, url: 'http://x', key: 'k', expiresAt: '2026-01-01T00:00:00Z' };
    });
    const c = connection();
    await c.connect(5_000);
    await expect(c.request({ op: 'photo.upload-url', eventId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }, { timeoutMs: 150, attempts: 2 })).resolves.toMatchObject({ key: 'k' });
  });

  it('publishing while offline fails at once; disconnect fails pending requests', async () => {
    respond(() => undefined);
    const c = connection();
    await expect(c.publish('lobby/panels/panel-conn-1/events', {})).rejects.toBeInstanceOf(NotConnectedError);
    await c.connect(5_000);
    const pending = c.request({ op: 'credentials.sync', haveVersion: 0, haveKeyVersion: 0 }, { timeoutMs: 10_000 }).catch((error: unknown) => error);
    const events: string[] = [];
    c.on('disconnect', () => events.push('disconnect'));
    await c.disconnect();
    expect(await pending).toBeInstanceOf(NotConnectedError);
    expect(events).toEqual(['disconnect']);
    expect(c.connected).toBe(false);
  });

  it('wrong credentials: connect() times out and the retries stop on disconnect()', async () => {
    const c = connection({ password: 'wrong' });
    await expect(c.connect(800)).rejects.toThrow(/could not connect/);
    expect(logins.length).toBeGreaterThanOrEqual(2); // retried in the background
    await c.disconnect();
    const after = logins.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logins.length).toBe(after);
  });

  it('receives messages queued for its persistent session while it was away', async () => {
    const c = connection();
    c.addSubscription('lobby/panels/panel-conn-1/commands');
    await c.connect(5_000);
    await c.disconnect();
    await new Promise<void>((resolve) =>
      broker.publish({ cmd: 'publish', topic: 'lobby/panels/panel-conn-1/commands', payload: Buffer.from('{"n":1}'), qos: 1, retain: false, dup: false }, () => resolve()),
    );
    const got = new Promise<string>((resolve) => c.on('message', (topic, payload) => topic.endsWith('/commands') && resolve(payload.toString())));
    await c.connect(5_000);
    expect(await got).toBe('{"n":1}');
  });
});
