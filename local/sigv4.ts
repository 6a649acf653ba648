import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { getCanonicalHeaders, getSigningKey, SignatureV4Base, type SignatureV4CryptoInit } from '@smithy/signature-v4';

type HttpRequest = Parameters<typeof getCanonicalHeaders>[0];
export type QueryParameterBag = Record<string, string | string[] | null>;
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The one key pair every local stand-in accepts (S3, SNS, Chime SDK Voice, Kinesis Video):
 * what the local stack gives the handlers as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
export const LOCAL_CREDENTIALS: Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A refusal in the service's terms: the HTTP status and the error type the SDK maps to an exception. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a signature was refused; each stand-in turns this into its own service's error (`refuse`). */
export type SigV4Reason =
  | 'missing' // no Authorization header / no X-Amz-Algorithm
  | 'malformed' // an Authorization header or X-Amz-* parameters not in SigV4's form
  | 'no-date' // no valid x-amz-date
  | 'skewed' // a header-signed request too far from the service's clock
  | 'unknown-key' // an access key the service does not know
  | 'bad-scope' // credential scope for another date, service or form
  | 'host-unsigned'
  | 'expired' // a presigned URL past X-Amz-Expires
  | 'not-yet-valid' // a presigned URL dated in the future
  | 'mismatch'; // the signature is not the one the secret gives

export class SigV4Refusal extends Error {
  constructor(
    readonly reason: SigV4Reason,
    message: string,
  ) {
    super(message);
  }
}

/** The errors AWS's JSON-protocol endpoints give (what Kinesis Video answers). */
export function commonAwsError(refusal: SigV4Refusal): AwsError {
  switch (refusal.reason) {
    case 'missing':
      return new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    case 'malformed':
    case 'no-date':
      return new AwsError(403, 'IncompleteSignatureException', refusal.message);
    case 'unknown-key':
      return new AwsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    default:
      return new AwsError(403, 'InvalidSignatureException', refusal.message);
  }
}

/** The SDK's hash interface over node:crypto (what @smithy/hash-node does). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : secret);
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** Header-signed requests may be this far from the service's clock (SigV4's 5 minutes; S3 allows 15). */
const MAX_SKEW_MS = 5 * 60 * 1000;
/** SigV4's limit for presigned URLs: 7 days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/** The query string as SigV4 sees it: decoded %-escapes, '+' kept as '+', repeated keys as arrays. Throws URIError on a bad escape. */
export function parseQuery(raw: string): QueryParameterBag {
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

/** Node's headers as SigV4 sees them: lower-case names, repeated values joined. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
}

/** 20261130T201938Z -> Date, or undefined. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) : undefined;
}

const equalHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
export const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = sha256Hex('');
const refused = (reason: SigV4Reason, message: string) => new SigV4Refusal(reason, message);
const notMatching = () =>
  refused('mismatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');

export interface SignedRequest {
  method: string;
  path: string;
  query: QueryParameterBag;
  headers: Record<string, string>;
}

export interface SigV4VerifierOptions {
  /** The signing name in the credential scope: s3, sns, chime, kinesisvideo. */
  service: string;
  credentials: Credentials;
  /** Turns a refusal into the service's error; by default the JSON-protocol services' (commonAwsError). */
  refuse?: (refusal: SigV4Refusal) => Error;
  /** S3 allows 15 minutes of skew; SigV4 elsewhere 5. */
  maxSkewMs?: number;
  /** S3 signs the path as sent; other services escape it once more (SigV4's double encoding). */
  uriEscapePath?: boolean;
}

/**
 * Verifies SigV4 like an AWS service endpoint, for one service and one key pair, with the SDK's
 * own canonicalisation and key derivation (SignatureV4Base, getCanonicalHeaders, getSigningKey):
 * header-signed requests (what the SDK clients send) and presigned URLs (S3 photos, the KVS WebSocket).
 * Every refusal goes through `refuse`, so each stand-in answers in its service's error shape.
 */
export class SigV4Verifier extends SignatureV4Base {
  private readonly refuse: (refusal: SigV4Refusal) => Error;
  private readonly maxSkewMs: number;

  constructor(private readonly opts: SigV4VerifierOptions) {
    super({
      service: opts.service,
      region: 'us-east-1',
      credentials: opts.credentials,
      sha256: Sha256 as unknown as SignatureV4CryptoInit['sha256'],
      uriEscapePath: opts.uriEscapePath ?? true,
    });
    this.refuse = opts.refuse ?? commonAwsError;
    this.maxSkewMs = opts.maxSkewMs ?? MAX_SKEW_MS;
  }

  /** Header-signed (Authorization) or presigned (X-Amz-* query), whichever the request carries. */
  async verify(req: SignedRequest, payload: Buffer | { hash: string }, now = new Date()): Promise<void> {
    if (req.headers.authorization !== undefined) return this.verifyHeaderSigned(req, payload, now);
    if (req.query['X-Amz-Algorithm'] !== undefined || req.query['X-Amz-Signature'] !== undefined) {
      return this.verifyPresigned(req, { now, payloadHash: Buffer.isBuffer(payload) ? sha256Hex(payload) : payload.hash });
    }
    throw this.refuse(refused('missing', 'Missing Authentication Token'));
  }

