import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamo } from '../adapters/aws-clients.ts';
import { config } from '../adapters/config.ts';

export interface IdempotentCall {
  /** The client's Idempotency-Key, scoped to who sent it and where. */
  key: string;
  userId: string;
  routeKey: string;
  params: Record<string, string>;
  /** Keyed digest of the validated body: the same key with a different body is refused (422). */
  bodyDigest: string;
}

let persistenceStore: DynamoDBPersistenceLayer | undefined;

/**
 * Wraps a create so the same Idempotency-Key and body returns the first response
 * again and creates nothing new (Powertools idempotency, records in DynamoDB).
 * Failed attempts are not remembered, so a retry after a 409 runs again.
 * The caller seals what `run` returns: a create's response can hold a PIN, a pass
 * code or a panel's private key, and the record stays in the table for a day.
 */
export function idempotentCreate<R>(run: () => Promise<R>, call: IdempotentCall): Promise<R> {
  persistenceStore ??= new DynamoDBPersistenceLayer({ tableName: config.idempotencyTableName, awsSdkV3Client: dynamo() });
  const once = makeIdempotent(async (_call: IdempotentCall) => run(), {
    persistenceStore,
    config: new IdempotencyConfig({
      eventKeyJmesPath: '[key, userId, routeKey, params]',
      payloadValidationJmesPath: 'bodyDigest',
      expiresAfterSeconds: 24 * 3600,
    }),
  });
  return once(call) as Promise<R>;
}
