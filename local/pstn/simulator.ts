import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Action, type ActionResponse, actionResponse } from '../../functions/schemas/phone-call.ts';
import { listen } from '../listen.ts';
import { type Credentials, LOCAL_CREDENTIALS, type SigV4Refusal, SigV4Verifier } from '../sigv4.ts';

/**
 * A stand-in for Amazon Chime SDK PSTN audio. Its front is the Chime SDK Voice API that
 * @aws-sdk/client-chime-sdk-voice drives unmodified (restJson: CreateSipMediaApplicationCall ->
 * 201 { SipMediaApplicationCall: { TransactionId } }, errors as x-amzn-ErrorType + JSON; SigV4 with service
 * "chime" and the local key pair, else UnauthorizedClientException / ForbiddenException); its back
 * is the SIP media application: it invokes the phone-call Lambda with the documented invocation
 * events (NEW_OUTBOUND_CALL with the ArgumentsMap, RINGING, CALL_ANSWERED, ACTION_SUCCESSFUL /
 * ACTION_FAILED, HANGUP; schema 1.0), checks each response like the service (at most 10 actions of
 * known shapes, else INVALID_LAMBDA_RESPONSE), keeps TransactionAttributes, and runs the actions:
 * Speak and SpeakAndGetDigits are written down as what the callee heard, Hangup ends the call.
 * The callee is played through a control route (`npm run phone -- press 9`, tests).
 */
export type PhoneCallState = 'ringing' | 'answered' | 'ended';

export interface SimulatedCall {
  transactionId: string;
  from: string;
  to: string;
  state: PhoneCallState;
  /** What the callee heard, in order. */
  heard: string[];
  /** The invocation event types sent to the Lambda, in order. */
  events: string[];
  startedAt: string;
}

interface Transaction extends SimulatedCall {
  sipMediaApplicationId: string;
  legCallId: string;
  arguments: Record<string, string>;
  attributes: Record<string, string>;
  sequence: number;
  /** The SpeakAndGetDigits waiting for the callee's keys. */
  collecting?: Extract<Action, { Type: 'SpeakAndGetDigits' }>;
  /** NEW_OUTBOUND_CALL and RINGING, delivered in order before the callee can answer. */
  ready: Promise<void>;
}

export type LambdaInvoke = (event: unknown) => Promise<unknown>;

const E164 = /^\+?[1-9]\d{1,14}$/;
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

