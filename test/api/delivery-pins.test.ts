import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, stack, type Reply, type TestProperty } from '../support/api.ts';
import type { AuditEntry, DeliveryPass, DeliveryPin, Page, Problem } from '../support/contract.ts';
import { getItem, scanAll, setAttributes } from '../support/dynamo.ts';

let p: TestProperty;
const pins = () => `/properties/${p.id}/delivery-pins`;
beforeAll(async () => {
  p = await newProperty();
});

describe('delivery PINs', () => {
  it('creates a PIN, lists it masked, reveals it once asked, and records the reveal', async () => {
    const pin = randomPin();
    const created = await call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'USPS', pin } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ description: 'USPS', pin, pinHint: `**${pin.slice(-2)}`, schedule: null });
    expect(created.body.id).toMatch(/^pin_/);

    const list = await call<Page<DeliveryPin>>('GET', pins(), { token: p.tokens.admin });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i) => i.id === created.body.id);
    expect(item).toMatchObject({ description: 'USPS', pinHint: `**${pin.slice(-2)}` });
    expect(JSON.stringify(list.body)).not.toContain(pin);
    expect(list.body).toHaveProperty('nextCursor');

    const one = await call('GET', `${pins()}/${created.body.id}`, { token: p.tokens.admin });
    expect(one.body).not.toHaveProperty('pin');
    expect(JSON.stringify(one.body)).not.toContain(pin);

    const revealed = await call('POST', `${pins()}/${created.body.id}/reveal`, { token: p.tokens.admin });
    expect(revealed).toMatchObject({ status: 200, body: { pin } });
    const audit = await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=10`, { token: p.tokens.admin });
    const reveal = audit.body.items.find((a) => a.action === 'delivery-pin.revealed');
    expect(reveal).toMatchObject({ target: { type: 'delivery-pin', id: created.body.id } });
    expect(reveal?.actor).toBe(p.users.admin);
    expect(Date.parse(reveal?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(audit.body)).not.toContain(pin);
  });

  it('keeps leading zeros: codes are strings', async () => {
    const pin = `0${randomPin(5)}`;
    const created = await expectOk(call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'Zero', pin } }));
    const revealed = await call<{ pin: string }>('POST', `${pins()}/${created.body.id}/reveal`, { token: p.tokens.admin });
    expect(revealed.body.pin).toBe(pin);
    expect(await call('POST', pins(), { token: p.tokens.admin, body: { description: 'number', pin: 123457 } })).toMatchObject({ status: 400 });
  });

  it('refuses trivial codes and wrong lengths with 400', async () => {
    for (const pin of ['111111', '123456', '654321', '012345', '98765', '1234567', '12a456', '']) {
      const r = await call<Problem>('POST', pins(), { token: p.tokens.admin, body: { description: 'bad', pin } });
      expect(r.status, pin).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.errors?.[0]?.path).toBe('pin');
    }
  });

  it('follows the property code length', async () => {
    const q = await newProperty();
    await expectOk(call('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { codeLength: 5 } }));
    expect((await call('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description: 'x', pin: randomPin(6) } })).status).toBe(400);
    expect((await call('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description: 'x', pin: randomPin(5) } })).status).toBe(201);
  });

  it('20 concurrent creates of the same PIN: exactly one 201, the rest 409', async () => {
    const pin = randomPin();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', pins(), { token: p.tokens.admin, body: { description: `racer ${i}`, pin } })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const list = await call<Page<DeliveryPin>>('GET', `${pins()}?limit=100`, { token: p.tokens.admin });
    expect(list.body.items.filter((i) => i.description.startsWith('racer'))).toHaveLength(1);
  });

  it('PATCH to a code another PIN holds is 409; after DELETE the code is free again', async () => {
    const [a, b] = [randomPin(), randomPin()];
    const first = await expectOk(call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'A', pin: a } }));
    const second = await expectOk(call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'B', pin: b } }));
    const clash = await call('PATCH', `${pins()}/${second.body.id}`, { token: p.tokens.admin, body: { pin: a } });
    expect(clash.status).toBe(409);
    expect((await call<{ pin: string }>('POST', `${pins()}/${second.body.id}/reveal`, { token: p.tokens.admin })).body.pin).toBe(b);

    expect((await call('DELETE', `${pins()}/${first.body.id}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call('GET', `${pins()}/${first.body.id}`, { token: p.tokens.admin })).status).toBe(404);
    const moved = await call('PATCH', `${pins()}/${second.body.id}`, { token: p.tokens.admin, body: { pin: a } });
    expect(moved).toMatchObject({ status: 200, body: { pin: a, pinHint: `**${a.slice(-2)}` } });
    // b was released by the move: it can be used by a new PIN.
    expect((await call('POST', pins(), { token: p.tokens.admin, body: { description: 'C', pin: b } })).status).toBe(201);
  });

  it("a PIN cannot take the code of an active delivery pass (409, nothing changes); an expired pass's code is free again", async () => {
    const pass = await expectOk(call<DeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const passPath = `/properties/${p.id}/delivery-passes/${pass.body.id}`;
    const stored = await getItem(`PROP#${p.id}`, `PASS#${pass.body.id}`);
    const sentinel = { pk: `PROP#${p.id}`, sk: `CODE#${stored!.codeKey}` };
    expect(await getItem(sentinel.pk, sentinel.sk)).toMatchObject({ credentialId: pass.body.id });

    const clash = await call('POST', pins(), { token: p.tokens.admin, body: { description: 'taken', pin: pass.body.code } });
    expect(clash.status).toBe(409);
    expect(await getItem(sentinel.pk, sentinel.sk)).toMatchObject({ credentialId: pass.body.id });
    expect((await call<Page<DeliveryPin>>('GET', `${pins()}?limit=100`, { token: p.tokens.admin })).body.items.some((i) => i.description === 'taken')).toBe(false);
    expect((await call('GET', passPath, { token: p.tokens.resident })).body).toMatchObject({ status: 'active', code: pass.body.code });

    // Time runs out for the pass: its expiry and its code sentinel's move into the past.
    const past = new Date(Date.now() - 60_000);
    await setAttributes(`PROP#${p.id}`, `PASS#${pass.body.id}`, { expiresAt: past.toISOString() });
    await setAttributes(sentinel.pk, sentinel.sk, { expiresAtEpoch: Math.floor(past.getTime() / 1000) });
    expect((await call<DeliveryPass>('GET', passPath, { token: p.tokens.resident })).body.status).toBe('expired');
    const reused = await call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'reused', pin: pass.body.code } });
    expect(reused.status).toBe(201);
    expect(await getItem(sentinel.pk, sentinel.sk)).toMatchObject({ credentialType: 'delivery-pin', credentialId: reused.body.id });
  });

  it('patches description and schedule without echoing the PIN; null clears the schedule', async () => {
    const created = await expectOk(call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body: { description: 'FedEx', pin: randomPin() } }));
    const schedule = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' };
    const patched = await call<DeliveryPin>('PATCH', `${pins()}/${created.body.id}`, { token: p.tokens.admin, body: { description: 'FedEx Ground', schedule } });
    expect(patched).toMatchObject({ status: 200, body: { description: 'FedEx Ground', schedule } });
    expect(patched.body).not.toHaveProperty('pin');
    expect(patched.body.updatedAt >= created.body.updatedAt).toBe(true);
    const cleared = await call<DeliveryPin>('PATCH', `${pins()}/${created.body.id}`, { token: p.tokens.admin, body: { schedule: null } });
    expect(cleared.body.schedule).toBeNull();
  });

  it('the same Idempotency-Key twice creates one PIN and returns the same body', async () => {
    const key = `idem-${Date.now()}`;
    const body = { description: 'UPS', pin: randomPin() };
    const first = await call<DeliveryPin>('POST', pins(), { token: p.tokens.admin, body, headers: { 'idempotency-key': key } });
    const again = await call('POST', pins(), { token: p.tokens.admin, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const list = await call<Page<DeliveryPin>>('GET', `${pins()}?limit=100`, { token: p.tokens.admin });
    expect(list.body.items.filter((i) => i.id === first.body.id)).toHaveLength(1);
    const reused = await call('POST', pins(), { token: p.tokens.admin, body: { ...body, description: 'other' }, headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    // The remembered response is sealed: the idempotency table never holds the PIN.
    const records = JSON.stringify(await scanAll(stack().tables.idempotency));
    expect(records.length).toBeGreaterThan(10);
    expect(records).not.toContain(body.pin);
  });

  it('pages with limit and cursor', async () => {
    const q = await newProperty();
    for (let i = 0; i < 5; i++) await expectOk(call('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description: `p${i}`, pin: randomPin() } }));
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Reply<Page<DeliveryPin>> = await call<Page<DeliveryPin>>('GET', `/properties/${q.id}/delivery-pins?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: q.tokens.admin,
      });
      expect(page.status).toBe(200);
      for (const i of page.body.items) seen.add(i.id);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.size).toBe(5);
    expect((await call('GET', `/properties/${q.id}/delivery-pins?cursor=garbage`, { token: q.tokens.admin })).status).toBe(400);
    // A cursor from another property's list is refused, not followed.
    const other = await call<Page<DeliveryPin>>('GET', `/properties/${p.id}/delivery-pins?limit=1`, { token: p.tokens.admin });
    expect((await call('GET', `/properties/${q.id}/delivery-pins?cursor=${other.body.nextCursor}`, { token: q.tokens.admin })).status).toBe(400);
  });
});
