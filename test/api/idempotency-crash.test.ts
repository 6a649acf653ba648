import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lambdaContext, useStackEnvironment } from '../support/in-process.ts';

/**
 * Issue 7, defect 5: a create whose Lambda crashed mid-way must be retryable within
 * seconds, not answer 409 "in progress" for a day. Runs the HTTP shell's idempotency
 * wrapper in this process against the suite's DynamoDB Local, with a request that
 * never finishes standing for the crashed invocation.
 */
useStackEnvironment();
const { idempotentCreate } = await import('../../functions/http/idempotency.ts');
const { loadStores } = await import('../../functions/adapters/stores.ts');

describe('Idempotency-Key after a crash', () => {
  it('an in-progress record expires with the crashed invocation: a retry runs within seconds', async () => {
    const { vault } = await loadStores();
    const request = { key: randomUUID(), userId: 'crash-tester', routeKey: 'POST /properties/{propertyId}/delivery-passes', params: { propertyId: 'p1' }, body: { note: 'x' } };
    let started = false;
    // The first invocation has 1.5 s left and never finishes (the process died).
    void idempotentCreate(
      vault,
      () => {
        started = true;
        return new Promise(() => {});
      },
      request,
      lambdaContext(1500),
    ).catch(() => {});
    while (!started) await new Promise((r) => setTimeout(r, 20));
    // While it could still be running, a retry is told so (409 in the API)...
    await expect(idempotentCreate(vault, async () => ({ status: 201 }), request, lambdaContext(10_000))).rejects.toMatchObject({ status: 409, slug: 'idempotency-in-progress' });
    // ...and once its deadline has passed, the retry runs.
    await new Promise((r) => setTimeout(r, 1700));
    await expect(idempotentCreate(vault, async () => ({ status: 201, id: 'second' }), request, lambdaContext(10_000))).resolves.toEqual({ status: 201, id: 'second' });
    // And it is remembered: the same key again returns the first completed response.
    await expect(idempotentCreate(vault, async () => ({ status: 201, id: 'third' }), request, lambdaContext(10_000))).resolves.toEqual({ status: 201, id: 'second' });
  });
});
