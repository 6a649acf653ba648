import { EventEmitter } from 'node:events';
import { RTCPeerConnection, type RTCDataChannel, type RTCIceCandidate, type RTCPeerConnectionConfig } from 'werift';
import WebSocket from 'ws';

/**
 * The panel's side of a call's media: it joins the panel's KVS signaling channel as MASTER
 * with the presigned URL the cloud gave it (no AWS credentials on the panel), answers each
 * viewer's SDP offer with a werift RTCPeerConnection and trickles ICE candidates both ways.
 * The resident's app (clients/resident) offers a data channel `call`; the panel takes
 * whatever channels the viewer opens and says `panel-ready` on each, so the app knows media
 * flows end to end (not just signaling).
 */

/** What the cloud hands the panel (iot/protocol/calls.ts mediaSession, domain MediaSession). */
export interface MediaJoin {
  signalingUrl: string;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
}

export interface CallMediaOptions {
  /** The CA the signaling endpoint's certificate chains to; locally the IoT CA the panel already holds. Default: Node's bundle. */
  ca?: string;
  /** Host candidates on 127.0.0.1 only and no ICE servers: the local stack and tests, where traffic stays on loopback. */
  loopbackOnly?: boolean;
}

/** KVS signaling messages: what a client sends, and what it receives. */
export type SignalingAction = 'SDP_OFFER' | 'SDP_ANSWER' | 'ICE_CANDIDATE';
interface Received {
  messageType?: string;
  messagePayload?: string;
  senderClientId?: string;
}

const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');
const decode = (payload: string | undefined): unknown => JSON.parse(Buffer.from(payload ?? '', 'base64').toString('utf8'));

/** werift's configuration for a session: the cloud's ICE servers, or loopback host candidates only. */
export function rtcConfiguration(join: MediaJoin, opts: CallMediaOptions): RTCPeerConnectionConfig {
  if (!opts.loopbackOnly) return { iceServers: join.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })) };
  return {
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    // werift also gathers the machine's other addresses: check pairs to loopback only.
    iceFilterCandidatePair: (pair) => pair.remoteCandidate.host === '127.0.0.1',
  };
}

/** Opens the presigned signaling URL; rejects with the HTTP status when KVS refuses it. */
export function openSignaling(url: string, ca?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ca ? { ca } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(new Error(`signaling refused: HTTP ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
}

export const sendSignal = (ws: WebSocket, action: SignalingAction, payload: unknown, recipientClientId?: string) =>
  ws.send(JSON.stringify({ action, messagePayload: encode(payload), ...(recipientClientId ? { recipientClientId } : {}) }));

export function parseSignal(data: WebSocket.RawData): { type: string; payload: unknown; from: string } | undefined {
  try {
    const message = JSON.parse(data.toString()) as Received;
    if (!message.messageType || !message.messagePayload) return undefined;
    return { type: message.messageType, payload: decode(message.messagePayload), from: message.senderClientId ?? '' };
  } catch {
    return undefined;
  }
}

interface Viewer {
  pc: RTCPeerConnection;
  pending: RTCIceCandidate[];
  described: boolean;
  channels: RTCDataChannel[];
}

/** Events: `viewer` (viewerId: its data channel opened), `message` (viewerId, text), `error` (Error). */
export interface PanelCallMedia extends EventEmitter {
  /** Sends text to every viewer whose data channel is open; how many got it. */
  send(text: string): number;
  close(): Promise<void>;
}

/** Joins as MASTER and answers viewers until closed (the call ends). */
export async function joinCallMedia(join: MediaJoin, opts: CallMediaOptions = {}): Promise<PanelCallMedia> {
  const ws = await openSignaling(join.signalingUrl, opts.ca);
  const events = new EventEmitter();
  const viewers = new Map<string, Viewer>();
  const config = rtcConfiguration(join, opts);

  const offered = async (viewerId: string, offer: { type: 'offer'; sdp: string }) => {
    // A new offer from the same viewer is a new session (the app reconnected).
    viewers
      .get(viewerId)
      ?.pc.close()
      .catch(() => {});
    const pc = new RTCPeerConnection(config);
    const viewer: Viewer = { pc, pending: [], described: false, channels: [] };
    viewers.set(viewerId, viewer);
    pc.onIceCandidate.subscribe((candidate) => {
      if (candidate) sendSignal(ws, 'ICE_CANDIDATE', candidate.toJSON(), viewerId);
    });
    pc.onDataChannel.subscribe((channel) => {
      viewer.channels.push(channel);
      const ready = () => {
        channel.send('panel-ready');
        events.emit('viewer', viewerId);
      };
      if (channel.readyState === 'open') ready();
      else
        channel.stateChanged.subscribe((state) => {
          if (state === 'open') ready();
        });
      channel.onMessage.subscribe((data) => events.emit('message', viewerId, data.toString()));
    });
    await pc.setRemoteDescription(offer);
    viewer.described = true;
    for (const candidate of viewer.pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
    await pc.setLocalDescription(await pc.createAnswer());
    sendSignal(ws, 'SDP_ANSWER', { type: 'answer', sdp: pc.localDescription?.sdp }, viewerId);
  };

  ws.on('message', (data) => {
    const signal = parseSignal(data);
    if (!signal?.from) return;
    if (signal.type === 'SDP_OFFER') {
      offered(signal.from, signal.payload as { type: 'offer'; sdp: string }).catch((error: Error) => events.emit('error', error));
    } else if (signal.type === 'ICE_CANDIDATE') {
      const viewer = viewers.get(signal.from);
      const candidate = signal.payload as RTCIceCandidate;
      if (!viewer) return;
      if (viewer.described) viewer.pc.addIceCandidate(candidate).catch(() => {});
      else viewer.pending.push(candidate);
    }
  });

  const media = Object.assign(events, {
    send(text: string) {
      let sent = 0;
      for (const viewer of viewers.values()) {
        for (const channel of viewer.channels) {
          if (channel.readyState !== 'open') continue;
          channel.send(text);
          sent++;
        }
      }
      return sent;
    },
    async close() {
      ws.close();
      await Promise.all([...viewers.values()].map((v) => v.pc.close().catch(() => {})));
      viewers.clear();
    },
  });
  return media as PanelCallMedia;
}
