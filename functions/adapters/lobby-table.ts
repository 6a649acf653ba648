import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { badRequest } from '../http/problem.ts';

export type Item = Record<string, unknown> & { pk: string; sk: string };
type TransactEntry = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A transaction entry without TableName: the table fills it in. */
export type TransactItem = {
  [K in keyof TransactEntry]?: Omit<NonNullable<TransactEntry[K]>, 'TableName'>;
};
export interface Page<T> { items: T[]; nextCursor: string | null }

/** Key layout of the single table. Everything of a property shares its partition. */
export const keys = {
  property: (propertyId: string) => `PROP#${propertyId}`,
  meta: 'META',
  member: (userId: string) => `MEMBER#${userId}`,
  resident: (residentId: string) => `RESIDENT#${residentId}`,
  deliveryPin: (pinId: string) => `PIN#${pinId}`,
  code: (codeKey: string) => `CODE#${codeKey}`,
  credentialSet: 'CREDSET',
  audit: (sortableId: string) => `AUDIT#${sortableId}`,
  user: (userId: string) => `USER#${userId}`,
  panel: (panelId: string) => `PANEL#${panelId}`,
  /** Global lookup from a panel id (the IoT thing name) to its property. */
  panelIndex: (panelId: string) => `PANELREF#${panelId}`,
  /** Per credential: the set version that last changed it and its entry digest. */
  credentialVersion: (credentialId: string) => `CREDVER#${credentialId}`,
  change: (version: number) => `CHANGE#${String(version).padStart(12, '0')}`,
  event: (eventId: string) => `EVENT#${eventId}`,
  command: (commandId: string) => `CMD#${commandId}`,
};

/** Cursors are opaque to clients but pinned to the partition they were issued for. */
function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : null;
}

function decodeCursor(cursor: string | undefined, partition: { name: string; value: string }) {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor is not valid', [{ path: 'cursor', message: 'not a cursor issued by this API' }]);
  }
  const ok = key !== null && typeof key === 'object' && (key as Record<string, unknown>)[partition.name] === partition.value
    && Object.values(key as object).every((v) => typeof v === 'string');
  if (!ok) throw badRequest('cursor is not valid', [{ path: 'cursor', message: 'not a cursor issued by this API for this list' }]);
  return key as Record<string, string>;
}

/** A thin, typed face on the DynamoDB document client, bound to the Lobby table. */
export class LobbyTable {
  constructor(readonly client: DynamoDBDocumentClient, readonly name: string) {}

  async get<T extends object = Item>(pk: string, sk: string): Promise<T | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.name, Key: { pk, sk }, ConsistentRead: true }));
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
        ExclusiveStartKey: decodeCursor(opts.cursor, { name: pkName, value: opts.pk }),
        ConsistentRead: opts.index ? undefined : true,
      }),
    );
    return { items: (out.Items ?? []) as T[], nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /** Every item under a prefix (for small sets such as one property's members). */
  async queryAll<T extends object = Item>(pk: string, skPrefix: string): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.query<T>({ pk, skPrefix, limit: 500, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  put(item: Item, condition?: string) {
    return this.client.send(new PutCommand({ TableName: this.name, Item: item, ConditionExpression: condition }));
  }

  /** Unconditional puts in batches of 25, retrying what DynamoDB leaves unprocessed. */
  async batchPut(items: Item[]) {
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let tryNo = 0; requests.length > 0; tryNo++) {
        if (tryNo > 8) throw new Error('batch write: items left unprocessed');
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } }));
        requests = (out.UnprocessedItems?.[this.name] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** tryNo));
      }
    }
  }

  update(input: Omit<UpdateCommandInput, 'TableName'>) {
    return this.client.send(new UpdateCommand({ TableName: this.name, ...input }));
  }

  delete(pk: string, sk: string) {
    return this.client.send(new DeleteCommand({ TableName: this.name, Key: { pk, sk } }));
  }

  /** All-or-nothing write; see domain/transactions.ts for how cancellations map to problems. */
  transact(items: TransactItem[]) {
    const bound = items.map((entry) => {
      const [kind, op] = Object.entries(entry)[0] as [string, Record<string, unknown>];
      return { [kind]: { TableName: this.name, ...op } } as TransactEntry;
    });
    return this.client.send(new TransactWriteCommand({ TransactItems: bound }));
  }
}