class VoiceError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A SigV4 refusal as the Chime SDK Voice API (restJson) answers it: no usable credentials 401, a bad signature 403. */
function voiceRefusal(refusal: SigV4Refusal): VoiceError {
  switch (refusal.reason) {
    case 'missing':
    case 'malformed':
    case 'no-date':
    case 'unknown-key':
      return new VoiceError('UnauthorizedClientException', 401, refusal.message);
    default:
      return new VoiceError('ForbiddenException', 403, refusal.message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new VoiceError('BadRequestException', 400, 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new VoiceError('BadRequestException', 400, 'The request body is not valid JSON');
  }
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

function stringMap(value: unknown, what: string, max: number): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VoiceError('BadRequestException', 400, `${what} must be a map of strings`);
  const entries = Object.entries(value);
  if (entries.length > max || entries.some(([, v]) => typeof v !== 'string')) throw new VoiceError('BadRequestException', 400, `${what}: at most ${max} string entries`);
  return Object.fromEntries(entries) as Record<string, string>;
}

export interface PstnSimulator {
  endpoint: string;
  sipMediaApplicationId: string;
  /** The number in this "account's" inventory that calls come from. */
  phoneNumber: string;
  calls(): SimulatedCall[];
  /** The callee answers (if ringing) and presses `digits`; resolves when the Lambda has nothing more to do. */
  press(digits: string, transactionId?: string): Promise<SimulatedCall>;
  /** The callee picks up and listens (presses nothing yet). */
  answer(transactionId?: string): Promise<SimulatedCall>;
  /** The callee hangs up (or rejects a ringing call). */
  hangup(transactionId?: string): Promise<SimulatedCall>;
  stop(): Promise<void>;
}

export async function startPstnSimulator(opts: {
  port: number;
  /** Runs the SIP media application's Lambda (locally: local/lambda-runtime.ts). */
  invoke: LambdaInvoke;
  sipMediaApplicationId?: string;
  phoneNumber?: string;
  onCall?: (call: SimulatedCall, what: string) => void;
  /** the key pair API requests must be signed with (the local stack's, by default) */
  credentials?: Credentials;
}): Promise<PstnSimulator> {
  const verifier = new SigV4Verifier({ service: 'chime', credentials: opts.credentials ?? LOCAL_CREDENTIALS, refuse: voiceRefusal });
  const sipMediaApplicationId = opts.sipMediaApplicationId ?? 'lobby-local-sip-media-application';
  const phoneNumber = opts.phoneNumber ?? '+15555550100';
  const transactions: Transaction[] = [];

  const publicView = (t: Transaction): SimulatedCall => ({
    transactionId: t.transactionId,
    from: t.from,
    to: t.to,
    state: t.state,
    heard: [...t.heard],
    events: [...t.events],
    startedAt: t.startedAt,
  });

  const event = (t: Transaction, type: string, actionData?: Record<string, unknown>) => {
    t.events.push(type);
    return {
      SchemaVersion: '1.0',
      Sequence: ++t.sequence,
      InvocationEventType: type,
      ...(actionData ? { ActionData: actionData } : {}),
      CallDetails: {
        TransactionId: t.transactionId,
        ...(Object.keys(t.attributes).length > 0 ? { TransactionAttributes: { ...t.attributes } } : {}),
        AwsAccountId: ACCOUNT,
        AwsRegion: REGION,
        SipMediaApplicationId: t.sipMediaApplicationId,
        Participants: [
          {
            CallId: t.legCallId,
            ParticipantTag: 'LEG-A',
            To: t.to,
            From: t.from,
            Direction: 'Outbound',
            StartTimeInMilliseconds: String(Date.parse(t.startedAt)),
            ...(t.state === 'ringing' ? {} : { Status: t.state === 'ended' ? 'Disconnected' : 'Connected' }),
          },
        ],
      },
    };
  };

  /** One invocation; the response checked as the service checks it. Undefined: the call was torn down. */
  async function invoke(t: Transaction, type: string, actionData?: Record<string, unknown>): Promise<Action[] | undefined> {
    let raw: unknown;
    try {
      raw = await opts.invoke(event(t, type, actionData));
    } catch {
      // A failing Lambda: the service disconnects the call.
      t.events.push('(lambda error)');
      t.state = 'ended';
      return undefined;
    }
    const parsed = actionResponse.safeParse(raw);
    if (!parsed.success) {
      t.state = 'ended';
      await opts.invoke(event(t, 'INVALID_LAMBDA_RESPONSE', { ErrorType: 'InvalidResponse', ErrorMessage: parsed.error.issues[0]?.message ?? 'invalid' })).catch(() => {});
      return undefined;
    }
    const response: ActionResponse = parsed.data;
    // Returned attributes replace the stored set; an empty map clears it.
    if (response.TransactionAttributes) t.attributes = { ...response.TransactionAttributes };
    return response.Actions;
  }

  /** Runs actions until the Lambda asks for nothing, waits for keys, or the call ends. */
  async function run(t: Transaction, actions: Action[] | undefined): Promise<void> {
    let list = actions;
    while (list && list.length > 0 && t.state !== 'ended') {
      let last: Action | undefined;
      for (const action of list) {
        last = action;
        if (action.Type === 'Speak') {
          t.heard.push(action.Parameters.Text);
        } else if (action.Type === 'SpeakAndGetDigits') {
          t.heard.push(action.Parameters.SpeechParameters.Text);
          t.collecting = action;
          return;
        } else if (action.Type === 'Hangup') {
          t.state = 'ended';
          await invoke(t, 'HANGUP', { Type: 'Hangup', Parameters: { ...action.Parameters, ParticipantTag: 'LEG-A' } });
          opts.onCall?.(publicView(t), 'hung up by the SIP media application');
          return;
        }
      }
      list = await invoke(t, 'ACTION_SUCCESSFUL', last ? { Type: last.Type, Parameters: last.Parameters } : undefined);
    }
  }

  function digitsResult(collect: Extract<Action, { Type: 'SpeakAndGetDigits' }>, digits: string): { ok: boolean; received: string } {
    const p = collect.Parameters;
    const terminators = p.TerminatorDigits ?? ['#'];
    const cut = [...digits].findIndex((d) => (terminators as string[]).includes(d));
    const received = (cut === -1 ? digits : digits.slice(0, cut)).slice(0, p.MaxNumberOfDigits ?? 128);
    const ok = received.length >= (p.MinNumberOfDigits ?? 0) && (!p.InputDigitsRegex || new RegExp(p.InputDigitsRegex).test(received));
    return { ok, received };
  }

  const pick = (transactionId?: string) => {
    const t = transactionId ? transactions.find((x) => x.transactionId === transactionId) : transactions.findLast((x) => x.state !== 'ended');
    if (!t) throw new VoiceError('NotFoundException', 404, transactionId ? 'No such call' : 'No phone is ringing');
    return t;
  };

  async function answer(transactionId?: string): Promise<Transaction> {
    const t = pick(transactionId);
    await t.ready;
    if (t.state === 'ringing') {
      t.state = 'answered';
      opts.onCall?.(publicView(t), 'answered');
      await run(t, await invoke(t, 'CALL_ANSWERED'));
    }
    return t;
  }

  async function press(digits: string, transactionId?: string): Promise<SimulatedCall> {
    if (!/^[0-9*#]{1,32}$/.test(digits)) throw new VoiceError('BadRequestException', 400, 'Digits are 0-9, * and #');
    const t = await answer(transactionId);
    const collect = t.collecting;
    if (t.state === 'answered' && collect) {
      t.collecting = undefined;
      const { ok, received } = digitsResult(collect, digits);
      const actionData = { Type: collect.Type, Parameters: collect.Parameters };
      await run(
        t,
        ok
          ? await invoke(t, 'ACTION_SUCCESSFUL', { ...actionData, ReceivedDigits: received })
          : await invoke(t, 'ACTION_FAILED', { ...actionData, ErrorType: 'InvalidDigitsReceived', ErrorMessage: 'Invalid digits received' }),
      );
    }
    // Keys pressed with nothing collecting them are dropped, as the service drops them.
    return publicView(t);
  }

  async function hangup(transactionId?: string): Promise<SimulatedCall> {
    const t = pick(transactionId);
    await t.ready;
    if (t.state !== 'ended') {
      t.state = 'ended';
      t.collecting = undefined;
      await invoke(t, 'HANGUP', { Type: 'Hangup', Parameters: { SipResponseCode: '0', CallId: t.legCallId, ParticipantTag: 'LEG-A' } });
      opts.onCall?.(publicView(t), 'hung up by the callee');
    }
    return publicView(t);
  }

  async function createCall(smaId: string, body: unknown, res: ServerResponse) {
    if (smaId !== sipMediaApplicationId) throw new VoiceError('NotFoundException', 404, `SipMediaApplication ${smaId} not found`);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const from = b.FromPhoneNumber;
    const to = b.ToPhoneNumber;
    if (typeof from !== 'string' || !E164.test(from)) throw new VoiceError('BadRequestException', 400, 'FromPhoneNumber must match ^\\+?[1-9]\\d{1,14}$');
    if (typeof to !== 'string' || !E164.test(to)) throw new VoiceError('BadRequestException', 400, 'ToPhoneNumber must match ^\\+?[1-9]\\d{1,14}$');
    if (from !== phoneNumber) throw new VoiceError('NotFoundException', 404, 'FromPhoneNumber is not a phone number of this account');
    const args = stringMap(b.ArgumentsMap, 'ArgumentsMap', 20);
    const headers = stringMap(b.SipHeaders, 'SipHeaders', 20);
    if (Object.keys(headers).some((h) => !/^x-/i.test(h))) throw new VoiceError('BadRequestException', 400, 'SipHeaders must start with x-');
    const t: Transaction = {
      transactionId: randomUUID(),
      from,
      to,
      state: 'ringing',
      heard: [],
      events: [],
      startedAt: new Date().toISOString(),
      sipMediaApplicationId,
      legCallId: randomUUID(),
      arguments: args,
      attributes: {},
      sequence: 0,
      ready: Promise.resolve(),
    };
    transactions.push(t);
    if (transactions.length > 200) transactions.shift();
    sendJson(res, 201, { SipMediaApplicationCall: { TransactionId: t.transactionId } });
    // After the reply, as the service does: the Lambda hears of the new call, then of the phone ringing.
    t.ready = (async () => {
      await invoke(t, 'NEW_OUTBOUND_CALL', { Type: 'CallCreateRequest', Parameters: { Arguments: { ...args }, SipHeaders: headers } });
      if (t.state === 'ringing') await invoke(t, 'RINGING');
      opts.onCall?.(publicView(t), 'ringing');
    })().catch(() => {});
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname.startsWith('/_lobby/phone')) {
          // The callee's side, for `npm run phone` and tests (local only).
          if (req.method === 'GET') return sendJson(res, 200, { calls: transactions.map(publicView) });
          const body = parseJson(await readBody(req)) as { action?: string; digits?: string; transactionId?: string };
          if (body.action === 'press') return sendJson(res, 200, await press(String(body.digits ?? ''), body.transactionId));
          if (body.action === 'answer') return sendJson(res, 200, publicView(await answer(body.transactionId)));
          if (body.action === 'hangup') return sendJson(res, 200, await hangup(body.transactionId));
          throw new VoiceError('BadRequestException', 400, 'action is press, answer or hangup');
        }
        // The SDK signs every request with service name "chime": the whole signature is checked, body included.
        const body = await readBody(req);
        await verifier.verifyIncoming(req, body);
        const create = /^\/sip-media-applications\/([^/]+)\/calls$/.exec(url.pathname);
        if (req.method === 'POST' && create?.[1]) return await createCall(decodeURIComponent(create[1]), parseJson(body), res);
        throw new VoiceError('NotFoundException', 404, `This stand-in does not implement ${req.method} ${url.pathname}`);
      } catch (error) {
        const e = error instanceof VoiceError ? error : new VoiceError('ServiceFailureException', 500, (error as Error).message);
        sendJson(res, e.status, { Code: e.type.replace(/Exception$/, ''), Message: e.message }, { 'x-amzn-errortype': e.type });
      }
    })();
  });
  await listen(server, opts.port, 'PSTN audio stand-in');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sipMediaApplicationId,
    phoneNumber,
    calls: () => transactions.map(publicView),
    press,
    answer: async (transactionId) => publicView(await answer(transactionId)),
    hangup,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}
