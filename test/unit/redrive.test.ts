import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { failureQueueUrls, moduleInvoker, parseFailureRecord, replayQueue, type QueueClient } from '../../bin/redrive.ts';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { CreatedPanel, Panel } from '../support/contract.ts';
import { useStackEnvironment } from '../support/in-process.ts';

/**
 * `npm run redrive`: parsing Lambda on-failure records and replaying them through the same
 * handler. There is no SQS emulator here, so FakeQueue stands in for the queue (and only for
 * it); the replayed events run through the real panel-messages handler module, in this process,
 * against the local stack's DynamoDB (the handler environment the local stack gives its handlers).
 */
class FakeQueue implements QueueClient {
  messages: Array<{ MessageId: string; Body: string; ReceiptHandle: string; visibleAt: number }> = [];
  deleted: string[] = [];
  put(body: string) {
    const id = randomUUID();
    this.messages.push({ MessageId: id, Body: body, ReceiptHandle: '', visibleAt: 0 });
    return id;
  }
  async send(command: { input: { MaxNumberOfMessages?: number; VisibilityTimeout?: number; ReceiptHandle?: string }; constructor: { name: string } }) {
    const input = command.input;
    const now = Date.now();
    switch (command.constructor.name) {
      case 'ReceiveMessageCommand': {
        const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, input.MaxNumberOfMessages ?? 1);
        for (const m of batch) {
          m.visibleAt = now + (input.VisibilityTimeout ?? 30) * 1000;
          m.ReceiptHandle = randomUUID();
        }
        return { Messages: batch.map(({ MessageId, Body, ReceiptHandle }) => ({ MessageId, Body, ReceiptHandle })) };
      }
      case 'DeleteMessageCommand': {
        const m = this.messages.find((x) => x.ReceiptHandle === input.ReceiptHandle);
        if (!m) throw new Error('ReceiptHandleIsInvalid');
        this.messages = this.messages.filter((x) => x !== m);
        this.deleted.push(m.MessageId);
        return {};
      }
      case 'ChangeMessageVisibilityCommand': {
        const m = this.messages.find((x) => x.ReceiptHandle === input.ReceiptHandle);
        if (m) m.visibleAt = now + (input.VisibilityTimeout ?? 0) * 1000;
        return {};
      }
      default:
        throw new Error(`unexpected ${command.constructor.name}`);
    }
  }
  visible() {
    return this.messages.filter((m) => m.visibleAt <= Date.now()).length;
  }
}

const commands = { Receive: ReceiveMessageCommand, Delete: DeleteMessageCommand, ChangeVisibility: ChangeMessageVisibilityCommand };

/** What Lambda writes to an on-failure destination after the async retries of an IoT-rule invocation. */
function destinationRecord(fn: string, requestPayload: unknown) {
  return JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
  });
}

const heartbeatEvent = (panelId: string, at: string) => ({
  panelId,
  channel: 'heartbeat',
  payload: Buffer.from(JSON.stringify({ at, credentials: { version: 0, digest: '' } })).toString('base64'),
});

let p: TestProperty;
let invokeLambda: (fn: string, event: unknown) => Promise<unknown>;
beforeAll(async () => {
  p = await newProperty('Redrive Tower');
  useStackEnvironment();
  ({ invokeLambda } = await import('../../local/lambda-runtime.ts'));
});

