import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as Streams from '@aws-sdk/client-dynamodb-streams';
import type * as Dynamo from '@aws-sdk/client-dynamodb';
import { invokeLambda } from './lambda-runtime.ts';

const require = createRequire(import.meta.url);
const { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = require('@aws-sdk/client-dynamodb-streams') as typeof Streams;
const { DynamoDBClient, DescribeTableCommand } = require('@aws-sdk/client-dynamodb') as typeof Dynamo;

/** Last processed sequence number per shard, for one stream (a recreated table has a new stream ARN). */
interface Checkpoint {
  streamArn: string;
  shards: Record<string, string>;
}

async function readCheckpoint(file: string | undefined, streamArn: string): Promise<Record<string, string>> {
  if (!file || !existsSync(file)) return {};
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
    return saved.streamArn === streamArn && saved.shards && typeof saved.shards === 'object' ? { ...saved.shards } : {};
  } catch {
    return {}; // unreadable: start over from the trim horizon, as without one
  }
}

/** Write-then-rename, so a crash leaves the old checkpoint or the new one, never half of one. */
async function writeCheckpoint(file: string, checkpoint: Checkpoint) {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(checkpoint));
  await rename(tmp, file);
}

type Invoke = (fn: string, event: unknown) => Promise<unknown>;
type StreamRecord = Streams._Record;

/**
 * Lambda's ReportBatchItemFailures: the index of the first failed record, -1 when the
 * whole batch succeeded. An identifier that is not in the batch fails the whole batch,
 * as Lambda does.
 */
