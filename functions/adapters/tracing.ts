import type { MiddlewareStack } from '@smithy/types';

// biome-ignore lint/suspicious/noExplicitAny: an SDK client of any service (each types its stack with its own inputs and outputs)
type SdkClient = { middlewareStack: MiddlewareStack<any, any> };

let tracer: Promise<{ captureAWSv3Client<T>(client: T): T }> | undefined;

const sampled = () => /(^|;)Sampled=1(;|$)/.test(process.env._X_AMZN_TRACE_ID ?? '');

/**
 * X-Ray subsegments for an SDK client's calls (Powertools Tracer, captureAWSv3Client), loaded
 * when the first sampled invocation uses the client, not when the client is made.
 *
 * Why: the Tracer brings aws-xray-sdk-core. Measured (bench/bundles.ts method, 15 fresh
 * processes): the DynamoDB client chunk is 209 KB / 94 ms CPU to import; with the Tracer
 * 331 KB / 149 ms (+122 KB, +55 ms, ~3x a hello function on its own). Tracing samples 1% of
 * invocations (lobby:traceSampleRate), so instrumenting at creation would charge every cold
 * start for traces 99% of requests never write. Lambda's active tracing still records every
 * sampled invocation's function segment; this adds the DynamoDB, S3 and IoT calls inside it.
 *
 * The sampled call that triggers the load is not itself instrumented (a send resolves its
 * middleware before it runs, and it does not wait for the Tracer); the client's later calls
 * are. `POWERTOOLS_TRACE_ENABLED=false` (CDK sets it for `lobby:tracing=off`) never loads it.
 */
export function traceWhenSampled<C extends SdkClient>(client: C): C {
  if (process.env.POWERTOOLS_TRACE_ENABLED === 'false') return client;
  let instrumented = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (!instrumented && sampled()) {
        instrumented = true;
        tracer ??= import('@aws-lambda-powertools/tracer').then(({ Tracer }) => new Tracer({ serviceName: 'lobby' }));
        tracer.then(
          (t) => t.captureAWSv3Client(client),
          () => {
            // Tracing must never fail a request: try again on a later sampled call.
            tracer = undefined;
            instrumented = false;
          },
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'lobbyTraceWhenSampled' },
  );
  return client;
}
