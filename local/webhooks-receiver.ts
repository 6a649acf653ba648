import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/*
 * A webhook receiver on 127.0.0.1 for the local stack, tests and the bench: verifies each
 * delivery's Standard Webhooks signature with `standardwebhooks` (given the subscription's
 * secret or secrets), records it and answers what `respond` says (default 204).
 */

export interface ReceivedDelivery {
  /** `webhook-id`: the event id, the same on every attempt. */
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
  /** Per secret given, in order: did one of the header's signatures verify with it? */
  verifiedWith: boolean[];
  /** The status answered. */
  status: number;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedDelivery[];
  /** Secrets to verify with; replace them at any time (a rotation). */
  secrets: string[];
  stop(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Does the delivery verify with `secret`? Timestamp tolerance as the library has it (5 minutes), unless `anyTime`. */
export function verifies(secret: string, body: string, headers: Record<string, string>, anyTime = false): boolean {
  try {
    const hook = new Webhook(secret);
    if (anyTime) {
      // The library checks the timestamp against the wall clock: for deliveries made with a test's moved clock, compare signatures only.
      const timestamp = new Date(Number(headers['webhook-timestamp']) * 1000);
      const expected = hook.sign(headers['webhook-id'] ?? '', timestamp, body);
      return (headers['webhook-signature'] ?? '').split(' ').includes(expected);
    }
    hook.verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

export async function startWebhookReceiver(
  opts: {
    port?: number;
    secrets?: string[];
    respond?: (delivery: Omit<ReceivedDelivery, 'status' | 'receivedAt'>, index: number) => number;
    onDelivery?: (d: ReceivedDelivery) => void;
    anyTime?: boolean;
  } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const receiver = { received, secrets: [...(opts.secrets ?? [])] } as WebhookReceiver;
  const server = createServer(async (req, res) => {
    try {
      const body = await bodyOf(req);
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let payload: ReceivedDelivery['payload'];
      try {
        payload = JSON.parse(body);
      } catch {
        payload = undefined;
      }
      const base = {
        id: headers['webhook-id'],
        timestamp: Number(headers['webhook-timestamp']),
        signature: headers['webhook-signature'],
        body,
        payload,
        verifiedWith: receiver.secrets.map((s) => verifies(s, body, headers, opts.anyTime)),
      };
      const status = opts.respond?.(base, received.length) ?? 204;
      const delivery = { ...base, status, receivedAt: Date.now() };
      received.push(delivery);
      opts.onDelivery?.(delivery);
      res.writeHead(status).end();
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  receiver.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections?.();
  return receiver;
}
