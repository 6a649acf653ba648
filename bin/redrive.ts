#!/usr/bin/env -S npx tsx
/**
 * `npm run redrive -- --stage dev [--dry-run] [--max N] [--queue <url>]... [--stack <name>] [--region r]`
 *
 * Replays what the IoT-rule functions could not process. IoT rules invoke them asynchronously;
 * after Lambda's own retries the invocation lands in the function's on-failure SQS queue as a
 * Lambda destination record, whose `requestPayload` is the original event. Each record is
 * invoked again (Lambda Invoke, RequestResponse) on the function named in the record, and the
 * message is deleted only after that invocation succeeded. `--dry-run` lists what would be
 * replayed and changes nothing. Queue URLs come from the stack outputs whose key ends in
 * `FailureQueueUrl` (or `--queue`). The same replay runs against the local stack's handler modules
 * (`replayQueue` with `moduleInvoker`), which is how test/unit/redrive.test.ts checks it.
 */
import { pathToFileURL } from 'node:url';
import { intFlag, parseCommandLine } from '../iot/panel/cli-input.ts';
import type { InvokeCommandInput } from '@aws-sdk/client-lambda';
import type { ChangeMessageVisibilityCommandInput, DeleteMessageCommandInput, ReceiveMessageCommandInput } from '@aws-sdk/client-sqs';

/** An SDK command class (or a test's stand-in): built from its input, sent by a client. */
type CommandClass<Input> = new (input: Input) => { input: Input };

/** The parts of an SQS client redrive uses (the real one, or a stand-in in a test). */
export interface QueueClient {
  send(command: { input: object; constructor: { name: string } }): Promise<{ Messages?: Array<{ MessageId?: string; ReceiptHandle?: string; Body?: string }> }>;
}

export interface FailureRecord {
  functionArn: string;
  /** the function name, from the ARN (without a version or alias) */
  functionName: string;
  condition?: string;
  payload: unknown;
}

/** A Lambda on-failure destination record, or why the message is not one. */
export function parseFailureRecord(body: string | undefined): FailureRecord | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'no requestContext.functionArn' };
  const record = parsed as { requestContext?: { functionArn?: unknown; condition?: unknown }; requestPayload?: unknown };
  const functionArn = record.requestContext?.functionArn;
  const functionName = typeof functionArn === 'string' ? /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([\w-]+)/.exec(functionArn)?.[1] : undefined;
  if (typeof functionArn !== 'string' || !functionName) return { error: 'no requestContext.functionArn' };
  if (!('requestPayload' in record)) return { error: 'no requestPayload' };
  const condition = record.requestContext?.condition;
  return { functionArn, functionName, condition: typeof condition === 'string' ? condition : undefined, payload: record.requestPayload };
}

/** Runs one parked event again; resolves with an error text when the function failed. */
export type Invoker = (record: FailureRecord) => Promise<{ ok: true } | { ok: false; error: string }>;

export interface ReplayReport {
  queueUrl: string;
  replayed: number;
  failed: Array<{ messageId: string; error: string }>;
  unreadable: Array<{ messageId: string; error: string }>;
  /** dry run: what would be replayed, per function */
  wouldReplay: Record<string, number>;
}

/**
 * Drains one queue: receive, replay, delete on success. A message that fails (or cannot be read)
 * stays in the queue and is not received again in this run; after its visibility timeout it is
 * back for the next run (or its own redrive policy).
 */
