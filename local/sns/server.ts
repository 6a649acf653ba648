import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { listen } from '../listen.ts';
import { type Credentials, LOCAL_CREDENTIALS, type SigV4Refusal, SigV4Verifier } from '../sigv4.ts';

/**
 * A stand-in for Amazon SNS mobile push that @aws-sdk/client-sns drives unmodified: the awsQuery
 * protocol (form-encoded POST, XML replies, <ErrorResponse> errors) for CreatePlatformEndpoint,
 * DeleteEndpoint, Publish (to an endpoint) and Get/SetEndpointAttributes. As strict as SNS where
 * the app's code could go wrong: an unknown platform application or endpoint is NotFound, a
 * malformed device token or message is InvalidParameter, a disabled endpoint is EndpointDisabled,
 * and a request not signed (SigV4, service "sns") with the local key pair is refused as SNS refuses it.
 * Each delivered push is appended to a JSON-lines log (never the device token).
 */
export type SnsPlatform = 'APNS_VOIP' | 'APNS_VOIP_SANDBOX' | 'GCM';

export interface PushLogEntry {
  at: string;
  messageId: string;
  endpointArn: string;
  platform: SnsPlatform;
  /** What the platform (APNs, FCM) would be handed: the message's platform entry, parsed. */
  payload: unknown;
  attributes: Record<string, string>;
}

interface Endpoint {
  arn: string;
  application: string;
  platform: SnsPlatform;
  token: string;
  enabled: boolean;
  customUserData: string;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS: a message of at most 256 KB; APNs and FCM take at most 4 KB (VoIP 5 KB) of payload. */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_PLATFORM_BYTES: Record<SnsPlatform, number> = { APNS_VOIP: 5_120, APNS_VOIP_SANDBOX: 5_120, GCM: 4_096 };
const TOKEN_RULES: Record<SnsPlatform, { pattern: RegExp; reason: string }> = {
  APNS_VOIP: { pattern: /^[0-9a-fA-F]{64,200}$/, reason: 'iOS device tokens must be hexadecimal, at least 64 characters' },
  APNS_VOIP_SANDBOX: { pattern: /^[0-9a-fA-F]{64,200}$/, reason: 'iOS device tokens must be hexadecimal, at least 64 characters' },
  GCM: { pattern: /^[\w:.-]{20,4096}$/, reason: 'FCM registration tokens are 20 to 4096 characters of [A-Za-z0-9_:.-]' },
};

class SnsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}
/** A SigV4 refusal as SNS (awsQuery) words it. */
function snsRefusal(refusal: SigV4Refusal): SnsError {
  switch (refusal.reason) {
    case 'missing':
      return new SnsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
    case 'malformed':
    case 'no-date':
      return new SnsError('IncompleteSignature', 400, refusal.message);
    case 'unknown-key':
      return new SnsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    default:
      return new SnsError('SignatureDoesNotMatch', 403, refusal.message);
  }
}
const invalidParameter = (message: string) => new SnsError('InvalidParameter', 400, `Invalid parameter: ${message}`);

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function reply(res: ServerResponse, action: string, result: string) {
  const body = `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
}

function errorReply(res: ServerResponse, error: SnsError) {
  const body = `<ErrorResponse xmlns="${NS}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(error.status, { 'content-type': 'text/xml' }).end(body);
}

