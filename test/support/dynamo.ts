import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { stack } from './api.ts';

/**
 * Direct access to the local stack's table, for tests that must move time
 * forward (expire a pass) or check what was stored. Never used to set up state an
 * API call could set up.
 */
let client: DynamoDBDocumentClient | undefined;
const documents = () =>
  (client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack().dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  ));

/** An item as stored, its attributes unknown until a test checks them (the SDK would type them any). */
export async function getItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await documents().send(new GetCommand({ TableName: stack().tables.lobby, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

/** Simulates the passing of time for one item by moving its time fields into the past. */
export async function setAttributes(pk: string, sk: string, values: Record<string, unknown>) {
  const names = Object.fromEntries(Object.keys(values).map((k, i) => [`#a${i}`, k]));
  const vals = Object.fromEntries(Object.values(values).map((v, i) => [`:v${i}`, v]));
  await documents().send(
    new UpdateCommand({
      TableName: stack().tables.lobby,
      Key: { pk, sk },
      UpdateExpression: `SET ${Object.keys(values)
        .map((_, i) => `#a${i} = :v${i}`)
        .join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: vals,
    }),
  );
}

/** Deletes an item as DynamoDB's TTL sweeper would (the stream sees a REMOVE). */
export async function deleteItem(pk: string, sk: string) {
  await documents().send(new DeleteCommand({ TableName: stack().tables.lobby, Key: { pk, sk } }));
}

/** Every item of one of the stack's tables, as stored (for checking what is at rest). */
export async function scanAll(table: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
