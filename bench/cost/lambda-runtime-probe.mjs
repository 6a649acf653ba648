// The local Lambda runtime with a stopwatch: same invokeLambda, counted per function (bench/cost only).
import { CREDENTIAL_TYPES as types } from '../../functions/shared/credential-types.ts';
import { invokeLambda as invokeReal } from '../../local/lambda-runtime.ts';

export * from '../../local/lambda-runtime.ts';

/**
 * The event-source filter CDK puts on the stream mapping (lib/panels.ts): in AWS a batch with no
 * matching record never invokes the function, so it is not counted here either.
 */
const matchesStreamFilter = (r) =>
  types.has(r.dynamodb?.NewImage?.type?.S) || types.has(r.dynamodb?.OldImage?.type?.S) || (r.eventName === 'REMOVE' && r.dynamodb?.OldImage?.type?.S === 'access-event');

export async function invokeLambda(fn, event) {
  if (fn === 'credential-stream' && !(event?.Records ?? []).some(matchesStreamFilter)) return invokeReal(fn, event);
  const started = performance.now();
  let failed = false;
  try {
    return await invokeReal(fn, event);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const counters = globalThis.__lobbyCostProbe;
    if (counters) {
      const entry = counters.lambda[fn] ?? { invocations: 0, ms: 0, errors: 0 };
      counters.lambda[fn] = entry;
      entry.invocations += 1;
      entry.ms += performance.now() - started;
      if (failed) entry.errors += 1;
    }
  }
}
