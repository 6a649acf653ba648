import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { listen } from '../listen.ts';
import { AwsError, headersOf, parseQuery, SigV4Verifier, type QueryParameterBag } from '../sigv4.ts';

/**
 * The local Kinesis Video Streams signaling stand-in, on two ports of 127.0.0.1:
 * - the control plane (kinesisvideo, REST-JSON as the SDK sends it): Create/Describe/Delete
 *   SignalingChannel and GetSignalingChannelEndpoint;
 * - the channel's HTTPS endpoint: GetIceServerConfig (kinesis-video-signaling);
 * - the channel's WSS endpoint: ConnectAsMaster / ConnectAsViewer with a SigV4-presigned URL,
 *   relaying SDP_OFFER / SDP_ANSWER / ICE_CANDIDATE like KVS.
 * The API (control plane and the "HTTPS" endpoint) is plain HTTP on `port`: the handlers' SDK
 * clients carry no local CA bundle. The WebSocket is WSS on `wssPort` with the local IoT CA's
 * server certificate (what the panel already trusts; AWS's own SDK insists on wss://). Every request is SigV4-checked with the local key
 * pair: unsigned, tampered, expired or foreign-channel URLs are refused before the upgrade.
 */

export const KVS_REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const CHANNEL_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
const CLIENT_ID = /^[a-zA-Z0-9_.-]{1,256}$/;
/** KVS limits for one signaling message (the base64 payload). */
const MAX_MESSAGE_BYTES = 64 * 1024;
const ACTIONS = new Set(['SDP_OFFER', 'SDP_ANSWER', 'ICE_CANDIDATE']);
/** How long the TURN credentials from GetIceServerConfig live (KVS: 300 s). */
const ICE_TTL_SECONDS = 300;

interface Channel {
  name: string;
  arn: string;
  type: 'SINGLE_MASTER';
  createdAt: string;
  version: string;
  messageTtlSeconds: number;
}
interface Peers {
  master?: WebSocket;
  viewers: Map<string, WebSocket>;
}

