import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateSignalingChannelCommand, DescribeSignalingChannelCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { SignatureV4 } from '@smithy/signature-v4';
import { Role, SignalingClient } from 'amazon-kinesis-video-streams-webrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { kvsMediaAdapter, SIGNALING_URL_SECONDS, withSignalingChannel } from '../../functions/adapters/kvs-media.ts';
import type { PanelProvisioner } from '../../functions/domain/panel-provisioner.ts';
import type { CallMedia } from '../../functions/domain/call-ports.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { stack } from '../support/api.ts';

/**
 * The local KVS signaling stand-in is as strict as KVS: the control plane answers the SDK as
 * KVS does, and a WebSocket connects only with an unexpired URL presigned for exactly its
 * channel and role by the local key pair. AWS's own WebRTC SDK (SignalingClient, with its own
 * SigV4 signer) connects as MASTER and VIEWER and relays offer, answer and candidates.
 */
const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS) =>
  new KinesisVideoClient({ endpoint: stack().kvsEndpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const kv = clientWith();
const ca = () => readFileSync(stack().localCaFile, 'utf8');
const panelId = () => `panel-${randomUUID().slice(0, 8)}`;
let media: CallMedia;
beforeAll(async () => {
  media = await kvsMediaAdapter({ client: kv, stage: 'test' });
});
afterAll(() => kv.destroy());

/** Opens a WebSocket to the URL; resolves 'open' or the HTTP status the upgrade was refused with. */
function connect(url: string): Promise<{ ws?: WebSocket; status: number | 'open' }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { ca: ca() });
    ws.once('open', () => resolve({ ws, status: 'open' }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', () => resolve({ status: 0 }));
  });
}
type Sdp = Parameters<SignalingClient['sendSdpOffer']>[0];
type Candidate = Parameters<SignalingClient['sendIceCandidate']>[0];
/** Presigns a signaling URL like KVS clients do (what the adapter does, with any query). */
async function presign(origin: string, query: Record<string, string>) {
  const url = new URL(origin);
  const signer = new SignatureV4({ service: 'kinesisvideo', region: 'us-east-1', credentials: LOCAL_CREDENTIALS, sha256: kv.config.sha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'wss:', hostname: url.hostname, port: Number(url.port), path: '/', query, headers: { host: url.host } },
    { expiresIn: 60 },
  );
  return `${origin}/?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
}
const withQuery = (url: string, edit: (q: URLSearchParams) => void) => {
  const u = new URL(url);
  edit(u.searchParams);
  return u.toString();
};

describe('KVS control plane (the SDK against the stand-in)', () => {
  it('openChannel creates lobby-<stage>-<panelId> once and is idempotent; DescribeSignalingChannel finds it', async () => {
    const id = panelId();
    const arn = await media.openChannel(id);
    expect(arn).toMatch(new RegExp(`^arn:aws:kinesisvideo:us-east-1:\\d{12}:channel/lobby-test-${id}/\\d+$`));
    expect(await media.openChannel(id)).toBe(arn);
    const described = await kv.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
    expect(described.ChannelInfo).toMatchObject({ ChannelName: `lobby-test-${id}`, ChannelType: 'SINGLE_MASTER', ChannelStatus: 'ACTIVE' });
  });

  it('refuses what KVS refuses: a bad channel name, an unknown channel, a wrong secret', async () => {
    const bad = await kv.send(new CreateSignalingChannelCommand({ ChannelName: 'no spaces/allowed' })).catch((e: Error) => e);
    expect((bad as Error).name).toBe('InvalidArgumentException');
    const missing = await kv.send(new DescribeSignalingChannelCommand({ ChannelName: `lobby-test-${panelId()}` })).catch((e: Error) => e);
    expect((missing as Error).name).toBe('ResourceNotFoundException');
    const wrong = clientWith({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const denied = await wrong.send(new DescribeSignalingChannelCommand({ ChannelName: 'x' })).catch((e: Error) => e);
    wrong.destroy();
    expect((denied as Error).name).toBe('InvalidSignatureException');
  });

  it('closeChannel deletes the channel (a second close is fine); a session for it then fails', async () => {
    const id = panelId();
    await media.openChannel(id);
    await media.closeChannel(id);
    await media.closeChannel(id);
    const missing = await kv.send(new DescribeSignalingChannelCommand({ ChannelName: `lobby-test-${id}` })).catch((e: Error) => e);
    expect((missing as Error).name).toBe('ResourceNotFoundException');
  });
});

describe("the channel comes and goes with the panel's identity (withSignalingChannel)", () => {
  const recording = () => {
    const calls: string[] = [];
    const provisioner: PanelProvisioner = {
      provision: async (id) => {
        calls.push(`provision ${id}`);
        return { connection: { mqttUrl: 'mqtts://x', clientId: id, certificatePem: '', privateKeyPem: '' }, certificate: { certificateId: `cert-${id}` } };
      },
      decommission: async (id, cert) => {
        calls.push(`decommission ${id} ${cert?.certificateId}`);
      },
    };
    return { calls, provisioner };
  };

  it('provision opens the channel; decommission takes the identity back, then deletes the channel', async () => {
    const { calls, provisioner } = recording();
    const id = panelId();
    const withChannel = withSignalingChannel(provisioner, media);
    await withChannel.provision(id, 'prop-1');
    expect((await kv.send(new DescribeSignalingChannelCommand({ ChannelName: `lobby-test-${id}` }))).ChannelInfo?.ChannelName).toBe(`lobby-test-${id}`);
    await withChannel.decommission(id, { certificateId: `cert-${id}` });
    expect(calls).toEqual([`provision ${id}`, `decommission ${id} cert-${id}`]);
    const gone = await kv.send(new DescribeSignalingChannelCommand({ ChannelName: `lobby-test-${id}` })).catch((e: Error) => e.name);
    expect(gone).toBe('ResourceNotFoundException');
  });

  it('a channel that cannot be created takes the new identity back (no panel without its channel)', async () => {
    const { calls, provisioner } = recording();
    const id = panelId();
    // Not a valid channel name (KVS allows no space): openChannel fails.
    const refusing = await kvsMediaAdapter({ client: kv, stage: 'no such' });
    const error = await withSignalingChannel(provisioner, refusing)
      .provision(id, 'prop-1')
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(calls).toEqual([`provision ${id}`, `decommission ${id} cert-${id}`]);
  });
});

describe('presigned signaling URLs', () => {
  it('a viewer session: WSS URL naming only its channel and client id, signed, short-lived; ICE servers from GetIceServerConfig plus STUN', async () => {
    const id = panelId();
    const arn = await media.openChannel(id);
    const session = await media.session(id, 'VIEWER');
    expect(session).toMatchObject({ role: 'VIEWER', channelArn: arn, clientId: expect.stringMatching(/^viewer-[0-9a-f]{24}$/) });
    const url = new URL(session.signalingUrl);
    expect(url.protocol).toBe('wss:');
    expect(url.searchParams.get('X-Amz-ChannelARN')).toBe(arn);
    expect(url.searchParams.get('X-Amz-ClientId')).toBe(session.clientId);
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(SIGNALING_URL_SECONDS));
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/kinesisvideo\/aws4_request$/);
    // Nothing but the signature's own parameters, the channel and the client id.
    expect([...url.searchParams.keys()].sort()).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-ChannelARN',
      'X-Amz-ClientId',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
    ]);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(SIGNALING_URL_SECONDS * 1000);
    expect(session.iceServers[0]?.urls).toEqual(['stun:stun.kinesisvideo.us-east-1.amazonaws.com:443']);
    expect(session.iceServers.slice(1).length).toBeGreaterThan(0);
    for (const turn of session.iceServers.slice(1))
      expect(turn).toMatchObject({ urls: expect.arrayContaining([expect.stringMatching(/^turns?:/)]), username: expect.any(String), credential: expect.any(String) });
    const master = await media.session(id, 'MASTER');
    expect(master.clientId).toBeUndefined();
    expect(new URL(master.signalingUrl).searchParams.has('X-Amz-ClientId')).toBe(false);

    const ok = await connect(session.signalingUrl);
    expect(ok.status).toBe('open');
    ok.ws?.close();
  });

  it('the stand-in refuses an expired URL, the URL turned to another channel, a viewer URL without its client id, an empty client id, a tampered signature, a deleted channel', async () => {
    const id = panelId();
    const other = panelId();
    await media.openChannel(id);
    const otherArn = await media.openChannel(other);
    const signedAgo = (seconds: number) => kvsMediaAdapter({ client: kv, stage: 'test', now: () => new Date(Date.now() - seconds * 1000) });

    const expired = await (await signedAgo(SIGNALING_URL_SECONDS + 5)).session(id, 'VIEWER');
    expect((await connect(expired.signalingUrl)).status).toBe(403);
    // Signed a little earlier but still within its lifetime: accepted (the refusal above is the expiry).
    const recent = await (await signedAgo(SIGNALING_URL_SECONDS - 60)).session(id, 'VIEWER');
    const recentOk = await connect(recent.signalingUrl);
    expect(recentOk.status).toBe('open');
    recentOk.ws?.close();

    const viewer = await media.session(id, 'VIEWER');
    expect((await connect(withQuery(viewer.signalingUrl, (q) => q.set('X-Amz-ChannelARN', otherArn)))).status).toBe(403);
    expect((await connect(withQuery(viewer.signalingUrl, (q) => q.delete('X-Amz-ClientId')))).status).toBe(403);
    expect((await connect(withQuery(viewer.signalingUrl, (q) => q.set('X-Amz-ClientId', 'someone-else')))).status).toBe(403);
    expect((await connect(withQuery(viewer.signalingUrl, (q) => q.set('X-Amz-Signature', '0'.repeat(64))))).status).toBe(403);
    expect(
      (
        await connect(
          withQuery(viewer.signalingUrl, (q) => {
            for (const k of [...q.keys()]) if (k !== 'X-Amz-ChannelARN' && k !== 'X-Amz-ClientId') q.delete(k);
          }),
        )
      ).status,
    ).toBe(403);
    // An empty client id is no viewer (KVS: 1-256 characters), even correctly signed; GetIceServerConfig says so too.
    expect((await connect(await presign(new URL(viewer.signalingUrl).origin, { 'X-Amz-ChannelARN': viewer.channelArn, 'X-Amz-ClientId': '' }))).status).toBe(400);
    expect(((await media.session(id, 'VIEWER', '').catch((e: Error) => e)) as Error).name).toBe('InvalidArgumentException');
    // The same signer with a proper client id is admitted (so the 400 above is the empty id).
    const signed = await connect(await presign(new URL(viewer.signalingUrl).origin, { 'X-Amz-ChannelARN': viewer.channelArn, 'X-Amz-ClientId': 'me' }));
    expect(signed.status).toBe('open');
    signed.ws?.close();

    await media.closeChannel(id);
    expect((await connect(viewer.signalingUrl)).status).toBe(404);
  });
});

describe('AWS SignalingClient (amazon-kinesis-video-streams-webrtc) through the stand-in', () => {
  it('MASTER and VIEWER, each signing its own URL with SigV4, exchange an offer, an answer and ICE candidates', async () => {
    const id = panelId();
    const arn = await media.openChannel(id);
    const endpoint = new URL((await media.session(id, 'MASTER')).signalingUrl).origin;
    // The SDK uses the global WebSocket (browsers); on Node 20 that is ws, trusting the local CA like a browser trusts AWS's.
    const localCa = ca();
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { ca: localCa });
      }
    };
    const config = { channelARN: arn, channelEndpoint: endpoint, region: 'us-east-1', credentials: { ...LOCAL_CREDENTIALS }, systemClockOffset: 0 };
    const master = new SignalingClient({ ...config, role: Role.MASTER });
    const viewer = new SignalingClient({ ...config, role: Role.VIEWER, clientId: 'resident-app-1' });
    try {
      const opened = (c: SignalingClient) =>
        new Promise<void>((resolve, reject) => {
          c.once('open', resolve);
          c.once('error', reject);
        });
      const masterOpen = opened(master);
      master.open();
      await masterOpen;
      const viewerOpen = opened(viewer);
      viewer.open();
      await viewerOpen;

      const offer = new Promise<[unknown, string]>((resolve) => master.once('sdpOffer', (o, from) => resolve([o, from])));
      viewer.sendSdpOffer({ type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' } as unknown as Sdp);
      const [gotOffer, from] = await offer;
      expect(gotOffer).toEqual({ type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' });
      expect(from).toBe('resident-app-1');

      const answer = new Promise<unknown>((resolve) => viewer.once('sdpAnswer', resolve));
      master.sendSdpAnswer({ type: 'answer', sdp: 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n' } as unknown as Sdp, from);
      expect(await answer).toEqual({ type: 'answer', sdp: 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n' });

      const candidate = { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      const atViewer = new Promise<unknown>((resolve) => viewer.once('iceCandidate', resolve));
      const atMaster = new Promise<[unknown, string]>((resolve) => master.once('iceCandidate', (c, who) => resolve([c, who])));
      master.sendIceCandidate(candidate as unknown as Candidate, from);
      viewer.sendIceCandidate(candidate as unknown as Candidate);
      expect(await atViewer).toMatchObject(candidate);
      expect(await atMaster).toEqual([expect.objectContaining(candidate), 'resident-app-1']);
    } finally {
      master.close();
      viewer.close();
      delete (globalThis as { WebSocket?: unknown }).WebSocket;
    }
  });
});