export async function replayQueue(opts: {
  sqs: QueueClient;
  commands: {
    Receive: CommandClass<ReceiveMessageCommandInput>;
    Delete: CommandClass<DeleteMessageCommandInput>;
    ChangeVisibility: CommandClass<ChangeMessageVisibilityCommandInput>;
  };
  queueUrl: string;
  invoke: Invoker;
  dryRun?: boolean;
  max?: number;
  visibilitySeconds?: number;
}): Promise<ReplayReport> {
  const { sqs, queueUrl, commands } = opts;
  const max = opts.max ?? Infinity;
  const report: ReplayReport = { queueUrl, replayed: 0, failed: [], unreadable: [], wouldReplay: {} };
  const seen = new Set<string>();
  const held: string[] = [];
  let handled = 0;
  while (handled < max) {
    const out = await sqs.send(new commands.Receive({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: opts.visibilitySeconds ?? 120 }));
    const messages = out.Messages ?? [];
    const fresh = messages.filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      const id = m.MessageId ?? '?';
      seen.add(id);
      if (handled >= max) {
        if (m.ReceiptHandle) held.push(m.ReceiptHandle);
        continue;
      }
      handled += 1;
      const record = parseFailureRecord(m.Body);
      if ('error' in record) {
        report.unreadable.push({ messageId: id, error: record.error });
        continue;
      }
      if (opts.dryRun) {
        report.wouldReplay[record.functionName] = (report.wouldReplay[record.functionName] ?? 0) + 1;
        if (m.ReceiptHandle) held.push(m.ReceiptHandle);
        continue;
      }
      const result = await opts.invoke(record).catch((error: Error) => ({ ok: false as const, error: `${error.name}: ${error.message}` }));
      if (!result.ok) {
        report.failed.push({ messageId: id, error: result.error });
        continue;
      }
      await sqs.send(new commands.Delete({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      report.replayed += 1;
    }
  }
  // A dry run (or the --max cut) leaves messages exactly as they were: visible again at once.
  for (const handle of held) await sqs.send(new commands.ChangeVisibility({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
  return report;
}

/** Lambda Invoke, RequestResponse, on the function (and version) the record names. */
export function lambdaInvoker(
  lambda: { send(command: { input: InvokeCommandInput }): Promise<{ FunctionError?: string; Payload?: Uint8Array; StatusCode?: number }> },
  InvokeCommand: CommandClass<InvokeCommandInput>,
): Invoker {
  return async (record) => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: record.functionArn, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(record.payload)) }));
    if (out.FunctionError)
      return {
        ok: false,
        error: `${out.FunctionError}: ${Buffer.from(out.Payload ?? [])
          .toString('utf8')
          .slice(0, 300)}`,
      };
    return out.StatusCode === 200 ? { ok: true } : { ok: false, error: `status ${out.StatusCode}` };
  };
}

/**
 * The handler module in this process (local stack: functions are named `lobby-<fn>`), through
 * the same local Lambda runtime the local IoT rules use.
 */
export function moduleInvoker(invokeLambda: (fn: string, event: unknown) => Promise<unknown>): Invoker {
  return async (record) => {
    const fn = /^lobby-([a-z-]+)$/.exec(record.functionName)?.[1];
    if (!fn) return { ok: false, error: `not a local function: ${record.functionName}` };
    await invokeLambda(fn, record.payload);
    return { ok: true };
  };
}

/** The on-failure queue URLs among a stack's outputs. */
export function failureQueueUrls(outputs: Array<{ OutputKey?: string; OutputValue?: string }>): string[] {
  return outputs.flatMap((o) => (/FailureQueueUrl$/.test(o.OutputKey ?? '') && o.OutputValue ? [o.OutputValue] : []));
}

const REDRIVE_USAGE = `usage: npm run -s redrive -- --stage <dev|prod> [--dry-run] [--max N] [--queue <url>]... [--stack <name>] [--region <r>]
  Replays the events parked in the IoT-rule functions' on-failure queues; --dry-run lists them and changes nothing.`;

async function main() {
  const { values } = parseCommandLine('redrive', REDRIVE_USAGE, {
    options: {
      stage: { type: 'string', default: 'dev' },
      stack: { type: 'string' },
      region: { type: 'string' },
      queue: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      max: { type: 'string' },
    },
  });
  const max = intFlag('redrive', REDRIVE_USAGE, 'max', values.max, 1);
  const { SQSClient, ReceiveMessageCommand, DeleteMessageCommand, ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const region = values.region ?? process.env.AWS_REGION;
  let queues = values.queue ?? [];
  if (queues.length === 0) {
    const { stackOutputs } = await import('./smoke.ts');
    const stackName = values.stack ?? `Lobby-${values.stage}`;
    queues = failureQueueUrls(await stackOutputs(stackName, region));
    if (queues.length === 0) throw new Error(`stack ${stackName} has no *FailureQueueUrl outputs; pass --queue <url>`);
  }
  const sqs = new SQSClient({ region });
  const invoke = lambdaInvoker(new LambdaClient({ region }), InvokeCommand);
  let failures = 0;
  for (const queueUrl of queues) {
    const report = await replayQueue({
      sqs,
      queueUrl,
      invoke,
      dryRun: values['dry-run'],
      max,
      commands: { Receive: ReceiveMessageCommand, Delete: DeleteMessageCommand, ChangeVisibility: ChangeMessageVisibilityCommand },
    });
    failures += report.failed.length + report.unreadable.length;
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
  return failures === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`redrive: ${error.message}\n`);
      process.exit(2);
    },
  );
}