export interface LocalKvs {
  /** The control plane and GetIceServerConfig (http://127.0.0.1:port), for AWS_ENDPOINT_URL_KINESIS_VIDEO(_SIGNALING). */
  endpoint: string;
  /** The WSS signaling endpoint GetSignalingChannelEndpoint hands out. */
  wssEndpoint: string;
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const awsError = (res: ServerResponse, error: AwsError): void => void json(res, error.status, { message: error.message }, { 'x-amzn-errortype': error.code });
const invalid = (message: string) => new AwsError(400, 'InvalidArgumentException', message);
const notFound = () => new AwsError(404, 'ResourceNotFoundException', 'The requested channel is not found or not active.');

function splitUrl(raw: string): { path: string; query: QueryParameterBag } {
  const q = raw.indexOf('?');
  try {
    return { path: q < 0 ? raw : raw.slice(0, q), query: parseQuery(q < 0 ? '' : raw.slice(q + 1)) };
  } catch {
    throw invalid('Malformed query string.');
  }
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw invalid('Request too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startLocalKvs(opts: {
  port: number;
  wssPort: number;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tls: { keyPem: string; certificatePem: string };
}): Promise<LocalKvs> {
  await mkdir(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'channels.json');
  const channels = new Map<string, Channel>((JSON.parse(await readFile(file, 'utf8').catch(() => '[]')) as Channel[]).map((c) => [c.name, c]));
  const save = async () => {
    await writeFile(`${file}.tmp`, JSON.stringify([...channels.values()], null, 2));
    await rename(`${file}.tmp`, file);
  };
  const peers = new Map<string, Peers>();
  const verifier = new SigV4Verifier({ service: 'kinesisvideo', credentials: opts.credentials });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const wssEndpoint = `wss://127.0.0.1:${opts.wssPort}`;

  const byArn = (arn: unknown) => {
    for (const c of channels.values()) if (c.arn === arn) return c;
    return undefined;
  };
  const described = (c: Channel) => ({
    ChannelName: c.name,
    ChannelARN: c.arn,
    ChannelType: c.type,
    ChannelStatus: 'ACTIVE',
    CreationTime: Date.parse(c.createdAt) / 1000,
    SingleMasterConfiguration: { MessageTtlSeconds: c.messageTtlSeconds },
    Version: c.version,
  });
  const closeChannelPeers = (arn: string) => {
    const p = peers.get(arn);
    if (!p) return;
    p.master?.close(1000, 'channel deleted');
    for (const v of p.viewers.values()) v.close(1000, 'channel deleted');
    peers.delete(arn);
  };

  /** One operation of the REST-JSON API (path = the operation), input already parsed. */
  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    '/createSignalingChannel': async (input) => {
      const name = input.ChannelName;
      if (typeof name !== 'string' || !CHANNEL_NAME.test(name)) throw invalid('ChannelName must be 1-256 characters of [a-zA-Z0-9_.-].');
      if ((input.ChannelType ?? 'SINGLE_MASTER') !== 'SINGLE_MASTER') throw invalid('Only SINGLE_MASTER channels are supported here.');
      if (channels.has(name)) throw new AwsError(400, 'ResourceInUseException', `The signaling channel ${name} already exists.`);
      const ttl = (input.SingleMasterConfiguration as { MessageTtlSeconds?: number } | undefined)?.MessageTtlSeconds ?? 60;
      if (!Number.isInteger(ttl) || ttl < 5 || ttl > 120) throw invalid('MessageTtlSeconds must be 5-120.');
      const now = new Date();
      const channel: Channel = {
        name,
        arn: `arn:aws:kinesisvideo:${KVS_REGION}:${ACCOUNT}:channel/${name}/${now.getTime()}`,
        type: 'SINGLE_MASTER',
        createdAt: now.toISOString(),
        version: randomBytes(10).toString('hex'),
        messageTtlSeconds: ttl,
      };
      channels.set(name, channel);
      await save();
      return { ChannelARN: channel.arn };
    },
    '/describeSignalingChannel': async (input) => {
      const channel = typeof input.ChannelName === 'string' ? channels.get(input.ChannelName) : byArn(input.ChannelARN);
      if (!channel) throw notFound();
      return { ChannelInfo: described(channel) };
    },
    '/deleteSignalingChannel': async (input) => {
      const channel = byArn(input.ChannelARN);
      if (!channel) throw notFound();
      if (input.CurrentVersion !== undefined && input.CurrentVersion !== channel.version)
        throw new AwsError(400, 'VersionMismatchException', 'The channel version does not match.');
      channels.delete(channel.name);
      await save();
      closeChannelPeers(channel.arn);
      return {};
    },
    '/getSignalingChannelEndpoint': async (input) => {
      const channel = byArn(input.ChannelARN);
      if (!channel) throw notFound();
      const config = (input.SingleMasterChannelEndpointConfiguration ?? {}) as { Protocols?: unknown; Role?: unknown };
      if (config.Role !== 'MASTER' && config.Role !== 'VIEWER') throw invalid('Role must be MASTER or VIEWER.');
      const protocols = Array.isArray(config.Protocols) && config.Protocols.length ? config.Protocols : ['WSS', 'HTTPS'];
      if (!protocols.every((p) => p === 'WSS' || p === 'HTTPS' || p === 'WEBRTC')) throw invalid('Protocols must be WSS, HTTPS or WEBRTC.');
      // HTTPS here is plain HTTP on the same port: the handlers' SDK clients carry no local CA.
      return { ResourceEndpointList: protocols.map((p) => ({ Protocol: p, ResourceEndpoint: p === 'WSS' ? wssEndpoint : endpoint })) };
    },
    '/v1/get-ice-server-config': async (input) => {
      const channel = byArn(input.ChannelARN);
      if (!channel) throw notFound();
      if (input.ClientId !== undefined && (typeof input.ClientId !== 'string' || !CLIENT_ID.test(input.ClientId)))
        throw invalid('ClientId must be 1-256 characters of [a-zA-Z0-9_.-].');
      if ((input.Service ?? 'TURN') !== 'TURN') throw invalid('Service must be TURN.');
      // AWS's shape with short-lived credentials; no TURN server runs here (local clients use host candidates).
      const server = () => ({
        Uris: [`turn:127.0.0.1:${opts.port}?transport=udp`, `turns:127.0.0.1:${opts.port}?transport=tcp`],
        Username: `${Math.floor(Date.now() / 1000) + ICE_TTL_SECONDS}:${randomBytes(12).toString('base64url')}`,
        Password: randomBytes(24).toString('base64'),
        Ttl: ICE_TTL_SECONDS,
      });
      return { IceServerList: [server(), server()] };
    },
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const { path, query } = splitUrl(req.url ?? '/');
      const operation = operations[path];
      if (req.method !== 'POST' || !operation) throw new AwsError(404, 'UnknownOperationException', 'Unknown operation.');
      const body = await readBody(req);
      await verifier.verifyHeaderSigned({ method: 'POST', path, query, headers: headersOf(req) }, body);
      let input: Record<string, unknown>;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new AwsError(400, 'SerializationException', 'The request body is not valid JSON.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsError(400, 'SerializationException', 'The request body is not a JSON object.');
      json(res, 200, await operation(input));
    } catch (error) {
      if (!(error instanceof AwsError)) process.stderr.write(`kvs: request failed: ${(error as Error).name}\n`);
      awsError(res, error instanceof AwsError ? error : new AwsError(500, 'InternalFailure', 'Internal failure.'));
    }
  };

