/**
 * The DynamoDB tables, as plain data. The CDK data construct and the local stack
 * both build their tables from these definitions, so the two cannot drift.
 */
export interface TableDefinition {
  /** Logical id in CDK and the suffix of the local table name. */
  id: string;
  partitionKey: string;
  sortKey?: string;
  /** Attribute DynamoDB's TTL process deletes expired items by (epoch seconds). */
  timeToLiveAttribute?: string;
  globalSecondaryIndexes?: Array<{ indexName: string; partitionKey: string; sortKey?: string }>;
  /** Emit a stream of changes (NEW_AND_OLD_IMAGES). */
  stream?: boolean;
}

/** Single-table design: every item of a property lives under pk = PROP#<propertyId>. */
export const lobbyTable: TableDefinition = {
  id: 'Lobby',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAtEpoch',
  globalSecondaryIndexes: [{ indexName: 'byOwner', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  stream: true,
};

/** Powertools idempotency records for `Idempotency-Key` on creates. */
export const idempotencyTable: TableDefinition = {
  id: 'Idempotency',
  partitionKey: 'id',
  timeToLiveAttribute: 'expiration',
};

export const tableDefinitions = [lobbyTable, idempotencyTable];
