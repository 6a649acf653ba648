import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, deliveryPinsHandler, event, type InProcessHandler } from './in-process-handler.ts';

/**
 * A DynamoDB that accepts connections and never answers (overloaded, or a network
 * path that drops replies): the table calls' deadline ends the request with 503 and
 * Retry-After, rather than holding it until the Lambda times out.
 */
let handler: InProcessHandler;
let server: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  handler = await deliveryPinsHandler(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('while DynamoDB hangs', () => {
  it('a request answers 503 problem+json with Retry-After (within the test timeout, not the Lambda timeout)', async () => {
    const reply = await handler(event('GET /properties/{propertyId}/delivery-pins'), context());
    expect(reply.statusCode).toBe(503);
    expect(reply.headers?.['content-type']).toBe('application/problem+json');
    expect(Number(reply.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(sockets.size).toBeGreaterThan(0); // it did reach the silent endpoint
  }, 20_000);
});