  // --- signaling over WSS ---------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  /** Who is connecting, checked like KVS before the upgrade: signature, expiry, channel, client id. */
  const admit = async (req: IncomingMessage): Promise<{ channel: Channel; clientId?: string }> => {
    const { path, query } = splitUrl(req.url ?? '/');
    if (path !== '/') throw notFound();
    await verifier.verifyPresigned({ path, query, headers: headersOf(req) });
    const channel = byArn(query['X-Amz-ChannelARN']);
    if (!channel) throw notFound();
    const clientId = query['X-Amz-ClientId'];
    if (clientId === undefined) return { channel };
    // A viewer names itself; the client id is signed, so a viewer URL cannot become a master URL.
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) throw invalid('X-Amz-ClientId must be 1-256 characters of [a-zA-Z0-9_.-].');
    return { channel, clientId };
  };

  const connected = (ws: WebSocket, channel: Channel, clientId: string | undefined) => {
    let p = peers.get(channel.arn);
    if (!p) {
      p = { viewers: new Map() };
      peers.set(channel.arn, p);
    }
    const here = p;
    // One master per SINGLE_MASTER channel and one connection per viewer id: the newer one wins.
    if (clientId === undefined) {
      here.master?.close(1000, 'replaced by a newer master connection');
      here.master = ws;
    } else {
      here.viewers.get(clientId)?.close(1000, 'replaced by a newer connection with this client id');
      here.viewers.set(clientId, ws);
    }
    const status = (correlationId: unknown, errorType: string, description: string) => {
      if (typeof correlationId === 'string')
        ws.send(JSON.stringify({ messageType: 'STATUS_RESPONSE', statusResponse: { correlationId, errorType, statusCode: '400', description } }));
    };
    ws.on('message', (data, isBinary) => {
      let message: { action?: unknown; messagePayload?: unknown; recipientClientId?: unknown; correlationId?: unknown };
      try {
        message = isBinary ? {} : JSON.parse(data.toString());
      } catch {
        return;
      }
      const { action, messagePayload, recipientClientId, correlationId } = message;
      if (typeof action !== 'string' || !ACTIONS.has(action)) return status(correlationId, 'InvalidArgumentException', 'action must be SDP_OFFER, SDP_ANSWER or ICE_CANDIDATE');
      if (typeof messagePayload !== 'string' || !messagePayload || !/^[A-Za-z0-9+/=]+$/.test(messagePayload))
        return status(correlationId, 'InvalidArgumentException', 'messagePayload must be base64');
      if (clientId === undefined) {
        // The master answers one viewer at a time: it must say which.
        const viewer = typeof recipientClientId === 'string' ? here.viewers.get(recipientClientId) : undefined;
        if (!viewer) return status(correlationId, 'InvalidArgumentException', 'recipientClientId names no connected viewer');
        viewer.send(JSON.stringify({ messageType: action, messagePayload, senderClientId: '' }));
      } else {
        // A viewer talks to the master only; a message for an absent master is dropped.
        here.master?.send(JSON.stringify({ messageType: action, messagePayload, senderClientId: clientId }));
      }
    });
    ws.on('close', () => {
      if (clientId === undefined) {
        if (here.master === ws) here.master = undefined;
      } else if (here.viewers.get(clientId) === ws) {
        here.viewers.delete(clientId);
      }
    });
  };

  const tlsServer = createHttpsServer({ key: opts.tls.keyPem, cert: opts.tls.certificatePem }, handleHttp);
  tlsServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    admit(req).then(
      ({ channel, clientId }) => {
        wss.handleUpgrade(req, socket, head, (ws) => connected(ws, channel, clientId));
      },
      (error: unknown) => {
        const e = error instanceof AwsError ? error : new AwsError(500, 'InternalFailure', 'Internal failure.');
        const body = JSON.stringify({ message: e.message });
        socket.end(
          `HTTP/1.1 ${e.status} ${e.code}\r\ncontent-type: application/json\r\nx-amzn-errortype: ${e.code}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      },
    );
  });
  const httpServer = createHttpServer(handleHttp);
  await listen(httpServer, opts.port, 'Kinesis Video signaling API');
  try {
    await listen(tlsServer, opts.wssPort, 'Kinesis Video signaling WSS');
  } catch (error) {
    httpServer.close();
    throw error;
  }
  return {
    endpoint,
    wssEndpoint,
    stop: async () => {
      for (const arn of [...peers.keys()]) closeChannelPeers(arn);
      wss.close();
      httpServer.closeAllConnections();
      tlsServer.closeAllConnections();
      await Promise.all([httpServer, tlsServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
