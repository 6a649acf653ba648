import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local.ts';

const TABLE = 'emulator-check';

/** Local addresses of the listening TCP sockets on a port, from /proc/net/tcp and tcp6. */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = local!.split(':');
      if (state !== '0A' || parseInt(hexPort!, 16) !== port) continue; // 0A = LISTEN
      if (hexAddress!.length === 8) {
        found.push(Buffer.from(hexAddress!, 'hex').reverse().join('.')); // little-endian IPv4
      } else if (hexAddress === '0000000000000000FFFF00000100007F') {
        found.push('127.0.0.1'); // IPv4-mapped 127.0.0.1
      } else if (hexAddress === '00000000000000000000000001000000') {
        found.push('::1');
      } else {
        found.push(`ipv6:${hexAddress}`);
      }
    }
  }
  return found;
}

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('DynamoDB Local', () => {
  let db: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    db = await startDynamoDbLocal({ port: 0 }); // in memory, any free port
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  }, 180_000); // a cold run downloads the emulator first

  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
    expect(listeningAddresses(db.port)).toEqual(['127.0.0.1']);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) expect(await tryConnect(external.address, db.port)).toBe('ECONNREFUSED');
    expect(await tryConnect('127.0.0.1', db.port)).toBe('connected');
  });

  it('fails a conditional put the second time', async () => {
    const put = () =>
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'once' }, n: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    await put();
    const error = await put().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toEqual({ pk: { S: 'once' }, n: { N: '1' } });
  });

  it('cancels a transaction whose ConditionCheck fails, writing nothing', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'guard' }, open: { BOOL: false } } }));
    const error = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: { S: 'written-only-if-open' } } } },
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: { pk: { S: 'guard' } },
                ConditionExpression: '#open = :yes',
                ExpressionAttributeNames: { '#open': 'open' },
                ExpressionAttributeValues: { ':yes': { BOOL: true } },
              },
            },
          ],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    const read = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'written-only-if-open' } }, ConsistentRead: true }));
    expect(read.Item).toBeUndefined();
  });

  it('says so when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('frees the port when stopped', async () => {
    const other = await startDynamoDbLocal({ port: 0 });
    expect(listeningAddresses(other.port)).toEqual(['127.0.0.1']);
    await other.stop();
    expect(listeningAddresses(other.port)).toEqual([]);
    expect(await tryConnect('127.0.0.1', other.port)).toBe('ECONNREFUSED');
  });
});
