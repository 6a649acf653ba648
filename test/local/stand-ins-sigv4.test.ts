import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChimeSDKVoiceClient, CreateSipMediaApplicationCallCommand, ForbiddenException, UnauthorizedClientException } from '@aws-sdk/client-chime-sdk-voice';
import { CreatePlatformEndpointCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PstnSimulator, startPstnSimulator } from '../../local/pstn/simulator.ts';
import { type Credentials, LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { type LocalSns, readPushLog, startLocalSns } from '../../local/sns/server.ts';

/**
 * The SNS and Chime SDK Voice stand-ins check SigV4 like the services (local/sigv4.ts): only a request
 * signed with the local key pair, for its own service, within 5 minutes, over exactly the body sent,
 * gets through; anything else gets the service's own error and changes nothing.
 */
const WRONG_SECRET: Credentials = { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' };
const UNKNOWN_KEY: Credentials = { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey };
const APNS_TOKEN = 'b2'.repeat(32);

let dir: string;
let sns: LocalSns;
let sim: PstnSimulator;
let invocations = 0;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lobby-sigv4-'));
  sns = await startLocalSns({ port: 0, stateFile: join(dir, 'sns', 'endpoints.json'), logFile: join(dir, 'pushes.jsonl') });
  sim = await startPstnSimulator({
    port: 0,
    invoke: async () => {
      invocations++;
      return { SchemaVersion: '1.0', Actions: [] };
    },
  });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await sns?.stop();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

const snsClient = (credentials: Credentials) => {
  const c = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
};
const voiceClient = (credentials: Credentials) => {
  const c = new ChimeSDKVoiceClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
  );

/** Signs a request like the SDK does (the local key pair unless told), for sending with fetch, perhaps with another body. */
async function signedHeaders(opts: { endpoint: string; service: string; path: string; body: string; contentType: string; signingDate?: Date }) {
  const url = new URL(opts.endpoint);
  const signer = new SignatureV4({ service: opts.service, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, sha256: snsClient(LOCAL_CREDENTIALS).config.sha256 });
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: opts.path,
    query: {},
    headers: { host: url.host, 'content-type': opts.contentType },
    body: opts.body,
  };
  const signed = await signer.sign(request, { signingDate: opts.signingDate });
  // fetch sets Host itself (the same value that was signed).
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

describe('SNS stand-in: SigV4 as SNS checks it', () => {
  let endpointArn: string;
  const publishForm = (message: string) => new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TargetArn: endpointArn, Message: message }).toString();
  const pushCount = async () => (await readPushLog(sns.logFile)).length;
  const snsFetch = (headers: Record<string, string>, body: string) => fetch(sns.endpoint, { method: 'POST', headers, body });

  beforeAll(async () => {
    const created = await snsClient(LOCAL_CREDENTIALS).send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: sns.applications.apns, Token: APNS_TOKEN }));
    endpointArn = created.EndpointArn ?? '';
  });

  it('the SDK with the wrong secret gets 403 SignatureDoesNotMatch, an unknown key 403 InvalidClientTokenId; nothing is pushed', async () => {
    const before = await pushCount();
    const wrong = await failure(snsClient(WRONG_SECRET).send(new PublishCommand({ TargetArn: endpointArn, Message: '{}' })));
    expect(wrong?.name).toBe('SignatureDoesNotMatch');
    expect(wrong?.$metadata?.httpStatusCode).toBe(403);
    const unknown = await failure(snsClient(UNKNOWN_KEY).send(new PublishCommand({ TargetArn: endpointArn, Message: '{}' })));
    expect(unknown?.name).toBe('InvalidClientTokenId');
    expect(unknown?.$metadata?.httpStatusCode).toBe(403);
    expect(await pushCount()).toBe(before);
    // The right key pair gets through.
    await snsClient(LOCAL_CREDENTIALS).send(new PublishCommand({ TargetArn: endpointArn, Message: '{}' }));
    expect(await pushCount()).toBe(before + 1);
  });

  it('a signed body sent tampered gets SignatureDoesNotMatch (awsQuery XML) and is not pushed; sent as signed it is', async () => {
    const body = publishForm('{"callId":"signed"}');
    const headers = await signedHeaders({ endpoint: sns.endpoint, service: 'sns', path: '/', body, contentType: 'application/x-www-form-urlencoded' });
    const before = await pushCount();
    const tampered = await snsFetch(headers, publishForm('{"callId":"tampered"}'));
    expect(tampered.status).toBe(403);
    const xml = await tampered.text();
    expect(xml).toContain('<ErrorResponse');
    expect(xml).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await pushCount()).toBe(before);
    expect((await snsFetch(headers, body)).status).toBe(200);
    expect((await readPushLog(sns.logFile)).at(-1)?.payload).toEqual({ callId: 'signed' });
  });

  it('a request signed 10 minutes ago, or for another service, is refused', async () => {
    const body = publishForm('{}');
    const before = await pushCount();
    const old = await signedHeaders({
      endpoint: sns.endpoint,
      service: 'sns',
      path: '/',
      body,
      contentType: 'application/x-www-form-urlencoded',
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    const expired = await snsFetch(old, body);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired/);
    const sqs = await signedHeaders({ endpoint: sns.endpoint, service: 'sqs', path: '/', body, contentType: 'application/x-www-form-urlencoded' });
    const foreign = await snsFetch(sqs, body);
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped .*'sns'/);
    expect(await pushCount()).toBe(before);
  });
});

