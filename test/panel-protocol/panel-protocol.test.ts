import { gunzipSync } from 'node:zlib';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../iot/protocol/version.ts';
import { codeHash, setDigest } from '../../iot/protocol/credential-hash.ts';
import { call, expectOk, newProperty, present, randomPin, type TestProperty } from '../support/api.ts';
import type {
  AccessEvent,
  Command,
  CreatedDeliveryPin,
  CreatedPanel,
  DeliveryPin,
  Page,
  Panel,
  PhotoUrlReply,
  Property,
  SetSnapshot,
  SyncFull,
  SyncReply,
  UnlockAccepted,
  UnlockCommandMessage,
  WithSync,
} from '../support/contract.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { deleteItem, getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';

/** The cloud side of the panel protocol, driven by a bare MQTT client with a provisioned panel identity. */
let p: TestProperty;
let panelId: string;
let panel: RawPanel;
const topic = (leaf: string) => `lobby/panels/${panelId}/${leaf}`;

beforeAll(async () => {
  p = await newProperty();
  const created = await call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } });
  expect(created.status).toBe(201);
  expect(created.body.connection).toMatchObject({
    clientId: created.body.id,
    certificatePem: expect.stringContaining('BEGIN CERTIFICATE'),
    privateKeyPem: expect.stringContaining('PRIVATE KEY'),
  });
  panelId = created.body.id;
  panel = await connectRawPanel(created.body.connection);
});
afterAll(async () => {
  await panel?.close();
});

