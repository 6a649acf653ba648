import { mkdir } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { listen } from './listen.ts';
import { headersOf, LOCAL_CREDENTIALS, parseQuery, type QueryParameterBag, sha256Hex, SigV4Refusal, SigV4Verifier } from './sigv4.ts';

export const LOCAL_S3_REGION = 'us-east-1';
/** S3 refuses a header-signed request whose x-amz-date is further than this from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A local photo bucket needs no more; S3's single PUT limit is 5 GB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Refusals come back as they are: S3's wording depends on the form (header or query) too. */
const verifier = new SigV4Verifier({ service: 's3', credentials: LOCAL_CREDENTIALS, maxSkewMs: MAX_SKEW_MS, uriEscapePath: false, refuse: (refusal) => refusal });

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A SigV4 refusal as S3 words it (its XML error codes, not the JSON services' ones). */
function s3Refusal(refusal: SigV4Refusal, presigned: boolean): S3Error {
  switch (refusal.reason) {
    case 'missing':
      return new S3Error(403, 'AccessDenied', 'Access Denied');
    case 'malformed':
      return presigned
        ? new S3Error(400, 'AuthorizationQueryParametersError', refusal.message)
        : new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
    case 'no-date':
      return new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    case 'skewed':
      return new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
    case 'unknown-key':
      return new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    case 'bad-scope':
      return new S3Error(403, 'AuthorizationQueryParametersError', 'The credential scope is malformed or does not match the request date.');
    case 'host-unsigned':
      return new S3Error(403, 'AccessDenied', 'Host must be a signed header.');
    case 'expired':
      return new S3Error(403, 'AccessDenied', 'Request has expired');
    case 'not-yet-valid':
      return new S3Error(403, 'AccessDenied', 'Request is not valid yet');
    case 'mismatch':
      return new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

/**
 * Verifies one request the way S3 does: header-signed (Authorization) or presigned (X-Amz-* query),
 * with S3's own rules on top of SigV4: paths signed as sent, 15 minutes of skew, the payload hash
 * in x-amz-content-sha256 (checked against the body when it is one), presigned URLs UNSIGNED-PAYLOAD.
 */
async function verifyS3Request(req: IncomingMessage, body: Buffer): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  let query: QueryParameterBag;
  try {
    query = parseQuery(q < 0 ? '' : rawUrl.slice(q + 1));
  } catch {
    throw new S3Error(400, 'InvalidArgument', 'Malformed query string.');
  }
  const headers = headersOf(req);
  const request = { method: (req.method ?? 'GET').toUpperCase(), path: q < 0 ? rawUrl : rawUrl.slice(0, q), query, headers };
  const presigned = headers.authorization === undefined;
  let payloadHash = 'UNSIGNED-PAYLOAD';
  if (!presigned) {
    payloadHash = headers['x-amz-content-sha256'] ?? '';
    if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    // S3 checks that the body is the one that was signed.
    if (/^[0-9a-f]{64}$/.test(payloadHash) && sha256Hex(body) !== payloadHash) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
  }
  try {
    await verifier.verify(request, { hash: payloadHash });
  } catch (error) {
    throw error instanceof SigV4Refusal ? s3Refusal(error, presigned) : error;
  }
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

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (!body) return s3ErrorReply(res, new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'), req.url ?? '/');
      if (req.method !== 'OPTIONS') await verifyS3Request(req, body);
      // The body is buffered: forward it with its length, not the client's framing.
      const { 'transfer-encoding': _framing, expect: _expect, ...headers } = req.headers;
      const upstream = httpRequest(
        { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: { ...headers, 'content-length': String(body.length) } },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) s3ErrorReply(res, new S3Error(503, 'ServiceUnavailable', 'Please reduce your request rate.'), req.url ?? '/');
        else res.destroy();
      });
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
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await backend.close();
    },
  };
}