describe('Chime SDK Voice stand-in: SigV4 as the service checks it', () => {
  const path = () => `/sip-media-applications/${sim.sipMediaApplicationId}/calls`;
  const callBody = (to: string) => JSON.stringify({ FromPhoneNumber: sim.phoneNumber, ToPhoneNumber: to });
  const createCall = (credentials: Credentials) =>
    voiceClient(credentials).send(
      new CreateSipMediaApplicationCallCommand({ SipMediaApplicationId: sim.sipMediaApplicationId, FromPhoneNumber: sim.phoneNumber, ToPhoneNumber: '+15555550123' }),
    );
  const voiceFetch = (headers: Record<string, string>, body: string) => fetch(`${sim.endpoint}${path()}`, { method: 'POST', headers, body });

  it('the SDK with the wrong secret gets ForbiddenException (403), an unknown key UnauthorizedClientException (401); no call is placed', async () => {
    const calls = sim.calls().length;
    const before = invocations;
    const wrong = await failure(createCall(WRONG_SECRET));
    expect(wrong).toBeInstanceOf(ForbiddenException);
    expect(wrong?.$metadata?.httpStatusCode).toBe(403);
    const unknown = await failure(createCall(UNKNOWN_KEY));
    expect(unknown).toBeInstanceOf(UnauthorizedClientException);
    expect(unknown?.$metadata?.httpStatusCode).toBe(401);
    expect(sim.calls().length).toBe(calls);
    expect(invocations).toBe(before);
    // The right key pair places the call.
    expect((await createCall(LOCAL_CREDENTIALS)).SipMediaApplicationCall?.TransactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.calls().length).toBe(calls + 1);
  });

  it('a signed body sent tampered (another number) is ForbiddenException and places no call; sent as signed it is 201', async () => {
    const body = callBody('+15555550123');
    const headers = await signedHeaders({ endpoint: sim.endpoint, service: 'chime', path: path(), body, contentType: 'application/json' });
    const calls = sim.calls().length;
    const tampered = await voiceFetch(headers, callBody('+15555550999'));
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(sim.calls().length).toBe(calls);
    expect((await voiceFetch(headers, body)).status).toBe(201);
    expect(sim.calls().at(-1)?.to).toBe('+15555550123');
  });

  it('a request signed 10 minutes ago, or for another service, is ForbiddenException', async () => {
    const body = callBody('+15555550123');
    const calls = sim.calls().length;
    const old = await signedHeaders({
      endpoint: sim.endpoint,
      service: 'chime',
      path: path(),
      body,
      contentType: 'application/json',
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    const expired = await voiceFetch(old, body);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(((await expired.json()) as { Message: string }).Message).toMatch(/Signature expired/);
    const foreign = await voiceFetch(await signedHeaders({ endpoint: sim.endpoint, service: 'sns', path: path(), body, contentType: 'application/json' }), body);
    expect(foreign.status).toBe(403);
    expect(sim.calls().length).toBe(calls);
  });
});