const newPanel = async () =>
  (await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Redrive door', kind: 'entrance' } }))).body.id as string;
const lastSeen = async (panelId: string) => (await expectOk(call<Panel>('GET', `/properties/${p.id}/panels/${panelId}`, { token: p.tokens.admin }))).body.credentials.lastSeenAt;

describe('redrive: Lambda on-failure records', () => {
  it('reads the function and the original event; refuses what is not such a record', () => {
    const event = heartbeatEvent('p1', '2026-11-30T10:00:00.000Z');
    expect(parseFailureRecord(destinationRecord('lobby-panel-messages', event))).toEqual({
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:lobby-panel-messages:$LATEST',
      functionName: 'lobby-panel-messages',
      condition: 'RetriesExhausted',
      payload: event,
    });
    expect(parseFailureRecord('{oops')).toEqual({ error: 'not JSON' });
    expect(parseFailureRecord(JSON.stringify({ requestPayload: {} }))).toEqual({ error: 'no requestContext.functionArn' });
    expect(parseFailureRecord(JSON.stringify({ requestContext: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:x' } }))).toEqual({ error: 'no requestPayload' });
  });

  it('takes the queue URLs from the stack outputs named *FailureQueueUrl', () => {
    expect(
      failureQueueUrls([
        { OutputKey: 'ApiUrl', OutputValue: 'https://api' },
        { OutputKey: 'PanelMessagesFailureQueueUrl', OutputValue: 'https://sqs/q1' },
        { OutputKey: 'PanelRequestsFailureQueueUrl', OutputValue: 'https://sqs/q2' },
      ]),
    ).toEqual(['https://sqs/q1', 'https://sqs/q2']);
  });
});

describe('redrive: replay through the same handler', () => {
  it('--dry-run invokes nothing and leaves every message visible', async () => {
    const panelId = await newPanel();
    const queue = new FakeQueue();
    queue.put(destinationRecord('lobby-panel-messages', heartbeatEvent(panelId, new Date().toISOString())));
    queue.put(destinationRecord('lobby-panel-requests', { panelId, channel: 'requests', payload: '' }));
    const report = await replayQueue({ sqs: queue, commands, queueUrl: 'q', invoke: moduleInvoker(invokeLambda), dryRun: true });
    expect(report).toMatchObject({ replayed: 0, failed: [], unreadable: [], wouldReplay: { 'lobby-panel-messages': 1, 'lobby-panel-requests': 1 } });
    expect(queue.deleted).toEqual([]);
    expect(queue.visible()).toBe(2);
    expect(await lastSeen(panelId)).toBeNull();
  });

  it('replays a parked heartbeat through panel-messages, deletes it after success; keeps what it cannot replay', async () => {
    const panelId = await newPanel();
    const at = new Date(Date.now() - 5_000).toISOString();
    const queue = new FakeQueue();
    const heartbeat = queue.put(destinationRecord('lobby-panel-messages', heartbeatEvent(panelId, at)));
    const garbage = queue.put('not a destination record');
    const unknown = queue.put(destinationRecord('Lobby-dev-PanelMessagesFunction1A2B3C', {})); // an AWS function: not replayable in this process
    const report = await replayQueue({ sqs: queue, commands, queueUrl: 'q', invoke: moduleInvoker(invokeLambda) });
    expect(report.replayed).toBe(1);
    expect(report.unreadable).toEqual([{ messageId: garbage, error: 'not JSON' }]);
    expect(report.failed).toEqual([{ messageId: unknown, error: expect.stringContaining('not a local function') }]);
    expect(queue.deleted).toEqual([heartbeat]);
    expect(queue.messages.map((m) => m.MessageId).sort()).toEqual([garbage, unknown].sort());
    expect(await lastSeen(panelId)).toBe(at);
  });

  it('a handler that throws leaves its message in the queue', async () => {
    const queue = new FakeQueue();
    // No panelId and no payload: the shell fails before it can drop the message as malformed.
    const id = queue.put(destinationRecord('lobby-panel-messages', null));
    const report = await replayQueue({ sqs: queue, commands, queueUrl: 'q', invoke: moduleInvoker(invokeLambda) });
    expect(report.replayed).toBe(0);
    expect(report.failed).toEqual([{ messageId: id, error: expect.any(String) }]);
    expect(queue.deleted).toEqual([]);
  });

  it('--max stops after N messages and leaves the rest visible', async () => {
    const queue = new FakeQueue();
    for (let i = 0; i < 3; i++) queue.put(destinationRecord('lobby-panel-messages', heartbeatEvent(await newPanel(), new Date().toISOString())));
    const report = await replayQueue({ sqs: queue, commands, queueUrl: 'q', invoke: moduleInvoker(invokeLambda), max: 2 });
    expect(report.replayed).toBe(2);
    expect(queue.messages).toHaveLength(1);
    expect(queue.visible()).toBe(1);
  });
});
