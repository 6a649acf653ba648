import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { context, deliveryPinsHandler, event, type InProcessHandler } from './in-process-handler.ts';

/**
 * DynamoDB unreachable: the real API handler module, loaded in this process with the
 * stack's environment except that DynamoDB points at a closed port, answers 503 with
 * Retry-After (not 500 "internal"). Bad input still gets its 400 without DynamoDB.
 */
let handler: InProcessHandler;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  handler = await deliveryPinsHandler(`http://127.0.0.1:${await closedPort()}`);
});

describe('while DynamoDB is unreachable', () => {
  it('a read answers 503 problem+json with Retry-After', async () => {
    const reply = await handler(event('GET /properties/{propertyId}/delivery-pins'), context());
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['content-type']).toBe('application/problem+json');
    expect(Number(reply.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(reply.body!)).toMatchObject({ type: 'urn:lobby:problem:unavailable', status: 503 });
  });

  it('a write answers 503 with Retry-After too', async () => {
    const reply = await handler(event('POST /properties/{propertyId}/delivery-pins', { body: JSON.stringify({ description: 'USPS', pin: '480213' }) }), context());
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['retry-after']).toBeDefined();
  });

  it('a keyed create (Idempotency-Key) answers 503 too: the idempotency store is DynamoDB as well', async () => {
    const reply = await handler(
      event('POST /properties/{propertyId}/delivery-pins', { body: JSON.stringify({ description: 'USPS', pin: '480213' }), headers: { 'idempotency-key': 'k-503' } }),
      context(),
    );
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['retry-after']).toBeDefined();
  });

  it('bad input is still a 400, decided before any table access: invalid UTF-8 in a base64 body', async () => {
    const bytes = Buffer.concat([Buffer.from('{"description":"Caf'), Buffer.from([0xe9]), Buffer.from('","pin":"480213"}')]);
    const reply = await handler(event('POST /properties/{propertyId}/delivery-pins', { body: bytes.toString('base64'), isBase64Encoded: true }), context());
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body!).detail).toMatch(/UTF-8/);
  });
});
