import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookRequest, WebhookResponse, WebhookTransport } from '../domain/webhook-events.ts';
import type { CheckWebhookUrl } from '../domain/webhooks.ts';

/*
 * Where a webhook may point, and the HTTP POST that delivers one (Standard Webhooks).
 * In AWS only https:. Locally (LOBBY_WEBHOOKS_ALLOW_LOOPBACK=1, set by local/stack.ts) also
 * http: to a loopback address, and loopback addresses pass the address check.
 * The host is resolved (every address) at create AND at every delivery; private, loopback,
 * link-local (the instance metadata service), CGNAT, multicast, reserved, IPv6 ULA/link-local
 * and IPv4-mapped forms of those, and 0.0.0.0 are refused. The request then connects to the
 * address that was checked (the socket's lookup returns it: no second resolution, so DNS
 * rebinding cannot swap it), follows no redirect, gives up after 10 s and reads at most 4 KB.
 */

export const allowLoopbackFromEnv = () => process.env.LOBBY_WEBHOOKS_ALLOW_LOOPBACK === '1';

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4096;

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
  ['100::', 64],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** An IPv4-mapped or -compatible IPv6 address (::ffff:10.0.0.1): checked as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m?.[1]) return { address: m[1], family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] && hex[2]) {
    const n = (Number.parseInt(hex[1], 16) << 16) | Number.parseInt(hex[2], 16);
    return { address: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why an address may not be a webhook's, or undefined when it may. */
export function forbiddenAddress(address: string, allowLoopback: boolean): string | undefined {
  const a = unmapped(address);
  if (allowLoopback && loopback.check(a.address, a.family)) return undefined;
  return blocked.check(a.address, a.family) ? `${address} is not a public address` : undefined;
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;
const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** The URL's scheme and every address its host resolves to; the first allowed address to connect to, or why not. */
export async function resolveTarget(url: string, opts: { allowLoopback: boolean; lookup?: Lookup }): Promise<{ address: string; family: number; url: URL } | { refused: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refused: 'not a URL' };
  }
  if (parsed.username || parsed.password) return { refused: 'credentials in the URL are not allowed' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && opts.allowLoopback)) return { refused: 'must be an https: URL' };
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await (opts.lookup ?? systemLookup)(host);
  } catch {
    return { refused: `${host} does not resolve` };
  }
  if (addresses.length === 0) return { refused: `${host} does not resolve` };
  // Every address must pass: a name with one public and one private address is refused.
  for (const { address } of addresses) {
    const why = forbiddenAddress(address, opts.allowLoopback);
    if (why) return { refused: why };
  }
  // Plain http only to loopback (the local stack's receivers).
  if (parsed.protocol === 'http:' && !addresses.every((a) => loopback.check(unmapped(a.address).address, unmapped(a.address).family))) return { refused: 'must be an https: URL' };
  const [first] = addresses;
  if (!first) return { refused: `${host} does not resolve` };
  return { ...first, url: parsed };
}

export const checkWebhookUrl =
  (opts: { allowLoopback: boolean; lookup?: Lookup } = { allowLoopback: allowLoopbackFromEnv() }): CheckWebhookUrl =>
  async (url) => {
    const target = await resolveTarget(url, opts);
    return 'refused' in target ? target.refused : undefined;
  };

/** Standard Webhooks headers: one `v1,` signature per secret, space-separated (the spec allows several). */
export function signatureHeaders(request: Pick<WebhookRequest, 'eventId' | 'timestamp' | 'body' | 'secrets'>): Record<string, string> {
  return {
    'webhook-id': request.eventId,
    'webhook-timestamp': String(Math.floor(request.timestamp.getTime() / 1000)),
    'webhook-signature': request.secrets.map((secret) => new Webhook(secret).sign(request.eventId, request.timestamp, request.body)).join(' '),
  };
}

/** The transport the worker uses: check, sign, POST to the checked address. */
export function webhookTransport(opts: { allowLoopback: boolean; lookup?: Lookup } = { allowLoopback: allowLoopbackFromEnv() }): WebhookTransport {
  return async (request) => {
    const target = await resolveTarget(request.url, opts);
    if ('refused' in target) return { error: `address refused: ${target.refused}` };
    return post(target, request);
  };
}

function post(target: { address: string; family: number; url: URL }, request: WebhookRequest): Promise<WebhookResponse> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Lobby-Webhooks/1', ...signatureHeaders(request) },
        // Connect to the address that was checked, whatever the name resolves to now (TLS still verifies the name).
        lookup: (_host, options, callback) => {
          if ((options as { all?: boolean }).all)
            (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
          else (callback as (e: null, a: string, f: number) => void)(null, target.address, target.family);
        },
        timeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (res) => {
        let read = 0;
        // The body is not needed: read a little (so the connection can close cleanly), then drop it.
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0 });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    req.on('error', (error) => resolve({ error: error.name === 'AbortError' ? 'TimeoutError' : ((error as NodeJS.ErrnoException).code ?? error.name) }));
    req.end(request.body);
  });
}