/** awsQuery maps: `<Name>.entry.<n>.key|value` (Attributes) or `<Name>.entry.<n>.Name|Value.StringValue` (MessageAttributes). */
function queryMap(form: URLSearchParams, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let n = 1; form.has(`${name}.entry.${n}.key`) || form.has(`${name}.entry.${n}.Name`); n++) {
    const key = form.get(`${name}.entry.${n}.key`) ?? form.get(`${name}.entry.${n}.Name`) ?? '';
    out[key] = form.get(`${name}.entry.${n}.value`) ?? form.get(`${name}.entry.${n}.Value.StringValue`) ?? '';
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 2 * MAX_MESSAGE_BYTES) throw new SnsError('RequestEntityTooLarge', 413, 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface LocalSns {
  endpoint: string;
  /** The platform applications this stand-in knows (what CDK context gives in AWS). */
  applications: { apns: string; fcm: string };
  logFile: string;
  /** Marks an endpoint disabled, as SNS does when APNs or FCM reports its token dead. */
  disable(endpointArn: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSns(opts: {
  port: number;
  /** endpoints survive a restart here (device records in the table keep their ARNs) */
  stateFile: string;
  logFile: string;
  onPush?: (entry: PushLogEntry) => void;
  /** the key pair requests must be signed with (the local stack's, by default) */
  credentials?: Credentials;
}): Promise<LocalSns> {
  const verifier = new SigV4Verifier({ service: 'sns', credentials: opts.credentials ?? LOCAL_CREDENTIALS, refuse: snsRefusal });
  const applicationArn = (platform: SnsPlatform, name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:app/${platform}/${name}`;
  const applications = { apns: applicationArn('APNS_VOIP', 'lobby-local-voip'), fcm: applicationArn('GCM', 'lobby-local-fcm') };
  const platformOfApplication = new Map<string, SnsPlatform>([
    [applications.apns, 'APNS_VOIP'],
    [applications.fcm, 'GCM'],
  ]);
  const endpoints = new Map<string, Endpoint>();
  if (existsSync(opts.stateFile)) {
    for (const e of JSON.parse(await readFile(opts.stateFile, 'utf8')) as Endpoint[]) endpoints.set(e.arn, e);
  }
  await mkdir(dirname(opts.stateFile), { recursive: true });
  await mkdir(dirname(opts.logFile), { recursive: true });
  const save = () => writeFile(opts.stateFile, JSON.stringify([...endpoints.values()]), { mode: 0o600 });

  const endpointOf = (arn: string | null) => {
    if (!arn) throw invalidParameter('EndpointArn Reason: no value for required parameter');
    const e = endpoints.get(arn);
    if (!e) throw new SnsError('NotFound', 404, 'Endpoint does not exist');
    return e;
  };

  const actions: Record<string, (form: URLSearchParams) => Promise<string>> = {
    async CreatePlatformEndpoint(form) {
      const application = form.get('PlatformApplicationArn');
      const token = form.get('Token');
      if (!application) throw invalidParameter('PlatformApplicationArn Reason: no value for required parameter');
      const platform = platformOfApplication.get(application);
      if (!platform) throw new SnsError('NotFound', 404, 'PlatformApplication does not exist');
      if (!token) throw invalidParameter('Token Reason: no value for required parameter');
      if (!TOKEN_RULES[platform].pattern.test(token)) throw invalidParameter(`Token Reason: ${TOKEN_RULES[platform].reason}`);
      const customUserData = form.get('CustomUserData') ?? '';
      // SNS is idempotent on the token: the same token and attributes give the same endpoint.
      for (const e of endpoints.values()) {
        if (e.application !== application || e.token !== token) continue;
        if (e.customUserData !== customUserData) {
          throw invalidParameter(`Token Reason: Endpoint ${e.arn} already exists with the same Token, but different attributes.`);
        }
        return `<EndpointArn>${e.arn}</EndpointArn>`;
      }
      const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:endpoint/${platform}/${application.split('/').at(-1)}/${randomUUID()}`;
      endpoints.set(arn, { arn, application, platform, token, enabled: true, customUserData });
      await save();
      return `<EndpointArn>${arn}</EndpointArn>`;
    },
    async DeleteEndpoint(form) {
      const arn = form.get('EndpointArn');
      if (!arn) throw invalidParameter('EndpointArn Reason: no value for required parameter');
      if (endpoints.delete(arn)) await save();
      return '';
    },
    async GetEndpointAttributes(form) {
      const e = endpointOf(form.get('EndpointArn'));
      const entries = { Enabled: String(e.enabled), Token: e.token, CustomUserData: e.customUserData };
      return `<Attributes>${Object.entries(entries)
        .map(([k, v]) => `<entry><key>${k}</key><value>${xmlEscape(v)}</value></entry>`)
        .join('')}</Attributes>`;
    },
    async SetEndpointAttributes(form) {
      const e = endpointOf(form.get('EndpointArn'));
      const attributes = queryMap(form, 'Attributes');
      for (const [key, value] of Object.entries(attributes)) {
        if (key === 'Enabled' && (value === 'true' || value === 'false')) e.enabled = value === 'true';
        else if (key === 'CustomUserData') e.customUserData = value;
        else if (key === 'Token' && TOKEN_RULES[e.platform].pattern.test(value)) e.token = value;
        else throw invalidParameter(`Attributes Reason: ${key} is not a valid attribute or value`);
      }
      await save();
      return '';
    },
    async Publish(form) {
      const target = form.get('TargetArn');
      if (!target) throw invalidParameter('this stand-in publishes to platform endpoints only (TargetArn)');
      const e = endpointOf(target);
      if (!e.enabled) throw new SnsError('EndpointDisabled', 400, 'Endpoint is disabled');
      const message = form.get('Message');
      if (message === null || message === '') throw invalidParameter('Message Reason: no value for required parameter');
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
      let platformMessage = message;
      if (form.get('MessageStructure') === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(message);
        } catch {
          throw invalidParameter('Message Structure - JSON message body failed to parse');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Message Structure - JSON message body failed to parse');
        const entries = parsed as Record<string, unknown>;
        if (typeof entries.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
        const chosen = entries[e.platform] ?? entries.default;
        if (typeof chosen !== 'string') throw invalidParameter(`Message Structure - the ${e.platform} entry must be a string`);
        platformMessage = chosen;
      } else if (form.has('MessageStructure')) {
        throw invalidParameter('MessageStructure Reason: only json is supported');
      }
      if (Buffer.byteLength(platformMessage) > MAX_PLATFORM_BYTES[e.platform]) throw invalidParameter(`Message too long for ${e.platform}`);
      let payload: unknown;
      try {
        payload = JSON.parse(platformMessage);
      } catch {
        // APNs and FCM take JSON; SNS refuses anything else for them.
        throw invalidParameter(`Message Reason: Invalid notification for protocol ${e.platform}: payload is not JSON`);
      }
      const messageId = randomUUID();
      const entry: PushLogEntry = {
        at: new Date().toISOString(),
        messageId,
        endpointArn: e.arn,
        platform: e.platform,
        payload,
        attributes: queryMap(form, 'MessageAttributes'),
      };
      await appendFile(opts.logFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      opts.onPush?.(entry);
      return `<MessageId>${messageId}</MessageId>`;
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') throw new SnsError('InvalidAction', 400, 'SNS takes POST requests');
        const body = await readBody(req);
        // The whole signature, body included, as SNS checks it: the SDK signs every request.
        await verifier.verifyIncoming(req, body);
        const form = new URLSearchParams(body.toString('utf8'));
        const action = form.get('Action') ?? '';
        const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
        if (!run) throw new SnsError('InvalidAction', 400, `The action ${action || '(none)'} is not valid for this endpoint.`);
        reply(res, action, await run(form));
      } catch (error) {
        errorReply(res, error instanceof SnsError ? error : new SnsError('InternalError', 500, (error as Error).message, 'Receiver'));
      }
    })();
  });
  await listen(server, opts.port, 'SNS push stand-in');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    applications,
    logFile: opts.logFile,
    async disable(endpointArn) {
      const e = endpoints.get(endpointArn);
      if (e) {
        e.enabled = false;
        await save();
      }
    },
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/** The pushes logged so far (tests, `npm start`). */
export async function readPushLog(logFile: string): Promise<PushLogEntry[]> {
  if (!existsSync(logFile)) return [];
  return (await readFile(logFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PushLogEntry);
}
