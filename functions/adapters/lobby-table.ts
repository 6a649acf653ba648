import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { invalid } from '../domain/errors.ts';
import { loadCodeVault } from './code-vault.ts';
import type { Page, Write } from '../domain/records.ts';
import type { UnitOfWork } from '../domain/stores.ts';
import type { Item, TransactItem } from './table-keys.ts';

// Key helpers live in table-keys.ts (no SDK code), re-exported for tests and benches.
export { asWrite, keys, type Item, type TransactItem } from './table-keys.ts';
export type { Page } from '../domain/records.ts';
type TransactEntry = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const invalidCursor = () => invalid('cursor is not valid', [{ path: 'cursor', message: 'not a cursor issued by this API for this list' }]);

/**
 * Cursors are sealed (AES-256-GCM under a key derived from the code vault's secret)
 * with the list they were issued for (partition, index, prefix or range, order) as
 * associated data: opaque to clients, and a cursor that was altered, forged or
 * issued for another list, property or range fails authentication: 400, never a
 * malformed ExclusiveStartKey handed to DynamoDB.
 */
export function sealCursor(key: Buffer, list: string, lastKey: Record<string, unknown>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(list, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function openCursor(key: Buffer, list: string, cursor: string): Record<string, unknown> {
  const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  if (raw.length < 12 + 16 + 2) throw invalidCursor();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(list, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, unknown>;
  } catch {
    throw invalidCursor();
  }
}

/** Belt and braces behind the seal: exactly the key attributes of this table or index, as strings, in this partition. */
function assertStartKey(key: Record<string, unknown>, names: string[], pkName: string, pk: string) {
  const expected = new Set(names);
  const ok =
    key !== null &&
    typeof key === 'object' &&
    Object.keys(key).length === expected.size &&
    Object.entries(key).every(([name, value]) => expected.has(name) && typeof value === 'string' && value.length > 0) &&
    key[pkName] === pk;
  if (!ok) throw invalidCursor();
}

type CursorKey = () => Promise<Buffer>;

/**
 * DynamoDB answers in milliseconds. Every call gets a deadline over all of the SDK's
 * attempts, so a DynamoDB that accepts connections but never answers ends in an
 * AbortError after a few seconds (the API answers 503) instead of holding the
 * request until the Lambda times out.
 */
const CALL_DEADLINE_MS = 5_000;
const deadline = () => ({ abortSignal: AbortSignal.timeout(CALL_DEADLINE_MS) });
const vaultCursorKey: CursorKey = async () => (await loadCodeVault()).derivedKey('list-cursor/v1');

/** A thin, typed face on the DynamoDB document client, bound to the Lobby table. */
export class LobbyTable implements UnitOfWork {
  private cursorKeyCache?: Promise<Buffer>;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
    private readonly cursorKeySource: CursorKey = vaultCursorKey,
  ) {}

  private cursorKey(): Promise<Buffer> {
    this.cursorKeyCache ??= this.cursorKeySource();
    this.cursorKeyCache.catch(() => {
      this.cursorKeyCache = undefined;
    });
    return this.cursorKeyCache;
  }

  async get<T extends object = Item>(pk: string, sk: string): Promise<T | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.name, Key: { pk, sk }, ConsistentRead: true }), deadline());
    return out.Item as T | undefined;
  }

  async query<T extends object = Item>(opts: {
    pk: string;
    skPrefix: string;
    /** Narrows the prefix to an inclusive sort-key range. */
    skBetween?: [string, string];
    limit: number;
    cursor?: string;
    newestFirst?: boolean;
    index?: { name: string; partitionKey: string };
    filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  }): Promise<Page<T>> {
    const pkName = opts.index?.partitionKey ?? 'pk';
    const skName = opts.index ? 'gsi1sk' : 'sk';
    // What a cursor is bound to: this list of this partition, and nothing else.
    const list = JSON.stringify([this.name, opts.index?.name ?? '', opts.pk, opts.skPrefix, opts.skBetween ?? null, Boolean(opts.newestFirst)]);
    const startKey = opts.cursor !== undefined ? openCursor(await this.cursorKey(), list, opts.cursor) : undefined;
    if (startKey) assertStartKey(startKey, opts.index ? ['pk', 'sk', pkName, skName] : ['pk', 'sk'], pkName, opts.pk);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: opts.index?.name,
        KeyConditionExpression: opts.skBetween ? '#pk = :pk AND #sk BETWEEN :low AND :high' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': pkName, '#sk': skName, ...opts.filter?.names },
        ExpressionAttributeValues: {
          ':pk': opts.pk,
          ...(opts.skBetween ? { ':low': opts.skBetween[0], ':high': opts.skBetween[1] } : { ':prefix': opts.skPrefix }),
          ...opts.filter?.values,
        },
        FilterExpression: opts.filter?.expression,
        Limit: opts.limit,
        ScanIndexForward: !opts.newestFirst,
        ExclusiveStartKey: startKey,
        ConsistentRead: opts.index ? undefined : true,
      }),
      deadline(),
    );
    const nextCursor = out.LastEvaluatedKey ? sealCursor(await this.cursorKey(), list, out.LastEvaluatedKey) : null;
    return { items: (out.Items ?? []) as T[], nextCursor };
  }

  /**
   * Every item under a prefix (members, panels, a property's credentials). Pages are as large
   * as DynamoDB allows (1 MB) and follow LastEvaluatedKey directly: no cursor sealing per page.
   */
  async queryAll<T extends object = Item>(pk: string, skPrefix: string): Promise<T[]> {
    const all: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
        deadline(),
      );
      all.push(...((out.Items ?? []) as T[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return all;
  }

  put(item: Item, condition?: string) {
    return this.client.send(new PutCommand({ TableName: this.name, Item: item, ConditionExpression: condition }), deadline());
  }

  /** Unconditional puts in batches of 25, retrying what DynamoDB leaves unprocessed. */
  async batchPut(items: Item[]) {
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let tryNo = 0; requests.length > 0; tryNo++) {
        if (tryNo > 8) throw new Error('batch write: items left unprocessed');
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } }), deadline());
        requests = (out.UnprocessedItems?.[this.name] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** tryNo));
      }
    }
  }

  update(input: Omit<UpdateCommandInput, 'TableName'>) {
    return this.client.send(new UpdateCommand({ TableName: this.name, ...input }), deadline());
  }

  delete(pk: string, sk: string) {
    return this.client.send(new DeleteCommand({ TableName: this.name, Key: { pk, sk } }), deadline());
  }

  /** All-or-nothing write; see domain/transactions.ts for how cancellations map to problems. */
  async transact(items: ReadonlyArray<TransactItem | Write>): Promise<void> {
    const bound = (items as TransactItem[]).map((entry) => {
      const [kind, op] = Object.entries(entry)[0] as [string, Record<string, unknown>];
      return { [kind]: { TableName: this.name, ...op } } as TransactEntry;
    });
    await this.client.send(new TransactWriteCommand({ TransactItems: bound }), deadline());
  }
}