function firstFailure(result: unknown, records: StreamRecord[]): number {
  const failures = (result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null | undefined)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let first = records.length;
  for (const failure of failures) {
    const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failure?.itemIdentifier);
    if (index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

export class PartialBatchFailure extends Error {
  constructor(readonly sequenceNumber: string) {
    super(`record ${sequenceNumber} failed; retrying from it`);
    this.name = 'PartialBatchFailure';
  }
}

/**
 * The local event source mapping: polls the table's stream in DynamoDB Local and
 * hands batches to the same handler the CDK stream trigger targets. Like Lambda, a
 * failed batch is retried from its first record, and a partial batch response
 * (batchItemFailures) retries from the first failed record while the ones before it
 * count as done. As the CDK mapping is configured (bisectBatchOnError, retryAttempts),
 * a thrown batch is split until the failing record is alone, and a record that still
 * fails after its retries is given up (onDiscard) instead of blocking the shard. Progress is checkpointed per shard (checkpointFile), so a restart
 * resumes after the last processed record instead of replaying the stream and pushing
 * stale states; without a checkpoint, or when it has left the stream, processing
 * starts at the trim horizon (the handler is idempotent).
 */
export async function startStreamPoller(opts: {
  endpoint: string;
  tableName: string;
  fn: string;
  intervalMs?: number;
  onError?: (error: unknown) => void;
  /** where progress is kept; without it every start begins at the trim horizon */
  checkpointFile?: string;
  /** how a batch is delivered (default: the Lambda handler, in process) */
  invoke?: Invoke;
  /** retries of a failing record before it is given up, like the mapping's retryAttempts (lib/panels.ts: 5) */
  retryAttempts?: number;
  /** a record given up after its retries (in AWS it goes to the on-failure queue) */
  onDiscard?: (sequenceNumber: string, attempts: number) => void;
  /** the mapping's filter criteria: records it rejects are passed over, never delivered (as Lambda drops them) */
  filter?: (record: StreamRecord) => boolean;
}) {
  const retryAttempts = opts.retryAttempts ?? 5;
  const invoke = opts.invoke ?? invokeLambda;
  const clientConfig = { endpoint: opts.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const streams = new DynamoDBStreamsClient(clientConfig);
  const dynamo = new DynamoDBClient(clientConfig);
  const table = await dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${opts.tableName} has no stream`);
  const checkpoint = await readCheckpoint(opts.checkpointFile, streamArn);
  const iterators = new Map<string, string | undefined>();
  // bisectBatchOnError: a thrown batch is read again at half the size, down to the one record that fails.
  const batchSize = new Map<string, number>();
  // Failed attempts of the record a shard is stuck on: [sequence number, attempts].
  const stuck = new Map<string, [string, number]>();
  let running = true;
  let idle: Promise<void> = Promise.resolve();

  const iteratorFor = async (shardId: string, type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER', SequenceNumber?: string) =>
    (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber }))).ShardIterator;

  const resume = async (shardId: string) => {
    const after = checkpoint[shardId];
    if (after) {
      try {
        return await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', after);
      } catch (error) {
        // The checkpointed record was trimmed from the stream: everything left is unprocessed.
        if (!/Trimmed|ValidationException|ResourceNotFound/.test((error as Error).name)) throw error;
      }
    }
    return iteratorFor(shardId, 'TRIM_HORIZON');
  };

  // Checkpoint writes run beside the polling, one at a time, always writing the latest
  // state (a crash between a batch and its write replays that batch: at least once, as Lambda).
  let writing: Promise<void> | undefined;
  let dirty = false;
  const persist = (): Promise<void> => {
    if (!opts.checkpointFile) return Promise.resolve();
    dirty = true;
    writing ??= (async () => {
      while (dirty) {
        dirty = false;
        await writeCheckpoint(opts.checkpointFile!, { streamArn, shards: { ...checkpoint } }).catch((error) => opts.onError?.(error));
      }
      writing = undefined;
    })();
    return writing;
  };
  const commit = async (shardId: string, sequenceNumber: string) => {
    checkpoint[shardId] = sequenceNumber;
    void persist();
  };

  const discoverShards = async () => {
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (iterators.has(shard.ShardId!)) continue;
      iterators.set(shard.ShardId!, await resume(shard.ShardId!));
    }
  };

  /** Counts a failed attempt of the record at `index`; true once it has used up its retries (then it is skipped). */
  const giveUp = async (shardId: string, records: StreamRecord[], index: number): Promise<boolean> => {
    const sequenceNumber = records[index]!.dynamodb!.SequenceNumber!;
    const prior = stuck.get(shardId);
    const attempts = prior?.[0] === sequenceNumber ? prior[1] + 1 : 1;
    stuck.set(shardId, [sequenceNumber, attempts]);
    if (attempts <= retryAttempts) return false;
    stuck.delete(shardId);
    opts.onDiscard?.(sequenceNumber, attempts);
    await commit(shardId, sequenceNumber);
    iterators.set(shardId, await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', sequenceNumber));
    return true;
  };

  const deliver = async (shardId: string, records: StreamRecord[]) => {
    const Records = records.map((r) => ({ ...r, eventSourceARN: streamArn, awsRegion: 'us-east-1' }));
    let result: unknown;
    try {
      result = await invoke(opts.fn, { Records });
    } catch (error) {
      // The whole batch failed: read it again from its first record, half as many at a time.
      if (records.length > 1) batchSize.set(shardId, Math.ceil(records.length / 2));
      else if (await giveUp(shardId, records, 0)) return 'skipped';
      iterators.set(shardId, await iteratorFor(shardId, 'AT_SEQUENCE_NUMBER', records[0]!.dynamodb!.SequenceNumber!));
      throw error;
    }
    const failed = firstFailure(result, records);
    if (failed < 0) {
      stuck.delete(shardId);
      batchSize.delete(shardId);
      return 'done';
    }
    if (failed > 0) await commit(shardId, records[failed - 1]!.dynamodb!.SequenceNumber!);
    if (await giveUp(shardId, records, failed)) return 'skipped';
    const retryFrom = records[failed]!.dynamodb!.SequenceNumber!;
    iterators.set(shardId, await iteratorFor(shardId, 'AT_SEQUENCE_NUMBER', retryFrom));
    throw new PartialBatchFailure(retryFrom);
  };

  const loop = async () => {
    let lastDiscovery = 0;
    while (running) {
      try {
        if (Date.now() - lastDiscovery > 2000) {
          await discoverShards();
          lastDiscovery = Date.now();
        }
        for (const [shardId, iterator] of iterators) {
          if (!iterator || !running) continue;
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize.get(shardId) ?? 100 }));
          const read = out.Records ?? [];
          const records = opts.filter ? read.filter(opts.filter) : read;
          // A skipped record set the iterator just past itself: the rest of this batch is read again from there.
          if (records.length && (await deliver(shardId, records)) === 'skipped') continue;
          if (read.length) await commit(shardId, read.at(-1)!.dynamodb!.SequenceNumber!);
          iterators.set(shardId, out.NextShardIterator);
        }
      } catch (error) {
        opts.onError?.(error);
        await sleep(500);
      }
      await sleep(opts.intervalMs ?? 100);
    }
  };
  idle = loop();
  return {
    stop: async () => {
      running = false;
      await idle;
      await writing;
      streams.destroy();
      dynamo.destroy();
    },
  };
}
