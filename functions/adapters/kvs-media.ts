import { randomBytes } from 'node:crypto';
import type { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import type { CallMedia, MediaSession } from '../domain/call-ports.ts';
import type { PanelProvisioner } from '../domain/panel-provisioner.ts';
import { BoundedCache } from '../domain/bounded-cache.ts';
import { onFirstUse } from './on-first-use.ts';

export type { CallMedia, MediaSession };

/** How long a presigned signaling URL may be used to connect (KVS checks it at connect time only). */
export const SIGNALING_URL_SECONDS = 300;
/** KVS channel names: 1-256 of [a-zA-Z0-9_.-]. */
const CHANNEL_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;

/** The panel's channel: `lobby-<stage>-<panelId>` (`lobby-local-...` without a stage), so IAM can scope a stage to `channel/lobby-<stage>-*`. */
export function signalingChannelName(panelId: string, stage = process.env.LOBBY_STAGE || 'local'): string {
  const name = `lobby-${stage}-${panelId}`;
  if (!CHANNEL_NAME.test(name)) throw new Error(`not a valid signaling channel name: ${JSON.stringify(name)}`);
  return name;
}

const notFound = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

/**
 * Call media through Kinesis Video Streams signaling: one SINGLE_MASTER channel per panel; a
 * session is the channel's WSS endpoint for the role, presigned with SigV4 (service
 * kinesisvideo, X-Amz-ChannelARN and for a viewer X-Amz-ClientId, all signed), and the ICE
 * servers from GetIceServerConfig plus the region's STUN server. The holder of a session
 * needs no AWS credentials and reaches this one channel, in this one role, until it expires.
 */
export async function kvsMediaAdapter(opts: { client?: KinesisVideoClient; now?: () => Date; stage?: string } = {}): Promise<CallMedia> {
  const [kv, signaling, { SignatureV4 }] = await Promise.all([
    import('@aws-sdk/client-kinesis-video'),
    import('@aws-sdk/client-kinesis-video-signaling'),
    import('@smithy/signature-v4'),
  ]);
  const client = opts.client ?? new kv.KinesisVideoClient({});
  const now = opts.now ?? (() => new Date());
  const stage = opts.stage;
  // A channel's ARN and endpoints do not change while it exists: one lookup per container.
  const arns = new BoundedCache<string, string>(1000);
  const endpoints = new BoundedCache<string, { wss: string; https: string }>(2000);
  const signers = new Map<string, InstanceType<typeof signaling.KinesisVideoSignalingClient>>();

  const arnOf = async (panelId: string) => {
    const cached = arns.get(panelId);
    if (cached) return cached;
    const described = await client.send(new kv.DescribeSignalingChannelCommand({ ChannelName: signalingChannelName(panelId, stage) }));
    const arn = described.ChannelInfo?.ChannelARN;
    if (!arn) throw new Error('DescribeSignalingChannel returned no ARN');
    arns.set(panelId, arn);
    return arn;
  };
  const endpointsOf = async (arn: string, role: MediaSession['role']) => {
    const key = `${role} ${arn}`;
    const cached = endpoints.get(key);
    if (cached) return cached;
    const { ResourceEndpointList: list = [] } = await client.send(
      new kv.GetSignalingChannelEndpointCommand({
        ChannelARN: arn,
        SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: role },
      }),
    );
    const wss = list.find((e) => e.Protocol === 'WSS')?.ResourceEndpoint;
    const https = list.find((e) => e.Protocol === 'HTTPS')?.ResourceEndpoint;
    if (!wss || !https) throw new Error('GetSignalingChannelEndpoint returned no WSS or HTTPS endpoint');
    const found = { wss, https };
    endpoints.set(key, found);
    return found;
  };
  const iceServersOf = async (arn: string, https: string, clientId: string | undefined) => {
    let signer = signers.get(https);
    if (!signer) {
      // The channel's own HTTPS endpoint, with the control client's region and credentials.
      signer = new signaling.KinesisVideoSignalingClient({ endpoint: https, region: await client.config.region(), credentials: client.config.credentials });
      signers.set(https, signer);
    }
    const { IceServerList: list = [] } = await signer.send(new signaling.GetIceServerConfigCommand({ ChannelARN: arn, ClientId: clientId, Service: 'TURN' }));
    const region = await client.config.region();
    return [{ urls: [`stun:stun.kinesisvideo.${region}.amazonaws.com:443`] }, ...list.map((s) => ({ urls: s.Uris ?? [], username: s.Username, credential: s.Password }))];
  };
  const presign = async (wss: string, query: Record<string, string>, signedAt: Date) => {
    const url = new URL(wss);
    const signer = new SignatureV4({ service: 'kinesisvideo', region: await client.config.region(), credentials: client.config.credentials, sha256: client.config.sha256 });
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname || '/',
        query,
        headers: { host: url.host },
      },
      { expiresIn: SIGNALING_URL_SECONDS, signingDate: signedAt },
    );
    const search = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
    return `${url.protocol}//${url.host}${url.pathname || '/'}?${search}`;
  };

  return {
    async openChannel(panelId) {
      const name = signalingChannelName(panelId, stage);
      try {
        const created = await client.send(new kv.CreateSignalingChannelCommand({ ChannelName: name, ChannelType: 'SINGLE_MASTER' }));
        if (!created.ChannelARN) throw new Error('CreateSignalingChannel returned no ARN');
        arns.set(panelId, created.ChannelARN);
        return created.ChannelARN;
      } catch (error) {
        // Already there (a retried create): the existing channel is the panel's.
        if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
        return arnOf(panelId);
      }
    },
    async closeChannel(panelId) {
      try {
        const arn = await arnOf(panelId);
        await client.send(new kv.DeleteSignalingChannelCommand({ ChannelARN: arn }));
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    },
    async session(panelId, role, clientId) {
      const viewerId = role === 'VIEWER' ? (clientId ?? `viewer-${randomBytes(12).toString('hex')}`) : undefined;
      const arn = await arnOf(panelId);
      const { wss, https } = await endpointsOf(arn, role);
      const signedAt = now();
      const [signalingUrl, iceServers] = await Promise.all([
        presign(wss, { 'X-Amz-ChannelARN': arn, ...(viewerId ? { 'X-Amz-ClientId': viewerId } : {}) }, signedAt),
        iceServersOf(arn, https, viewerId),
      ]);
      return {
        role,
        channelArn: arn,
        signalingUrl,
        iceServers,
        expiresAt: new Date(signedAt.getTime() + SIGNALING_URL_SECONDS * 1000).toISOString(),
        ...(viewerId ? { clientId: viewerId } : {}),
      };
    },
  };
}

/** The KVS clients and the signer are imported on the first call, not when the function loads. */
export function kvsMedia(): CallMedia {
  return onFirstUse(() => kvsMediaAdapter(), { openChannel: true, closeChannel: true, session: true });
}

/**
 * A panel's signaling channel comes and goes with its identity: created when the panel is
 * provisioned (a failure takes the new identity back), deleted when it is decommissioned.
 */
export function withSignalingChannel(provisioner: PanelProvisioner, media: Pick<CallMedia, 'openChannel' | 'closeChannel'>): PanelProvisioner {
  return {
    async provision(panelId, propertyId) {
      const provisioned = await provisioner.provision(panelId, propertyId);
      try {
        await media.openChannel(panelId);
      } catch (error) {
        await provisioner.decommission(panelId, provisioned.certificate).catch(() => {});
        throw error;
      }
      return provisioned;
    },
    async decommission(panelId, certificate) {
      // The identity first: a stolen panel stops connecting even if KVS is unreachable; a retry deletes the channel.
      await provisioner.decommission(panelId, certificate);
      await media.closeChannel(panelId);
    },
  };
}
