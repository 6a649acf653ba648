import { EventEmitter } from 'node:events';
import { RTCPeerConnection, type RTCIceCandidate } from 'werift';
import { type CallMediaOptions, type MediaJoin, openSignaling, parseSignal, rtcConfiguration, sendSignal } from '../../iot/panel/call-media.ts';

/**
 * The reference resident client: what a resident's app does after `POST .../calls/{id}/accept`.
 * With the `media` of the reply it joins the panel's KVS signaling channel as VIEWER (the
 * presigned URL is all it needs, no AWS credentials), offers a WebRTC session with a data
 * channel `call`, and talks to the panel over it. Apps use AWS's KVS WebRTC SDK the same way.
 */

export interface ViewerJoin extends MediaJoin {
  clientId?: string;
  expiresAt?: string;
}

/** Events: `message` (text from the panel), `error` (Error). */
export interface ResidentCall extends EventEmitter {
  /** Resolves when the data channel is open (ICE, DTLS and SCTP are up): send from here on. */
  readonly opened: Promise<void>;
  /** Resolves with the panel's first data-channel message (the session is up end to end). */
  readonly ready: Promise<string>;
  send(text: string): void;
  close(): Promise<void>;
}

export async function joinAsViewer(join: ViewerJoin, opts: CallMediaOptions = {}): Promise<ResidentCall> {
  const ws = await openSignaling(join.signalingUrl, opts.ca);
  const events = new EventEmitter();
  const pc = new RTCPeerConnection(rtcConfiguration(join, opts));
  const channel = pc.createDataChannel('call');
  const pending: RTCIceCandidate[] = [];
  let answered = false;
  const ready = new Promise<string>((resolve) => events.once('message', resolve));
  // Nobody may be listening on ready (a failed join): keep an unobserved rejection out of the process.
  ready.catch(() => {});
  const opened = new Promise<void>((resolve) =>
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') resolve();
    }),
  );
  channel.onMessage.subscribe((data) => events.emit('message', data.toString()));
  pc.onIceCandidate.subscribe((candidate) => {
    if (candidate) sendSignal(ws, 'ICE_CANDIDATE', candidate.toJSON());
  });
  ws.on('message', (data) => {
    const signal = parseSignal(data);
    if (!signal) return;
    if (signal.type === 'SDP_ANSWER') {
      pc.setRemoteDescription(signal.payload as { type: 'answer'; sdp: string }).then(
        async () => {
          answered = true;
          for (const candidate of pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
        },
        (error: Error) => events.emit('error', error),
      );
    } else if (signal.type === 'ICE_CANDIDATE') {
      const candidate = signal.payload as RTCIceCandidate;
      if (answered) pc.addIceCandidate(candidate).catch(() => {});
      else pending.push(candidate);
    }
  });
  await pc.setLocalDescription(await pc.createOffer());
  sendSignal(ws, 'SDP_OFFER', { type: 'offer', sdp: pc.localDescription?.sdp });

  return Object.assign(events, {
    opened,
    ready,
    send(text: string) {
      channel.send(text);
    },
    async close() {
      ws.close();
      await pc.close().catch(() => {});
    },
  }) as ResidentCall;
}

/** `POST /properties/{propertyId}/calls/{callId}/accept` as the app calls it; the reply's `media` is the viewer session. */
export async function acceptCall(
  api: { url: string; token: string },
  propertyId: string,
  callId: string,
): Promise<{ status: number; body: { media?: ViewerJoin } & Record<string, unknown> }> {
  const res = await fetch(`${api.url}/properties/${encodeURIComponent(propertyId)}/calls/${encodeURIComponent(callId)}/accept`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
