import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { config } from '../adapters/config.ts';
import { Problem } from './problem.ts';
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
export async function idempotentCreate<R>(
  vault: CodeVault,
  run: () => Promise<R>,
  request: Omit<IdempotentCall, 'bodyDigest'> & { body: unknown },
  lambdaContext?: Context,
): Promise<R> {
  const { body, ...scope } = request;
  const { sealed } = await remembered(
    async () => ({ sealed: vault.encrypt(JSON.stringify(await run())) }),
    { ...scope, bodyDigest: vault.keyedDigest('idempotency', JSON.stringify(body)) },
    lambdaContext,
  );
  return JSON.parse(vault.decrypt(sealed)) as R;
}

async function remembered<R>(run: () => Promise<R>, call: IdempotentCall, lambdaContext?: Context): Promise<R> {
  // Powertools idempotency (with its JMESPath engine) is imported on the first keyed create,
  // not at load: most requests of a function carry no Idempotency-Key.
  const [{ IdempotencyConfig, makeIdempotent, IdempotencyAlreadyInProgressError, IdempotencyValidationError }, { DynamoDBPersistenceLayer }, { dynamo }] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
    import('../adapters/dynamo-client.ts'),
  ]);
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
  try {
    return (await once(call)) as R;
  } catch (error) {
    // Its refusals as problems here, where the module is loaded (the shell does not import it).
    if (error instanceof IdempotencyValidationError) {
      throw new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used with a different request body');
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new Problem(409, 'idempotency-in-progress', 'Request in progress', 'A request with this Idempotency-Key is still being processed; retry shortly');
    }
    throw error;
  }
}
