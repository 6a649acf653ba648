// The local Lambda runtime with a stopwatch: same invokeLambda, counted per function (bench/cost only).
import { invokeLambda as invokeReal } from '../../local/lambda-runtime.ts';

export * from '../../local/lambda-runtime.ts';

export async function invokeLambda(fn, event) {
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
      const entry = (counters.lambda[fn] ??= { invocations: 0, ms: 0, errors: 0 });
      entry.invocations += 1;
      entry.ms += performance.now() - started;
      if (failed) entry.errors += 1;
    }
  }
}