describe('panel protocol, cloud side', () => {
  it('a new PIN reaches the set: the sync returns its keyed hash, never the code', async () => {
    const pin = randomPin();
    const created = await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'USPS', pin } }));
    const sync = await eventually(async () => {
      const reply = await panel.request<SyncReply>({ op: 'credentials.sync', haveVersion: 0, haveKeyVersion: 0 });
      return reply.kind === 'full' && reply.version >= 1 ? reply : undefined;
    });
    const body = await (await fetch(sync.url)).arrayBuffer();
    expect(sync.bytes).toBe(body.byteLength);
    const { entries }: SetSnapshot = JSON.parse(gunzipSync(Buffer.from(body)).toString());
    expect(JSON.stringify(entries)).not.toContain(pin);
    const entry = entries.find((e) => e.id === created.body.id);
    expect(entry).toMatchObject({ type: 'delivery-pin', hash: codeHash(sync.panelKey, pin) });
    expect(setDigest(entries)).toBe(sync.digest);
    expect(sync.timezone).toBe('America/New_York');

    // A second panel asking for the same version shares the snapshot instead of rebuilding it.
    const again = await panel.request<SyncFull>({ op: 'credentials.sync', haveVersion: 0, haveKeyVersion: 0 });
    expect(again.version).toBe(sync.version);
    expect(new URL(again.url).pathname).toBe(new URL(sync.url).pathname);

    // Holding that version: nothing new. One more change: a delta, not the whole set.
    expect(await panel.request({ op: 'credentials.sync', haveVersion: sync.version, haveKeyVersion: sync.keyVersion })).toMatchObject({ kind: 'current', version: sync.version });
    await call('DELETE', `/properties/${p.id}/delivery-pins/${created.body.id}`, { token: p.tokens.admin });
    const delta = await eventually(async () => {
      const reply = await panel.request<SyncReply>({ op: 'credentials.sync', haveVersion: sync.version, haveKeyVersion: sync.keyVersion });
      return reply.kind === 'delta' && reply.removals.includes(created.body.id) ? reply : undefined;
    });
    expect(delta).toMatchObject({ kind: 'delta', fromVersion: sync.version });
  });

  it('stores an access event once per event id, with its photo behind a short-lived URL', async () => {
    const eventId = ulid();
    const upload = await panel.request<PhotoUrlReply>({ op: 'photo.upload-url', eventId });
    expect(upload.key).toBe(`photos/${p.id}/${panelId}/${eventId}.jpg`);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    expect((await fetch(upload.url, { method: 'PUT', body: jpeg, headers: { 'content-type': 'image/jpeg' } })).status).toBe(200);
    const event = { eventId, at: new Date().toISOString(), method: 'delivery-pin', decision: 'granted', credentialId: 'pin_x', photoKey: upload.key };
    await panel.publish(topic('events'), event);
    await panel.publish(topic('events'), event); // a re-send after a lost PUBACK
    let items: AccessEvent[] = [];
    await eventually(async () => {
      items = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.staff })).body.items;
      return items.some((i) => i.id === eventId);
    });
    await new Promise((r) => setTimeout(r, 300));
    items = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.staff })).body.items;
    expect(items.filter((i) => i.id === eventId)).toHaveLength(1);
    const stored = items.find((i) => i.id === eventId);
    expect(stored).toMatchObject({ panelId, method: 'delivery-pin', decision: 'granted', credentialId: 'pin_x' });
    const photoUrl = present(stored?.photoUrl, 'a photo URL');
    const photo = await fetch(photoUrl);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(jpeg);
    expect(new URL(photoUrl).searchParams.get('X-Amz-Expires')).toBe('300');
  });

  it("keeps events and photos for the property's retention: TTL on the event, and its removal takes the photo", async () => {
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { photoRetentionDays: 30 } }));
    const eventId = ulid();
    const upload = await panel.request<PhotoUrlReply>({ op: 'photo.upload-url', eventId });
    await fetch(upload.url, { method: 'PUT', body: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), headers: { 'content-type': 'image/jpeg' } });
    const at = new Date().toISOString();
    await panel.publish(topic('events'), { eventId, at, method: 'call', decision: 'granted', photoKey: upload.key });
    const item = await eventually(() => getItem(`PROP#${p.id}`, `EVENT#${eventId}`));
    // Retention counts from when the cloud received the event, not from the panel's clock.
    expect(item.expiresAtEpoch).toBe(Math.floor(Date.parse(String(item.receivedAt)) / 1000) + 30 * 86400);
    const stored = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.admin })).body.items.find((i) => i.id === eventId);
    const photoUrl = present(stored?.photoUrl, 'a photo URL');
    expect((await fetch(photoUrl)).status).toBe(200);
    await deleteItem(`PROP#${p.id}`, `EVENT#${eventId}`); // what the TTL sweeper does when the time comes
    await eventually(async () => (await fetch(photoUrl)).status === 404);
  });

  it('refuses an event whose photo key points outside its own prefix', async () => {
    const eventId = ulid();
    const control = ulid();
    await panel.publish(topic('events'), { eventId, at: new Date().toISOString(), method: 'call', decision: 'granted', photoKey: `photos/${p.id}/other-panel/${eventId}.jpg` });
    // Positive control, sent after it and handled the same way: once it is stored, the refused one had its turn.
    await panel.publish(topic('events'), {
      eventId: control,
      at: new Date().toISOString(),
      method: 'call',
      decision: 'granted',
      photoKey: `photos/${p.id}/${panelId}/${control}.jpg`,
    });
    await eventually(async () =>
      (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items.some((i) => i.id === control),
    );
    expect(await getItem(`PROP#${p.id}`, `EVENT#${control}`)).toBeDefined();
    expect(await getItem(`PROP#${p.id}`, `EVENT#${eventId}`)).toBeUndefined();
  });

  it('a re-sent event id never overwrites the stored event (granted, re-sent as denied -> still granted)', async () => {
    const eventId = ulid();
    const at = new Date().toISOString();
    await panel.publish(topic('events'), { eventId, at, method: 'delivery-pin', decision: 'granted', credentialId: 'pin_first' });
    await eventually(async () => getItem(`PROP#${p.id}`, `EVENT#${eventId}`));
    await panel.publish(topic('events'), { eventId, at, method: 'delivery-pin', decision: 'denied', reason: 'unknown-code' });
    const control = ulid();
    await panel.publish(topic('events'), { eventId: control, at: new Date().toISOString(), method: 'delivery-pin', decision: 'denied', reason: 'unknown-code' });
    await eventually(async () => getItem(`PROP#${p.id}`, `EVENT#${control}`));
    expect(await getItem(`PROP#${p.id}`, `EVENT#${eventId}`)).toMatchObject({ decision: 'granted', credentialId: 'pin_first' });
    const listed = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items.filter((i) => i.id === eventId);
    expect(listed).toEqual([expect.objectContaining({ decision: 'granted', credentialId: 'pin_first' })]);
    expect(listed[0].reason).toBeUndefined();
  });

  it('lists events newest first and filters by time and panel', async () => {
    const older = ulid(Date.now() - 3_600_000);
    await panel.publish(topic('events'), {
      eventId: older,
      at: new Date(Date.now() - 3_600_000).toISOString(),
      method: 'delivery-pin',
      decision: 'denied',
      reason: 'unknown-code',
    });
    await eventually(async () =>
      (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items.some((i) => i.id === older),
    );
    const all = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items;
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort().reverse());
    const recent = (
      await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?from=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}`, { token: p.tokens.admin })
    ).body.items;
    expect(recent.some((i) => i.id === older)).toBe(false);
    const old = (
      await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?to=${encodeURIComponent(new Date(Date.now() - 1_800_000).toISOString())}`, { token: p.tokens.admin })
    ).body.items;
    expect(old.map((i) => i.id)).toEqual([older]);
    expect((await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?panelId=nope`, { token: p.tokens.admin })).body.items).toEqual([]);
    expect((await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.resident })).status).toBe(403);
  });

  it('remote unlock: the command reaches the panel with an expiry; the ack settles it once', async () => {
    const sent = await call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${panelId}/unlock`, { token: p.tokens.resident });
    expect(sent.status).toBe(202);
    expect(Date.parse(sent.body.expiresAt)).toBeGreaterThan(Date.now());
    const command = await panel.next<UnlockCommandMessage>(topic('commands'), (c) => c.commandId === sent.body.commandId);
    expect(command).toMatchObject({ type: 'unlock', expiresAt: sent.body.expiresAt, protocolVersion: PROTOCOL_VERSION });
    const path = `/properties/${p.id}/panels/${panelId}/commands/${sent.body.commandId}`;
    expect((await call<Command>('GET', path, { token: p.tokens.resident })).body.status).toBe('sent');
    await panel.publish(topic('acks'), { commandId: command.commandId, status: 'executed', at: new Date().toISOString(), eventId: ulid() });
    await eventually(async () => (await call<Command>('GET', path, { token: p.tokens.resident })).body.status === 'executed');
    await panel.publish(topic('acks'), { commandId: command.commandId, status: 'expired', at: new Date().toISOString() });
    // Positive control: an ack for a second command, sent after the repeat, is applied; by then the repeat was handled.
    const control = (await expectOk(call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${panelId}/unlock`, { token: p.tokens.admin }))).body.commandId;
    await panel.publish(topic('acks'), { commandId: control, status: 'expired', at: new Date().toISOString() });
    await eventually(async () => (await getItem(`PROP#${p.id}`, `CMD#${control}`))?.status === 'expired');
    expect((await call<Command>('GET', path, { token: p.tokens.admin })).body.status).toBe('executed');
    // Another resident's view of it: not theirs.
    expect((await call<Command>('GET', path, { token: p.tokens.staff })).status).toBe(200);
  });

  it("an ack from another panel does not settle this panel's command", async () => {
    const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Side door', kind: 'entrance' } }));
    const other = await connectRawPanel(created.body.connection);
    try {
      const unlock = async () => (await expectOk(call<UnlockAccepted>('POST', `/properties/${p.id}/panels/${panelId}/unlock`, { token: p.tokens.admin }))).body.commandId as string;
      const [target, control] = [await unlock(), await unlock()];
      const path = (commandId: string) => `/properties/${p.id}/panels/${panelId}/commands/${commandId}`;
      // Panel B acks panel A's command on its own topic (the only one its policy lets it use).
      await other.publish(`lobby/panels/${created.body.id}/acks`, { commandId: target, status: 'executed', at: new Date().toISOString(), eventId: ulid() });
      // Positive control: an ack sent after it, by the right panel, is settled.
      await panel.publish(topic('acks'), { commandId: control, status: 'executed', at: new Date().toISOString(), eventId: ulid() });
      await eventually(async () => (await call<Command>('GET', path(control), { token: p.tokens.admin })).body.status === 'executed');
      expect(await getItem(`PROP#${p.id}`, `CMD#${target}`).then((c) => c && { status: c.status, executedAt: c.executedAt })).toEqual({ status: 'sent', executedAt: undefined });
      // The right panel can still settle it.
      await panel.publish(topic('acks'), { commandId: target, status: 'executed', at: new Date().toISOString(), eventId: ulid() });
      await eventually(async () => (await call<Command>('GET', path(target), { token: p.tokens.admin })).body.status === 'executed');
    } finally {
      await other.close();
    }
  });

  it('heartbeats move the panel to in sync; the PIN shows which doors have it', async () => {
    const created = await expectOk(
      call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'FedEx', pin: randomPin() } }),
    );
    const pinPath = `/properties/${p.id}/delivery-pins/${created.body.id}`;
    await eventually(async () => (await call<WithSync<DeliveryPin>>('GET', pinPath, { token: p.tokens.admin })).body.sync.panels.some((x) => x.panelId === panelId));
    // The stream has folded the PIN into a set version once its change time is known;
    // only then is the panel's desired version one that includes it.
    await eventually(async () => {
      const sync = (await call<WithSync<DeliveryPin>>('GET', pinPath, { token: p.tokens.admin })).body.sync;
      return sync.state === 'setting' && sync.panels.every((x) => x.since !== null);
    });
    const desired = (await call<Panel>('GET', `/properties/${p.id}/panels/${panelId}`, { token: p.tokens.admin })).body.credentials.desiredVersion;
    expect(desired).toBeGreaterThan(0);
    await panel.publish(topic('heartbeat'), { at: new Date().toISOString(), credentials: { version: desired, digest: 'x' } });
    await eventually(async () => (await call<Panel>('GET', `/properties/${p.id}/panels/${panelId}`, { token: p.tokens.admin })).body.credentials.inSync === true);
    const shown = await call<Panel>('GET', `/properties/${p.id}/panels/${panelId}`, { token: p.tokens.admin });
    expect(shown.body.credentials).toMatchObject({ desiredVersion: desired, reportedVersion: desired, inSync: true, online: true });
    const sync = (await call<WithSync<DeliveryPin>>('GET', pinPath, { token: p.tokens.admin })).body.sync;
    expect(sync.state).toBe('set');
    expect(sync.panels.find((x) => x.panelId === panelId)).toMatchObject({ state: 'set' });
  });
});
