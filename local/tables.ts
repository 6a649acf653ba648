import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTimeToLiveCommand, type AttributeDefinition, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type TableDefinition } from '../functions/adapters/table-definitions.ts';

/** Creates the tables in DynamoDB Local from the same definitions CDK deploys; existing tables are kept. */
export async function ensureTables(client: DynamoDBClient, tableName: (def: TableDefinition) => string) {
  for (const def of tableDefinitions) {
    const name = tableName(def);
    const attributes = new Map<string, AttributeDefinition>();
    const keyAttrs = [def.partitionKey, def.sortKey, ...(def.globalSecondaryIndexes ?? []).flatMap((g) => [g.partitionKey, g.sortKey])];
    for (const attr of keyAttrs) if (attr) attributes.set(attr, { AttributeName: attr, AttributeType: 'S' });
    const keySchema = (pk: string, sk?: string) => [{ AttributeName: pk, KeyType: 'HASH' as const }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])];
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes.values()],
          KeySchema: keySchema(def.partitionKey, def.sortKey),
          GlobalSecondaryIndexes: def.globalSecondaryIndexes?.map((g) => ({
            IndexName: g.indexName,
            KeySchema: keySchema(g.partitionKey, g.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
          StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
        }),
      );
      if (def.timeToLiveAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: def.timeToLiveAttribute } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await client.send(new DescribeTableCommand({ TableName: name }));
  }
}
