import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items, LobbyProblem, lobbyClient, ok } from '../../clients/typescript/src/index.ts';
import { newProperty, randomPin, stack, type TestProperty } from '../support/api.ts';
import { assertConforms } from '../support/contract-check.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/*
 * The typed client (clients/typescript) against the local stack: PIN -> pass -> events, typed
 * problems, a create retried with the same Idempotency-Key, cursor iteration. Every response it
 * gets is also checked against the OpenAPI document (the fetch below), as `call` does.
 */

const seen: Array<{ method: string; key: string | null; status: number }> = [];
const checkedFetch = async (request: Request): Promise<Response> => {
  const method = request.method;
  const key = request.headers.get('idempotency-key');
  const response = await fetch(request);
  const text = await response.clone().text();
  assertConforms({ method, path: new URL(request.url).pathname, status: response.status, headers: response.headers, text });
  seen.push({ method, key, status: response.status });
  return response;
};

let p: TestProperty;
let panel: RawPanel | undefined;
beforeAll(async () => {
  p = await newProperty('Client Tower');
});
afterAll(async () => {
  await panel?.close();
});

const clientFor = (token: string | undefined, fetchImpl: (request: Request) => Promise<Response> = checkedFetch) =>
  lobbyClient({ baseUrl: stack().apiUrl, token, fetch: fetchImpl as typeof fetch, backoffMs: 1 });

describe('the typed client', () => {
  it('walks PIN -> pass -> events: typed bodies, and the access events page by page', async () => {
    const admin = clientFor(p.tokens.admin);
    const resident = clientFor(p.tokens.resident);
    const path = { propertyId: p.id };
    const code = randomPin();
    const pin = ok(await admin.POST('/properties/{propertyId}/delivery-pins', { params: { path }, body: { description: 'UPS', pin: code } }));
    expect(pin).toMatchObject({ description: 'UPS', pin: code, pinHint: `**${code.slice(-2)}` });
    const pass = ok(await resident.POST('/properties/{propertyId}/delivery-passes', { params: { path }, body: { note: 'a parcel' } }));
    expect(pass.status).toBe('active');
    expect(pass.code).toMatch(/^[0-9]+$/);

    const created = ok(await admin.POST('/properties/{propertyId}/panels', { params: { path }, body: { name: 'Front door', kind: 'entrance' } }));
    panel = await connectRawPanel(created.connection);
    const events = [
      { eventId: ulid(), method: 'delivery-pin', credentialId: pin.id },
      { eventId: ulid(), method: 'delivery-pass', credentialId: pass.id },
    ];
    for (const event of events) {
      await panel.publish(`lobby/panels/${created.id}/events`, { protocolVersion: '1.2', at: new Date().toISOString(), decision: 'granted', ...event });
    }
    // limit 1: the client follows nextCursor through every page.
    const listed = await eventually(async () => {
      const all = [];
      for await (const event of items(admin, '/properties/{propertyId}/access-events', { path, query: { limit: 1 } })) all.push(event);
      return all.length >= 2 ? all : undefined;
    });
    expect(listed.map((e) => [e.method, e.credentialId]).sort()).toEqual(events.map((e) => [e.method, e.credentialId]).sort());
    expect(seen.filter((s) => s.method === 'GET').length).toBeGreaterThanOrEqual(3);
  });

  it('throws typed problems: a handler problem (403) and API Gateway message (401)', async () => {
    const resident = clientFor(p.tokens.resident);
    const refused = await resident.POST('/properties/{propertyId}/delivery-pins', { params: { path: { propertyId: p.id } }, body: { description: 'x', pin: randomPin() } });
    expect(refused.response.status).toBe(403);
    let problem: unknown;
    try {
      ok(refused);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(LobbyProblem);
    expect((problem as LobbyProblem).type).toBe('urn:lobby:problem:forbidden');
    const anonymous = await clientFor(undefined).GET('/properties/{propertyId}', { params: { path: { propertyId: p.id } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toEqual({ message: 'Unauthorized' });
  });

  it('retries a create after a 503 with the same Idempotency-Key: one PIN, the first response again', async () => {
    const attempts: Array<string | null> = [];
    // The first attempt reaches the API (the PIN is made) but its answer is lost: the client sees a 503.
    const flaky = async (request: Request) => {
      attempts.push(request.headers.get('idempotency-key'));
      const response = await checkedFetch(request);
      if (attempts.length > 1) return response;
      await response.body?.cancel();
      return new Response(JSON.stringify({ message: 'Service Unavailable' }), { status: 503, headers: { 'content-type': 'application/json' } });
    };
    const admin = clientFor(p.tokens.admin, flaky);
    const code = randomPin();
    const pin = ok(await admin.POST('/properties/{propertyId}/delivery-pins', { params: { path: { propertyId: p.id } }, body: { description: 'FedEx', pin: code } }));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(attempts[1]).toBe(attempts[0]);
    const all = [];
    for await (const item of items(clientFor(p.tokens.admin), '/properties/{propertyId}/delivery-pins', { path: { propertyId: p.id } })) all.push(item);
    expect(all.filter((x) => x.description === 'FedEx').map((x) => x.id)).toEqual([pin.id]);
  });

  it('does not retry a POST that has no Idempotency-Key (an unlock would run twice)', async () => {
    let count = 0;
    const down = async () => {
      count++;
      return new Response(JSON.stringify({ message: 'Service Unavailable' }), { status: 503, headers: { 'content-type': 'application/json' } });
    };
    const admin = clientFor(p.tokens.admin, down);
    const res = await admin.POST('/properties/{propertyId}/panels/{panelId}/unlock', { params: { path: { propertyId: p.id, panelId: 'pnl_x' } } });
    expect(res.response.status).toBe(503);
    expect(count).toBe(1);
  });
});