  /** An SDK request: Authorization header, x-amz-date within the skew, the payload's hash (the body's, or S3's x-amz-content-sha256) signed. */
  async verifyHeaderSigned(req: SignedRequest, payload: Buffer | { hash: string }, now = new Date()): Promise<void> {
    try {
      const authorization = req.headers.authorization;
      if (authorization === undefined) throw refused('missing', 'Missing Authentication Token');
      const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
      if (!m) throw refused('malformed', "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
      const longDate = req.headers['x-amz-date'] ?? '';
      const date = parseAmzDate(longDate);
      if (!date) throw refused('no-date', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
      if (Math.abs(now.getTime() - date.getTime()) > this.maxSkewMs) {
        throw refused('skewed', `Signature expired: ${longDate} is too far from the server time (${this.maxSkewMs / 60_000} min.).`);
      }
      const region = this.region(m[1], longDate);
      const signedHeaders = (m[2] ?? '').split(';');
      if (!signedHeaders.includes('host')) throw refused('host-unsigned', 'Host must be a signed header.');
      const payloadHash = Buffer.isBuffer(payload) ? sha256Hex(payload) : payload.hash;
      const expected = await this.expected(req, signedHeaders, payloadHash, longDate, region);
      if (!equalHex(expected, m[3] ?? '')) throw notMatching();
    } catch (error) {
      throw error instanceof SigV4Refusal ? this.refuse(error) : error;
    }
  }

  /** An SDK request as Node received it (header-signed, the body's hash signed): what the SNS and Chime SDK Voice stand-ins take. */
  async verifyIncoming(req: IncomingMessage, body: Buffer, now = new Date()): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    let query: QueryParameterBag;
    try {
      query = parseQuery(q < 0 ? '' : raw.slice(q + 1));
    } catch {
      throw this.refuse(refused('malformed', 'The query string is malformed.'));
    }
    return this.verifyHeaderSigned({ method: req.method ?? 'GET', path: q < 0 ? raw : raw.slice(0, q), query, headers: headersOf(req) }, body, now);
  }

  /** A presigned URL: unexpired, not from the future, host signed; by default a GET without a body (the KVS WebSocket). */
  async verifyPresigned(req: Omit<SignedRequest, 'method'> & { method?: string }, opts: { payloadHash?: string; now?: Date } = {}): Promise<void> {
    const now = opts.now ?? new Date();
    try {
      const one = (name: string) => {
        const v = req.query[name];
        return typeof v === 'string' ? v : undefined;
      };
      const algorithm = one('X-Amz-Algorithm');
      if (algorithm === undefined) throw refused('missing', 'Missing Authentication Token');
      if (algorithm !== 'AWS4-HMAC-SHA256') throw refused('malformed', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256".');
      const longDate = one('X-Amz-Date') ?? '';
      const date = parseAmzDate(longDate);
      const expires = Number(one('X-Amz-Expires'));
      const signature = one('X-Amz-Signature') ?? '';
      const signedHeaderList = one('X-Amz-SignedHeaders');
      if (!date || !Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS || !signedHeaderList || !/^[0-9a-f]{64}$/.test(signature)) {
        throw refused(
          'malformed',
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
        );
      }
      const region = this.region(one('X-Amz-Credential'), longDate);
      if (now.getTime() > date.getTime() + expires * 1000) throw refused('expired', 'Signature expired.');
      if (date.getTime() - now.getTime() > MAX_SKEW_MS) throw refused('not-yet-valid', 'Signature not yet current.');
      const signedHeaders = signedHeaderList.split(';');
      if (!signedHeaders.includes('host')) throw refused('host-unsigned', 'Host must be a signed header.');
      // X-Amz-Signature itself is left out of the canonical query (the SDK's createCanonicalRequest skips it).
      const expected = await this.expected({ ...req, method: req.method ?? 'GET' }, signedHeaders, opts.payloadHash ?? EMPTY_SHA256, longDate, region);
      if (!equalHex(expected, signature)) throw notMatching();
    } catch (error) {
      throw error instanceof SigV4Refusal ? this.refuse(error) : error;
    }
  }

  /** Credential=AKID/20261130/us-east-1/sns/aws4_request -> its region, checked against the key, the date and the service. */
  private region(credential: string | undefined, longDate: string): string {
    const [accessKeyId, date, region, service, terminator, ...rest] = (credential ?? '').split('/');
    if (accessKeyId !== this.opts.credentials.accessKeyId) throw refused('unknown-key', 'The security token included in the request is invalid.');
    if (rest.length || date !== longDate.slice(0, 8) || !region || service !== this.opts.service || terminator !== 'aws4_request') {
      throw refused('bad-scope', `Credential should be scoped to a valid region, to the request's date and to the correct service: '${this.opts.service}'.`);
    }
    return region;
  }

  private async expected(req: SignedRequest, signedHeaders: string[], payloadHash: string, longDate: string, region: string): Promise<string> {
    const request = { method: req.method.toUpperCase(), protocol: 'http:', hostname: '127.0.0.1', path: req.path, query: req.query, headers: req.headers } as HttpRequest;
    const present = Object.fromEntries(signedHeaders.map((name) => [name, req.headers[name] ?? '']));
    const canonicalHeaders = getCanonicalHeaders({ ...request, headers: present }, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${longDate.slice(0, 8)}/${region}/${this.opts.service}/aws4_request`;
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
    const key = await getSigningKey(this.sha256, this.opts.credentials, longDate.slice(0, 8), region, this.opts.service);
    const hmac = new this.sha256(key);
    hmac.update(new TextEncoder().encode(stringToSign));
    return Buffer.from(await hmac.digest()).toString('hex');
  }
}
