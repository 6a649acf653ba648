import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamo } from '../adapters/aws-clients.ts';
import { config } from '../adapters/config.ts';
import type { CodeVault } from '../adapters/code-vault.ts';

interface IdempotentCall {
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
 * A create's response can hold a PIN, a pass code or a panel's private key and the
 * record stays a day: it is stored sealed, and the body only as a keyed digest.
 */
export async function idempotentCreate<R>(vault: CodeVault, run: () => Promise<R>, request: Omit<IdempotentCall, 'bodyDigest'> & { body: unknown }, lambdaContext?: Context): Promise<R> {
  const { body, ...scope } = request;
  const { sealed } = await remembered(async () => ({ sealed: vault.encrypt(JSON.stringify(await run())) }), { ...scope, bodyDigest: vault.keyedDigest('idempotency', JSON.stringify(body)) }, lambdaContext);
  return JSON.parse(vault.decrypt(sealed)) as R;
}

function remembered<R>(run: () => Promise<R>, call: IdempotentCall, lambdaContext?: Context): Promise<R> {
  persistenceStore ??= new DynamoDBPersistenceLayer({ tableName: config.idempotencyTableName, awsSdkV3Client: dynamo() });
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: '[key, userId, routeKey, params]',
    payloadValidationJmesPath: 'bodyDigest',
    expiresAfterSeconds: 24 * 3600,
  });
  // Without the context the "in progress" record has no expiry of its own: a request
  // whose Lambda crashed would answer 409 for the whole day. With it, the record
  // expires with the invocation's deadline and a retry runs again.
  if (lambdaContext) idempotency.registerLambdaContext(lambdaContext);
  const once = makeIdempotent(async (_call: IdempotentCall) => run(), { persistenceStore, config: idempotency });
  return once(call) as Promise<R>;
}
