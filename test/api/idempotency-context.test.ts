import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newProperty, randomPin, stack } from '../support/api.ts';
import { scanAll } from '../support/dynamo.ts';
import { lambdaContext } from '../support/in-process.ts';
import { deliveryPinsHandler, event } from './in-process-handler.ts';

/**
 * Issue 7, defect 5, the wiring: the HTTP shell hands the Lambda context to the
 * idempotency layer, so a keyed create's record carries an in-progress expiry at the
 * invocation's deadline (what lets a crashed create be retried: idempotency-crash.test.ts).
 * The real delivery-pins handler module, in this process, against the suite's DynamoDB Local.
 */
describe('a keyed create through the HTTP shell', () => {
  it('stores its idempotency record with an in-progress expiry at the invocation deadline', async () => {
    const p = await newProperty();
    const handler = await deliveryPinsHandler(stack().dynamodbEndpoint);
    const key = randomUUID();
    const request = event('POST /properties/{propertyId}/delivery-pins', {
      propertyId: p.id,
      body: JSON.stringify({ description: 'context wiring', pin: randomPin() }),
      headers: { 'idempotency-key': key },
    });
    request.requestContext.authorizer.jwt.claims.sub = p.users.admin;
    const before = new Set((await scanAll(stack().tables.idempotency)).map((item) => item.id));
    const startedAt = Date.now();
    const reply = await handler(request, lambdaContext(20_000));
    expect(reply.statusCode).toBe(201);
    const created = (await scanAll(stack().tables.idempotency)).filter((item) => !before.has(item.id));
    expect(created).toHaveLength(1);
    const expiry = Number(created[0]!.in_progress_expiration);
    expect(expiry).toBeGreaterThanOrEqual(startedAt + 15_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 20_000);
  });
});
