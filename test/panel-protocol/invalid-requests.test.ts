import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { eventually } from '../support/eventually.ts';

/** A request the cloud cannot serve still gets an answer the panel can match to its call (functions/handlers/panel-requests.ts). */
let panel: RawPanel;
let requests: string;
let responses: string;

beforeAll(async () => {
  const p = await newProperty();
  const created = await call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Side door', kind: 'entrance' } });
  expect(created.status).toBe(201);
  panel = await connectRawPanel(created.body.connection);
  requests = `lobby/panels/${created.body.id}/requests`;
  responses = `lobby/panels/${created.body.id}/responses`;
});
afterAll(async () => {
  await panel?.close();
});

describe('invalid panel requests', () => {
  it('an unknown op is refused under its own requestId', async () => {
    await panel.publish(requests, { requestId: 'bad-op-1', op: 'door.open-forever' });
    expect(await panel.next(responses, (r) => r.requestId === 'bad-op-1')).toMatchObject({ requestId: 'bad-op-1', ok: false, error: 'invalid-request' });
  });

  it('a requestId is echoed at most 64 characters long', async () => {
    const long = `long-${'x'.repeat(100)}`;
    await panel.publish(requests, { requestId: long, op: 'door.open-forever' });
    expect(await panel.next(responses, (r) => r.requestId === long.slice(0, 64))).toMatchObject({ ok: false, error: 'invalid-request' });
  });

  it('a message without a string requestId (null, not an object, a numeric id) is answered as "unknown"', async () => {
    await panel.publish(requests, null);
    await panel.publish(requests, ['not', 'an', 'object']);
    await panel.publish(requests, { requestId: 42, op: 'credentials.sync' });
    const unknownReplies = () => panel.messages.filter((m) => m.topic === responses && (m.payload as { requestId?: unknown }).requestId === 'unknown').map((m) => m.payload);
    await eventually(async () => unknownReplies().length === 3);
    expect(unknownReplies()).toEqual(Array(3).fill(expect.objectContaining({ ok: false, error: 'invalid-request' })));
  });
});
