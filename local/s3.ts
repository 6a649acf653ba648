import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getCanonicalHeaders, getSigningKey, SignatureV4Base, type SignatureV4CryptoInit } from '@smithy/signature-v4';
import S3rver from 's3rver';
import { listen } from './listen.ts';

type HttpRequest = Parameters<typeof getCanonicalHeaders>[0];
type QueryParameterBag = Record<string, string | string[] | null>;

/** The one key pair the local S3 accepts (what the handlers get as AWS_ACCESS_KEY_ID/SECRET). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_S3_REGION = 'us-east-1';
/** S3 refuses a header-signed request whose x-amz-date is further than this from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** S3's own limit for presigned URLs (SigV4): 7 days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
/** A local photo bucket needs no more; S3's single PUT limit is 5 GB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The SDK's hash interface over node:crypto (what @smithy/hash-node does). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : secret);
  }
  update(data: Uint8Array) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

/**
 * Recomputes SigV4 signatures with the SDK's own canonicalisation and key
 * derivation (SignatureV4Base, getCanonicalHeaders, getSigningKey), for the request
 * as it arrived: S3 paths are signed as sent (no double escaping).
 */
class SigV4Verifier extends SignatureV4Base {
  constructor() {
    super({ service: 's3', region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS, sha256: Sha256 as unknown as SignatureV4CryptoInit['sha256'], uriEscapePath: false });
  }

