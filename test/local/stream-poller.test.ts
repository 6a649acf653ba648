import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamPoller } from '../../local/streams.ts';
import { eventually } from '../support/eventually.ts';
import { stack } from '../support/api.ts';

/**
 * The local event source mapping against the suite's DynamoDB Local, on a table of
 * its own, with a recording `invoke` in place of the Lambda handler.
 */
interface Delivery {
  keys: string[];
  sequenceNumbers: string[];
}
type StreamEvent = { Records: Array<{ dynamodb: { Keys: { pk: { S: string } }; SequenceNumber: string } }> };

let client: DynamoDBClient;
let dir: string;
const tables: string[] = [];

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: stack().dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  dir = await mkdtemp(join(tmpdir(), 'lobby-stream-'));
});
afterAll(async () => {
  for (const TableName of tables) await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  client.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function newTable(): Promise<string> {
  const TableName = `stream-test-${randomUUID().slice(0, 8)}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  tables.push(TableName);
  return TableName;
}

const put = (TableName: string, pk: string) => client.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));

/** A poller whose invoke records every batch and answers with `respond` (default: success). */
async function poller(tableName: string, checkpointFile: string, respond: (event: StreamEvent, n: number) => unknown = () => undefined) {
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const started = await startStreamPoller({
    endpoint: stack().dynamodbEndpoint,
    tableName,
    fn: 'test-fn',
    checkpointFile,
    intervalMs: 20,
    onError: (error) => errors.push(error),
    invoke: async (_fn, event) => {
      const { Records } = event as StreamEvent;
      deliveries.push({ keys: Records.map((r) => r.dynamodb.Keys.pk.S), sequenceNumbers: Records.map((r) => r.dynamodb.SequenceNumber) });
      return respond(event as StreamEvent, deliveries.length);
    },
  });
  const delivered = () => deliveries.flatMap((d) => d.keys);
  return { ...started, deliveries, delivered, errors };
}

describe('local stream poller', () => {
  it('resumes after its checkpoint on restart: old records are not delivered again', async () => {
    const table = await newTable();
    const checkpointFile = join(dir, `${table}.json`);
    for (const pk of ['old-1', 'old-2', 'old-3']) await put(table, pk);

    const first = await poller(table, checkpointFile);
    await eventually(() => first.delivered().length >= 3);
    expect(first.delivered()).toEqual(['old-1', 'old-2', 'old-3']);
    await first.stop();
    expect(existsSync(checkpointFile)).toBe(true);
    expect(JSON.parse(await readFile(checkpointFile, 'utf8')).shards).toBeTypeOf('object');

    await put(table, 'new-1');
    const second = await poller(table, checkpointFile);
    try {
      // Positive control: the new record arrives, and nothing before it with it or after it.
      await eventually(() => second.delivered().includes('new-1'));
      await put(table, 'new-2');
      await eventually(() => second.delivered().includes('new-2'));
      expect(second.delivered()).toEqual(['new-1', 'new-2']);
    } finally {
      await second.stop();
    }
  });

  it('without a checkpoint it starts at the trim horizon', async () => {
    const table = await newTable();
    for (const pk of ['a', 'b']) await put(table, pk);
    const p = await poller(table, join(dir, `${table}.json`));
    try {
      await eventually(() => p.delivered().length >= 2);
      expect(p.delivered()).toEqual(['a', 'b']);
    } finally {
      await p.stop();
    }
  });

  it('a batch response naming a failed record redelivers it and the ones after it, not the earlier ones', async () => {
    const table = await newTable();
    const keys = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const pk of keys) await put(table, pk);
    // The first batch fails at r3 (Lambda ReportBatchItemFailures); later batches succeed.
    const p = await poller(table, join(dir, `${table}.json`), (event, n) => {
      if (n !== 1) return { batchItemFailures: [] };
      const r3 = event.Records.find((r) => r.dynamodb.Keys.pk.S === 'r3')!;
      return { batchItemFailures: [{ itemIdentifier: r3.dynamodb.SequenceNumber }] };
    });
    try {
      await eventually(() => p.deliveries.length >= 2);
      // A later record marks the end: anything redelivered wrongly would come before it.
      await put(table, 'r6');
      await eventually(() => p.delivered().includes('r6'));
      expect(p.deliveries.map((d) => d.keys)).toEqual([keys, ['r3', 'r4', 'r5'], ['r6']]);
    } finally {
      await p.stop();
    }
  });

  it('a thrown invocation is retried bisected (bisectBatchOnError); an unknown itemIdentifier fails the whole batch', async () => {
    const table = await newTable();
    for (const pk of ['t1', 't2']) await put(table, pk);
    const p = await poller(table, join(dir, `${table}.json`), (_event, n) => {
      if (n === 1) throw new Error('handler crashed');
      if (n === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return undefined;
    });
    try {
      await eventually(() => p.deliveries.length >= 3);
      await put(table, 't3');
      await eventually(() => p.delivered().includes('t3'));
      // [t1 t2] throws -> read again half as big: [t1] fails whole (unknown id) -> [t1] ok -> [t2] -> [t3].
      const batches = p.deliveries.map((d) => d.keys);
      expect(batches.slice(0, 3)).toEqual([['t1', 't2'], ['t1'], ['t1']]);
      // After the bisect, t2 and then t3, in one batch or two depending on when t3 landed.
      expect(batches.slice(3).flat()).toEqual(['t2', 't3']);
    } finally {
      await p.stop();
    }
  });

  it('a record that keeps failing is given up after its retries (retryAttempts) and the shard moves on', async () => {
    const table = await newTable();
    for (const pk of ['g1', 'g2', 'g3']) await put(table, pk);
    const discarded: Array<[string, number]> = [];
    const deliveries: string[][] = [];
    let poison = '';
    const p = await startStreamPoller({
      endpoint: stack().dynamodbEndpoint,
      tableName: table,
      fn: 'test-fn',
      checkpointFile: join(dir, `${table}.json`),
      intervalMs: 20,
      retryAttempts: 2,
      onDiscard: (sequenceNumber, attempts) => discarded.push([sequenceNumber, attempts]),
      invoke: async (_fn, event) => {
        const { Records } = event as StreamEvent;
        deliveries.push(Records.map((r) => r.dynamodb.Keys.pk.S));
        const g2 = Records.find((r) => r.dynamodb.Keys.pk.S === 'g2');
        if (!g2) return undefined;
        poison = g2.dynamodb.SequenceNumber;
        return { batchItemFailures: [{ itemIdentifier: poison }] };
      },
    });
    try {
      await eventually(() => deliveries.flat().includes('g3') && discarded.length > 0 && deliveries.at(-1)?.[0] === 'g3');
      expect(deliveries).toEqual([['g1', 'g2', 'g3'], ['g2', 'g3'], ['g2', 'g3'], ['g3']]);
      expect(discarded).toEqual([[poison, 3]]);
    } finally {
      await p.stop();
    }
  });
});
