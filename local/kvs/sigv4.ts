import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { getCanonicalHeaders, getSigningKey, SignatureV4Base, type SignatureV4CryptoInit } from '@smithy/signature-v4';

type HttpRequest = Parameters<typeof getCanonicalHeaders>[0];
export type QueryParameterBag = Record<string, string | string[] | null>;

/** A refusal in the service's terms: the HTTP status and the error type the SDK maps to an exception. */
export class AwsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/** The SDK's hash interface over node:crypto (what @smithy/hash-node does). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : secret);
  }
  update(data: Uint8Array) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

/** Header-signed requests may be this far from the service's clock (SigV4's 5 minutes). */
const MAX_SKEW_MS = 5 * 60 * 1000;
/** SigV4's limit for presigned URLs: 7 days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/** The query string as SigV4 sees it: decoded %-escapes, repeated keys as arrays. */
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

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) : undefined;
}

const equalHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const notMatching = () => new AwsError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');

/**
 * Verifies SigV4 like an AWS service endpoint, for one service and one key pair, with the SDK's
 * own canonicalisation and key derivation (SignatureV4Base, getCanonicalHeaders, getSigningKey):
 * header-signed requests (what the SDK clients send) and presigned URLs (the KVS WebSocket).
 */
export class SigV4Verifier extends SignatureV4Base {
  constructor(private readonly opts: { service: string; credentials: { accessKeyId: string; secretAccessKey: string } }) {
    super({ service: opts.service, region: 'us-east-1', credentials: opts.credentials, sha256: Sha256 as unknown as SignatureV4CryptoInit['sha256'] });
  }

  private async expected(request: HttpRequest, signedHeaders: string[], payloadHash: string, longDate: string, region: string): Promise<string> {
    const present = Object.fromEntries(signedHeaders.map((name) => [name, request.headers[name] ?? '']));
    const canonicalHeaders = getCanonicalHeaders({ ...request, headers: present }, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${longDate.slice(0, 8)}/${region}/${this.opts.service}/aws4_request`;
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
    const key = await getSigningKey(this.sha256, this.opts.credentials, longDate.slice(0, 8), region, this.opts.service);
    const hmac = new this.sha256(key);
    hmac.update(new TextEncoder().encode(stringToSign));
    return Buffer.from(await hmac.digest()).toString('hex');
  }

  /** Credential=AKID/20261130/us-east-1/kinesisvideo/aws4_request -> its region, checked against the key and the date. */
  private region(credential: string | undefined, longDate: string): string {
    const [accessKeyId, date, region, service, terminator, ...rest] = (credential ?? '').split('/');
    if (accessKeyId !== this.opts.credentials.accessKeyId) throw new AwsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (rest.length || date !== longDate.slice(0, 8) || !region || service !== this.opts.service || terminator !== 'aws4_request') {
      throw new AwsError(403, 'InvalidSignatureException', 'Credential should be scoped to a valid region and to the correct service.');
    }
    return region;
  }

  /** An SDK request: Authorization header, x-amz-date within the skew, the body's hash signed. */
  async verifyHeaderSigned(req: { method: string; path: string; query: QueryParameterBag; headers: Record<string, string> }, body: Buffer, now = new Date()) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec((req.headers.authorization ?? '').trim());
    if (!m) throw new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const longDate = req.headers['x-amz-date'] ?? '';
    const date = parseAmzDate(longDate);
    if (!date) throw new AwsError(403, 'IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
    if (Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) throw new AwsError(403, 'InvalidSignatureException', 'Signature expired: the request time is too far from the server time.');
    const region = this.region(m[1], longDate);
    const signedHeaders = (m[2] ?? '').split(';');
    if (!signedHeaders.includes('host')) throw new AwsError(403, 'InvalidSignatureException', 'Host must be a signed header.');
    const request = { method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: req.path, query: req.query, headers: req.headers } as HttpRequest;
    const expected = await this.expected(request, signedHeaders, sha256Hex(body), longDate, region);
    if (!equalHex(expected, m[3] ?? '')) throw notMatching();
  }

  /** A presigned GET (the WebSocket upgrade): unexpired, not from the future, host signed, no body. */
  async verifyPresigned(req: { path: string; query: QueryParameterBag; headers: Record<string, string> }, now = new Date()) {
    const one = (name: string) => { const v = req.query[name]; return typeof v === 'string' ? v : undefined; };
    if (one('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const longDate = one('X-Amz-Date') ?? '';
    const date = parseAmzDate(longDate);
    const expires = Number(one('X-Amz-Expires'));
    const signature = one('X-Amz-Signature') ?? '';
    const signedHeaderList = one('X-Amz-SignedHeaders');
    if (!date || !Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS || !signedHeaderList || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new AwsError(403, 'IncompleteSignatureException', 'The query-string signature needs X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires.');
    }
    const region = this.region(one('X-Amz-Credential'), longDate);
    if (now.getTime() > date.getTime() + expires * 1000) throw new AwsError(403, 'InvalidSignatureException', 'Signature expired.');
    if (date.getTime() - now.getTime() > MAX_SKEW_MS) throw new AwsError(403, 'InvalidSignatureException', 'Signature not yet current.');
    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('host')) throw new AwsError(403, 'InvalidSignatureException', 'Host must be a signed header.');
    const request = { method: 'GET', protocol: 'https:', hostname: '127.0.0.1', path: req.path, query: req.query, headers: req.headers } as HttpRequest;
    const expected = await this.expected(request, signedHeaders, sha256Hex(''), longDate, region);
    if (!equalHex(expected, signature)) throw notMatching();
  }
}