  async signature(request: HttpRequest, signedHeaders: string[], payloadHash: string, longDate: string, region: string): Promise<string> {
    const present = Object.fromEntries(signedHeaders.map((name) => [name, request.headers[name] ?? '']));
    const canonicalHeaders = getCanonicalHeaders({ ...request, headers: present }, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${longDate.slice(0, 8)}/${region}/s3/aws4_request`;
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
    const key = await getSigningKey(this.sha256, LOCAL_S3_CREDENTIALS, longDate.slice(0, 8), region, 's3');
    const hmac = new this.sha256(key);
    hmac.update(new TextEncoder().encode(stringToSign));
    return Buffer.from(await hmac.digest()).toString('hex');
  }
}

class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

const denied = (message = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.') =>
  new S3Error(403, 'SignatureDoesNotMatch', message);

/** The query string as SigV4 sees it: decoded %-escapes, '+' kept as '+', repeated keys as arrays. */
function parseQuery(raw: string): QueryParameterBag {
  const query: QueryParameterBag = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    const prior = query[key];
    query[key] = prior === undefined || prior === null ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return query;
}

/** 20261130T201938Z -> Date, or undefined. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** Credential=AKID/20261130/us-east-1/s3/aws4_request -> its parts, checked against the local key and the date. */
function parseCredential(credential: string | undefined, longDate: string): { region: string } {
  const [accessKeyId, date, region, service, terminator, ...rest] = (credential ?? '').split('/');
  if (accessKeyId !== LOCAL_S3_CREDENTIALS.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (rest.length || date !== longDate.slice(0, 8) || !region || service !== 's3' || terminator !== 'aws4_request') {
    throw new S3Error(403, 'AuthorizationQueryParametersError', 'The credential scope is malformed or does not match the request date.');
  }
  return { region };
}

const equalHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
}

/** Verifies one request the way S3 does: header-signed (Authorization) or presigned (X-Amz-* query). */
async function verifyS3Request(verifier: SigV4Verifier, req: IncomingMessage, body: Buffer, now = new Date()): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  let query: QueryParameterBag;
  try { query = parseQuery(q < 0 ? '' : rawUrl.slice(q + 1)); } catch { throw new S3Error(400, 'InvalidArgument', 'Malformed query string.'); }
  const headers = headersOf(req);
  const request = { method: (req.method ?? 'GET').toUpperCase(), protocol: 'http:', hostname: '127.0.0.1', path: q < 0 ? rawUrl : rawUrl.slice(0, q), query, headers } as HttpRequest;
  const authorization = headers.authorization;

  if (authorization !== undefined) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
    if (!m) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
    const longDate = headers['x-amz-date'] ?? '';
    const date = parseAmzDate(longDate);
    if (!date) throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) throw new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
    const { region } = parseCredential(m[1], longDate);
    const signedHeaders = m[2]!.split(';');
    if (!signedHeaders.includes('host')) throw new S3Error(403, 'AccessDenied', 'Host must be a signed header.');
    const payloadHash = headers['x-amz-content-sha256'];
    if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    // S3 checks that the body is the one that was signed.
    if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    const expected = await verifier.signature(request, signedHeaders, payloadHash, longDate, region);
    if (!equalHex(expected, m[3]!)) throw denied();
    return;
  }

  const one = (name: string) => { const v = query[name]; return typeof v === 'string' ? v : undefined; };
  if (one('X-Amz-Signature') !== undefined || one('X-Amz-Algorithm') !== undefined) {
    if (one('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const longDate = one('X-Amz-Date') ?? '';
    const date = parseAmzDate(longDate);
    const expires = Number(one('X-Amz-Expires'));
    const signature = one('X-Amz-Signature') ?? '';
    const signedHeaderList = one('X-Amz-SignedHeaders');
    if (!date || !Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS || !signedHeaderList || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new S3Error(400, 'AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    const { region } = parseCredential(one('X-Amz-Credential'), longDate);
    if (now.getTime() > date.getTime() + expires * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
    if (date.getTime() - now.getTime() > MAX_SKEW_MS) throw new S3Error(403, 'AccessDenied', 'Request is not valid yet');
    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('host')) throw new S3Error(403, 'AccessDenied', 'Host must be a signed header.');
    // Presigned S3 URLs sign an unknown payload; X-Amz-Signature itself is left out of the canonical query by the SDK.
    const expected = await verifier.signature(request, signedHeaders, 'UNSIGNED-PAYLOAD', longDate, region);
    if (!equalHex(expected, signature)) throw denied();
    return;
  }
  throw new S3Error(403, 'AccessDenied', 'Access Denied');
}

function s3ErrorReply(res: ServerResponse, error: S3Error, resource: string) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${error.message}</Message><Resource>${resource.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)}</Resource><RequestId>local</RequestId></Error>`;
  res.writeHead(error.status, { 'content-type': 'application/xml' }).end(xml);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * An S3-compatible emulator (s3rver) on 127.0.0.1, with the photos bucket, behind a
 * proxy that checks SigV4 like S3: s3rver itself checks no signatures, so it listens
 * on a private port and only verified requests reach it. CORS preflights (OPTIONS)
 * are unsigned in S3 too and pass.
 */
export async function startS3(opts: { port: number; directory: string; buckets: string[] }) {
  await mkdir(opts.directory, { recursive: true });
  const backend = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: opts.directory,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })),
  });
  const { port: backendPort } = (await backend.run()) as AddressInfo;
  const verifier = new SigV4Verifier();

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (!body) return s3ErrorReply(res, new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'), req.url ?? '/');
      if (req.method !== 'OPTIONS') await verifyS3Request(verifier, req, body);
      // The body is buffered: forward it with its length, not the client's framing.
      const { 'transfer-encoding': _framing, expect: _expect, ...headers } = req.headers;
      const upstream = httpRequest({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: { ...headers, 'content-length': String(body.length) } }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', () => { if (!res.headersSent) s3ErrorReply(res, new S3Error(503, 'ServiceUnavailable', 'Please reduce your request rate.'), req.url ?? '/'); else res.destroy(); });
      upstream.end(body);
    } catch (error) {
      if (error instanceof S3Error) return s3ErrorReply(res, error, (req.url ?? '/').split('?')[0]!);
      process.stderr.write(`local s3: request failed: ${(error as Error).name}\n`);
      if (!res.headersSent) s3ErrorReply(res, new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'), '/');
    }
  });
  try {
    await listen(server, opts.port, 'S3');
  } catch (error) {
    await backend.close();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    server,
    stop: async () => {
      await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
      await backend.close();
    },
  };
}
