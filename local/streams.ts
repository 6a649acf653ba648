import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as Streams from '@aws-sdk/client-dynamodb-streams';
import type * as Dynamo from '@aws-sdk/client-dynamodb';
import { invokeLambda } from './lambda-runtime.ts';

const require = createRequire(import.meta.url);
const { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = require('@aws-sdk/client-dynamodb-streams') as typeof Streams;
const { DynamoDBClient, DescribeTableCommand } = require('@aws-sdk/client-dynamodb') as typeof Dynamo;

/**
 * The local event source mapping: polls the table's stream in DynamoDB Local and
 * hands batches to the same handler the CDK stream trigger targets. Like Lambda,
 * a failed batch is retried (the iterator only advances after success), and
 * processing starts at the trim horizon so nothing committed while the stack was
 * down is missed (the handler is idempotent).
 */
export async function startStreamPoller(opts: { endpoint: string; tableName: string; fn: string; intervalMs?: number; onError?: (error: unknown) => void }) {
  const clientConfig = { endpoint: opts.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const streams = new DynamoDBStreamsClient(clientConfig);
  const dynamo = new DynamoDBClient(clientConfig);
  const table = await dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${opts.tableName} has no stream`);
  const iterators = new Map<string, string | undefined>();
  let running = true;
  let idle: Promise<void> = Promise.resolve();

  const discoverShards = async () => {
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (iterators.has(shard.ShardId!)) continue;
      const it = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
      iterators.set(shard.ShardId!, it.ShardIterator);
    }
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
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          if (out.Records?.length) {
            const Records = out.Records.map((r) => ({ ...r, eventSourceARN: streamArn, awsRegion: 'us-east-1' }));
            await invokeLambda(opts.fn, { Records });
          }
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
      streams.destroy();
      dynamo.destroy();
    },
  };
}
