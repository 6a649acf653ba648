import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { DescribeSignalingChannelCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvsMediaAdapter } from '../../functions/adapters/kvs-media.ts';
import type { CallMedia } from '../../functions/domain/call-ports.ts';
import { joinCallMedia, type PanelCallMedia } from '../../iot/panel/call-media.ts';
import { joinAsViewer, type ResidentCall } from '../../local/resident/client.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { call, expectOk, newProperty, stack, type TestProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';

/**
 * A real WebRTC session over loopback: the panel agent's call media (MASTER) and the reference
 * resident client (VIEWER) negotiate through the local KVS signaling stand-in with the
 * sessions the cloud hands out (the same adapter the Lambda functions run), and a data-channel
 * message flows each way. The stand-in relays only SDP and ICE, so a message arriving proves
 * the peer connection (ICE, DTLS, SCTP) is up, not just that signaling worked.
 */
const kv = new KinesisVideoClient({ endpoint: stack().kvsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
const ca = () => readFileSync(stack().localCaFile, 'utf8');
let p: TestProperty;
let media: CallMedia;
beforeAll(async () => {
  p = await newProperty('Call Media Tower');
  // What the local stack's functions run: no LOBBY_STAGE there, so channels are lobby-local-<panelId>.
  media = await kvsMediaAdapter({ client: kv, stage: 'local' });
});
afterAll(() => kv.destroy());

const createPanel = async () =>
  (await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }))).body;
const channelOf = (panelId: string) =>
  kv.send(new DescribeSignalingChannelCommand({ ChannelName: `lobby-local-${panelId}` })).then(
    (r) => r.ChannelInfo,
    (e: Error) => e.name,
  );
const nextMessage = (from: EventEmitter) =>
  new Promise<string[]>((resolve) => {
    from.once('message', (...args: string[]) => resolve(args));
  });

describe('signaling channels come and go with the panel', () => {
  it("POST /panels creates the panel's channel; DELETE (decommission) removes it", async () => {
    const panel = await createPanel();
    expect(await channelOf(panel.id)).toMatchObject({ ChannelName: `lobby-local-${panel.id}`, ChannelStatus: 'ACTIVE', ChannelType: 'SINGLE_MASTER' });
    expect((await call('DELETE', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.admin })).status).toBe(204);
    expect(await channelOf(panel.id)).toBe('ResourceNotFoundException');
  });
});

describe('WebRTC between the panel (MASTER) and the resident client (VIEWER)', () => {
  it('a data-channel message flows both ways over loopback', async () => {
    const panel = await createPanel();
    let panelMedia: PanelCallMedia | undefined;
    let resident: ResidentCall | undefined;
    try {
      panelMedia = await joinCallMedia(await media.session(panel.id, 'MASTER'), { ca: ca(), loopbackOnly: true });
      const atPanel = nextMessage(panelMedia);
      const viewer = await media.session(panel.id, 'VIEWER', 'call-1.viewer');
      resident = await joinAsViewer(viewer, { ca: ca(), loopbackOnly: true });
      // panel -> resident: the panel greets every viewer whose data channel opened.
      expect(await resident.ready).toBe('panel-ready');
      // resident -> panel, named by its client id.
      resident.send('hello from 4B');
      expect(await atPanel).toEqual(['call-1.viewer', 'hello from 4B']);
      // And again panel -> resident, after the greeting.
      const atResident = nextMessage(resident);
      expect(panelMedia.send('door is opening')).toBe(1);
      expect(await atResident).toEqual(['door is opening']);
    } finally {
      await resident?.close();
      await panelMedia?.close();
      await call('DELETE', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.admin });
    }
  });

  it("a viewer session for another panel's channel never reaches this panel", async () => {
    const [mine, other] = await Promise.all([createPanel(), createPanel()]);
    const panelMedia = await joinCallMedia(await media.session(mine.id, 'MASTER'), { ca: ca(), loopbackOnly: true });
    const seen: string[] = [];
    panelMedia.on('viewer', (id) => seen.push(id));
    const stray = await joinAsViewer(await media.session(other.id, 'VIEWER', 'stray.viewer'), { ca: ca(), loopbackOnly: true });
    // The right viewer connects after the stray one offered: when it is greeted, the stray one was not.
    const right = await joinAsViewer(await media.session(mine.id, 'VIEWER', 'right.viewer'), { ca: ca(), loopbackOnly: true });
    try {
      expect(await right.ready).toBe('panel-ready');
      expect(seen).toEqual(['right.viewer']);
    } finally {
      await Promise.all([stray.close(), right.close(), panelMedia.close()]);
    }
  });
});
