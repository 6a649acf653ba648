import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { serveAwsJson } from '../aws-json.ts';
import { listen } from '../listen.ts';
import { AwsError, commonAwsError, type Credentials, LOCAL_CREDENTIALS, SigV4Verifier } from '../sigv4.ts';

/**
 * A stand-in for AWS End User Messaging SMS (pinpoint-sms-voice-v2) that
 * @aws-sdk/client-pinpoint-sms-voice-v2 drives unmodified: the JSON 1.0 protocol (POST /,
 * X-Amz-Target PinpointSMSVoiceV2.<Operation>, application/x-amz-json-1.0), SigV4 with signing
 * name `sms-voice` and the local key pair, body included. SendTextMessage only, checked as the
 * service checks it: an E.164 destination, a body of 1 to 1600 characters, a known origination
 * identity (phone number id or ARN, or its number) and configuration set, a TTL of 5 to 259200
 * seconds, at most 5 context entries. Each text it takes is appended to a JSON-lines log.
 */
export interface SmsLogEntry {
  at: string;
  messageId: string;
  to: string;
  /** The origination number it went out from. */
  from: string;
  body: string;
  messageType: string;
  configurationSet?: string;
  context: Record<string, string>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TARGET_PREFIX = 'PinpointSMSVoiceV2.';
/** E.164: +, a country code that does not start with 0, at most 15 digits. */
const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY_CHARS = 1600;
const MAX_REQUEST_BYTES = 64 * 1024;

const validation = (message: string, field: string) =>
  Object.assign(new AwsError(400, 'ValidationException', message), { extra: { Reason: 'FIELD_VALIDATION_FAILED', Fields: [{ Name: field, Message: message }] } });
const notFound = (type: string, id: string) =>
  Object.assign(new AwsError(404, 'ResourceNotFoundException', `${type} ${id} does not exist`), { extra: { ResourceType: type, ResourceId: id } });

export interface LocalSms {
  endpoint: string;
  /** What CDK context gives in AWS: the origination phone number (its ARN, id and number) and the configuration set. */
  originationIdentity: { arn: string; id: string; number: string };
  configurationSet: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startLocalSms(opts: { port: number; logFile: string; onText?: (entry: SmsLogEntry) => void; credentials?: Credentials }): Promise<LocalSms> {
  const verifier = new SigV4Verifier({ service: 'sms-voice', credentials: opts.credentials ?? LOCAL_CREDENTIALS, refuse: commonAwsError });
  const id = 'phone-lobbylocal0000000000000000';
  const originationIdentity = { id, arn: `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/${id}`, number: '+15550100199' };
  const configurationSet = 'lobby-local';
  const knownIdentities = new Set([originationIdentity.id, originationIdentity.arn, originationIdentity.number]);
  const knownSets = new Set([configurationSet, `arn:aws:sms-voice:${REGION}:${ACCOUNT}:configuration-set/${configurationSet}`]);
  await mkdir(dirname(opts.logFile), { recursive: true });

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    async SendTextMessage(input) {
      const to = input.DestinationPhoneNumber;
      if (typeof to !== 'string' || !to) throw validation('DestinationPhoneNumber is required', 'DestinationPhoneNumber');
      if (!E164.test(to)) throw validation('DestinationPhoneNumber must be in E.164 format', 'DestinationPhoneNumber');
      const body = input.MessageBody;
      if (typeof body !== 'string' || body.length < 1 || body.length > MAX_BODY_CHARS) {
        throw validation(`MessageBody must be between 1 and ${MAX_BODY_CHARS} characters`, 'MessageBody');
      }
      const origination = input.OriginationIdentity;
      // Without one the service picks from the account's pool; this account has one number.
      if (origination !== undefined && (typeof origination !== 'string' || !knownIdentities.has(origination))) throw notFound('phone-number', String(origination));
      const set = input.ConfigurationSetName;
      if (set !== undefined && (typeof set !== 'string' || !knownSets.has(set))) throw notFound('configuration-set', String(set));
      const messageType = input.MessageType ?? 'TRANSACTIONAL';
      if (messageType !== 'TRANSACTIONAL' && messageType !== 'PROMOTIONAL') throw validation('MessageType must be TRANSACTIONAL or PROMOTIONAL', 'MessageType');
      const ttl = input.TimeToLive;
      if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 5 || ttl > 259_200)) throw validation('TimeToLive must be 5 to 259200', 'TimeToLive');
      const context = (input.Context ?? {}) as Record<string, unknown>;
      if (typeof context !== 'object' || Array.isArray(context) || Object.keys(context).length > 5 || Object.values(context).some((v) => typeof v !== 'string')) {
        throw validation('Context takes at most 5 string entries', 'Context');
      }
      const messageId = randomUUID();
      if (input.DryRun === true) return { MessageId: messageId };
      const entry: SmsLogEntry = {
        at: new Date().toISOString(),
        messageId,
        to,
        from: originationIdentity.number,
        body,
        messageType: String(messageType),
        ...(typeof set === 'string' ? { configurationSet: set } : {}),
        context: context as Record<string, string>,
      };
      await appendFile(opts.logFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      opts.onText?.(entry);
      return { MessageId: messageId };
    },
  };

  const service = {
    verifier,
    targetPrefix: TARGET_PREFIX,
    operations,
    jsonVersion: '1.0',
    maxRequestBytes: MAX_REQUEST_BYTES,
    tooLarge: () => validation('Request too large', 'body'),
    internalErrorCode: 'InternalServerException',
  } as const;
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
      res
        .writeHead(404, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'UnknownOperationException' })
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: 'Unknown operation' }));
      return;
    }
    void serveAwsJson(req, res, service);
  });
  await listen(server, opts.port, 'SMS stand-in');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    originationIdentity,
    configurationSet,
    logFile: opts.logFile,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/** The texts the stand-in has taken so far (tests, `npm start`, the bench). */
export async function readSmsLog(logFile: string): Promise<SmsLogEntry[]> {
  if (!existsSync(logFile)) return [];
  return (await readFile(logFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SmsLogEntry);
}
