import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { traceWhenSampled } from '../../functions/adapters/tracing.ts';

/** The name aws-xray-sdk-core gives the middleware captureAWSv3Client adds. */
const XRAY = 'XRaySDKInstrumentation';
const ROOT = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8';

/** A DynamoDB client whose calls stop before the network (a build-step middleware answers). */
function offlineClient() {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  client.middlewareStack.add(() => async () => ({ output: { $metadata: {}, TableNames: [] }, response: {} }), { step: 'build', name: 'offline' });
  return traceWhenSampled(client);
}
const instrumented = (client: DynamoDBClient) => client.middlewareStack.identify().some((m) => m.startsWith(XRAY));

describe('SDK clients: X-Ray subsegments only once an invocation is sampled', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    // What the Lambda runtime sets; Powertools Tracer is off outside Lambda.
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'lobby-test';
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
    process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
    delete process.env.POWERTOOLS_TRACE_ENABLED;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('an unsampled invocation leaves the client as it is (the Tracer is not loaded)', async () => {
    process.env._X_AMZN_TRACE_ID = `${ROOT};Sampled=0`;
    const client = offlineClient();
    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}));
    // A sampled client after it: once that one is instrumented, any load the first one started has landed too.
    process.env._X_AMZN_TRACE_ID = `${ROOT};Sampled=1`;
    const witness = offlineClient();
    await witness.send(new ListTablesCommand({}));
    await vi.waitFor(() => expect(instrumented(witness)).toBe(true));
    expect(instrumented(client)).toBe(false);
  });

  it('the first sampled call instruments the client for the calls after it', async () => {
    process.env._X_AMZN_TRACE_ID = `${ROOT};Sampled=1`;
    const client = offlineClient();
    expect(instrumented(client)).toBe(false);
    await client.send(new ListTablesCommand({}));
    await vi.waitFor(() => expect(instrumented(client)).toBe(true));
  });

  it('POWERTOOLS_TRACE_ENABLED=false (lobby:tracing=off) never instruments', async () => {
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    process.env._X_AMZN_TRACE_ID = `${ROOT};Sampled=1`;
    const client = offlineClient();
    await client.send(new ListTablesCommand({}));
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.middlewareStack.identify().some((m) => m.startsWith('lobbyTraceWhenSampled'))).toBe(false);
    expect(instrumented(client)).toBe(false);
  });
});
