import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, randomPin, tokenFor, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedDeliveryPin, CreatedPanel, Page, Resident } from '../support/contract.ts';
import { getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/**
 * Packages through the real stack (issue 11 items 1, 4): a bare MQTT panel of kind package-room
 * publishes a Finish (an access event with `delivery`) and a pickup (`pickup`) as the reference
 * agent does; the panel-messages function records them; staff and residents use the API.
 * The local stack handles one panel's events in order: a control event published after another
 * is recorded after it (the same check test/panel-protocol uses).
 */

interface PackageView {
  id: string;
  unit: string;
  residentId: string | null;
  count: number;
  status: 'awaiting-pickup' | 'picked-up';
  deliveredAt: string;
  deliveryEventId: string | null;
  pickedUpAt?: string;
  pickupEventId?: string;
  carrier?: string;
  unknownUnit?: boolean;
  handedOverBy?: string;
  loggedBy?: string;
  panelId?: string;
}
interface NotificationView {
  id: string;
  kind: string;
  channel: string;
  residentId: string;
}
interface Problem {
  status: number;
  errors?: Array<{ path: string; message: string }>;
}

let p: TestProperty;
let room: { id: string; panel: RawPanel };
let entrance: { id: string; panel: RawPanel };
let roommate: { userId: string; token: string; residentId: string };
let neighbour: { userId: string; token: string; residentId: string };
let pinId: string;

async function moveIn(name: string, unit: string) {
  const userId = `${name.toLowerCase().replace(/\W/g, '-')}-${ulid().slice(-6)}`;
  const created = await expectOk(call<Resident>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId, name, unit } }));
  return { userId, token: await tokenFor(userId), residentId: created.body.id };
}

async function panelOf(kind: 'entrance' | 'package-room') {
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: `${kind} door`, kind } }));
  return { id: created.body.id, panel: await connectRawPanel(created.body.connection) };
}

const packages = async (query = '', token = p.tokens.staff) =>
  (await expectOk(call<Page<PackageView>>('GET', `/properties/${p.id}/packages?limit=100${query}`, { token }))).body.items;
const notificationsOf = async (residentId: string, kind = 'package-delivered') =>
  (await expectOk(call<Page<NotificationView>>('GET', `/properties/${p.id}/notifications?residentId=${residentId}&limit=100`, { token: p.tokens.admin }))).body.items.filter(
    (n) => n.kind === kind,
  );

/** Publishes events from a panel, then a control event; resolves once the control is recorded (so every event before it had its turn). */
async function publish(from: { id: string; panel: RawPanel }, ...events: Array<Record<string, unknown>>) {
  const control = ulid();
  for (const event of events) await from.panel.publish(`lobby/panels/${from.id}/events`, { protocolVersion: '1.2', ...event });
  await from.panel.publish(`lobby/panels/${from.id}/events`, { protocolVersion: '1.2', eventId: control, at: new Date().toISOString(), method: 'call', decision: 'granted' });
  await eventually(() => getItem(`PROP#${p.id}`, `EVENT#${control}`));
  // Topic rules run messages concurrently (and retry a failed one later), so the control can land first: wait for each.
  for (const event of events) if (typeof event.eventId === 'string') await eventually(() => getItem(`PROP#${p.id}`, `EVENT#${event.eventId}`));
}

const finish = (recipients: Array<{ unit: string; targetId?: string; count: number }>, extra: Record<string, unknown> = {}) => ({
  eventId: ulid(),
  at: new Date().toISOString(),
  method: 'delivery-pin',
  decision: 'granted',
  credentialId: pinId,
  delivery: { recipients },
  ...extra,
});

beforeAll(async () => {
  p = await newProperty('Package Tower');
  [room, entrance] = await Promise.all([panelOf('package-room'), panelOf('entrance')]);
  roommate = await moveIn('Rowan Roommate', '4B');
  neighbour = await moveIn('Nico Neighbour', '5C');
  // Riley (4B) hears of deliveries by app and e-mail; Rowan by app (the default).
  await expectOk(
    call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { email: 'riley@example.com' }, notify: { deliveries: ['app', 'email'] } } }),
  );
  pinId = (await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'UPS', pin: randomPin() } }))).body
    .id;
});
afterAll(async () => {
  await Promise.all([room?.panel.close(), entrance?.panel.close()]);
});

describe('a Finish at the package room', () => {
  it('3 packages for Riley in 4B: one record of count 3, one package-delivered per channel Riley chose, written with the event; a replay adds nothing', async () => {
    const event = finish([
      { unit: '4b', targetId: p.residentId, count: 3 },
      { unit: '9Z', count: 1 },
    ]);
    await publish(room, event);
    const mine = (await packages()).filter((x) => x.deliveryEventId === event.eventId);
    expect(mine).toHaveLength(2);
    const forRiley = present(
      mine.find((x) => x.unit === '4B'),
      "4B's package",
    );
    expect(forRiley).toEqual({
      id: expect.any(String),
      unit: '4B',
      residentId: p.residentId,
      count: 3,
      status: 'awaiting-pickup',
      deliveredAt: event.at,
      deliveryEventId: event.eventId,
      panelId: room.id,
      carrier: 'UPS',
    });
    // Nobody lives in 9Z: recorded unassigned for staff, nobody notified.
    expect(mine.find((x) => x.unit === '9Z')).toMatchObject({ residentId: null, unknownUnit: true, count: 1, status: 'awaiting-pickup' });
    expect((await notificationsOf(p.residentId)).map((n) => n.channel).sort()).toEqual(['app', 'email']);
    // Riley was picked by name: the roommate is not told.
    expect(await notificationsOf(roommate.residentId)).toHaveLength(0);

    // The panel re-sends after a lost PUBACK, or replays its outbox after a crash: nothing new.
    await publish(room, event, event);
    expect((await packages()).filter((x) => x.deliveryEventId === event.eventId)).toHaveLength(2);
    expect(await notificationsOf(p.residentId)).toHaveLength(2);
  });

  it('a Finish for the unit tells every resident of it; an offline Finish counts from when it happened', async () => {
    const before = (await notificationsOf(roommate.residentId)).length;
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const event = finish([{ unit: '4B', count: 1 }], { at, offline: true });
    await publish(room, event);
    const [pkg] = (await packages()).filter((x) => x.deliveryEventId === event.eventId);
    expect(pkg).toMatchObject({ unit: '4B', residentId: null, count: 1, deliveredAt: at });
    expect(await notificationsOf(roommate.residentId)).toHaveLength(before + 1);
    expect(await notificationsOf(p.residentId)).toHaveLength(4);
  });

  it('a delivery from an entrance panel, or in a denied event, is ignored (the event is still recorded)', async () => {
    const fromEntrance = finish([{ unit: '5C', count: 2 }]);
    const denied = finish([{ unit: '5C', count: 2 }], { decision: 'denied', reason: 'wrong-code' });
    await publish(entrance, fromEntrance);
    await publish(room, denied);
    const events = (await expectOk(call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin }))).body.items.map((e) => e.id);
    expect(events).toEqual(expect.arrayContaining([fromEntrance.eventId, denied.eventId]));
    expect(await packages('&unit=5C')).toEqual([]);
    expect(await notificationsOf(neighbour.residentId)).toEqual([]);
  });
});

describe('pickup', () => {
  it("a pickup at the package room: all of 4B's waiting packages picked up with the event id; one logged after the pickup's time stays waiting; 9Z untouched", async () => {
    // The pickup happened (offline) now; the panel reports it after staff logged one more package.
    const pickupAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = (await expectOk(call<PackageView>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body: { unit: '4B', carrier: 'DHL' } }))).body;
    const waiting = (await packages('&unit=4B&status=awaiting-pickup')).filter((x) => x.id !== later.id);
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const pickup = { eventId: ulid(), at: pickupAt, offline: true, method: 'resident-pickup', decision: 'granted', credentialId: 'rpin_x', pickup: { unit: '4b' } };
    await publish(room, pickup);
    const after = await packages('&unit=4B');
    for (const w of waiting) expect(after.find((x) => x.id === w.id)).toMatchObject({ status: 'picked-up', pickedUpAt: pickupAt, pickupEventId: pickup.eventId });
    expect(after.find((x) => x.id === later.id)).toMatchObject({ status: 'awaiting-pickup' });
    expect((await packages('&unit=9Z')).map((x) => x.status)).toEqual(['awaiting-pickup']);
    // The unit's waiting list no longer holds them.
    for (const w of waiting) expect(await getItem(`PROP#${p.id}`, `PKGWAIT#4b#${w.id}`)).toBeUndefined();
    expect(await getItem(`PROP#${p.id}`, `PKGWAIT#4b#${later.id}`)).toBeDefined();
  });

  it('a pickup in a denied event, or with another method, picks up nothing', async () => {
    await publish(
      room,
      { eventId: ulid(), at: new Date().toISOString(), method: 'resident-pickup', decision: 'denied', reason: 'wrong-code', pickup: { unit: '4B' } },
      { eventId: ulid(), at: new Date().toISOString(), method: 'delivery-pin', decision: 'granted', credentialId: pinId, pickup: { unit: '4B' } },
    );
    expect((await packages('&unit=4B&status=awaiting-pickup')).length).toBe(1);
  });
});

describe('the front desk', () => {
  it('staff log a package (Idempotency-Key: once) and residents are notified like a Finish; then hand it over once', async () => {
    const before = (await notificationsOf(neighbour.residentId)).length;
    const body = { unit: '5c', count: 2, carrier: 'FedEx' };
    const headers = { 'idempotency-key': `desk-${ulid()}` };
    const first = await call<PackageView>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body, headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ unit: '5C', residentId: null, count: 2, carrier: 'FedEx', status: 'awaiting-pickup', deliveryEventId: null, loggedBy: p.users.staff });
    const again = await call<PackageView>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body, headers });
    expect(again.body.id).toBe(first.body.id);
    expect(await packages('&unit=5C')).toHaveLength(1);
    expect(await notificationsOf(neighbour.residentId)).toHaveLength(before + 1);

    const handed = await call<PackageView>('POST', `/properties/${p.id}/packages/${first.body.id}/picked-up`, { token: p.tokens.admin });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ status: 'picked-up', handedOverBy: p.users.admin, pickedUpAt: expect.any(String) });
    expect((await call<Problem>('POST', `/properties/${p.id}/packages/${first.body.id}/picked-up`, { token: p.tokens.staff })).status).toBe(409);
    expect((await call('POST', `/properties/${p.id}/packages/pkg_nope/picked-up`, { token: p.tokens.staff })).status).toBe(404);
    expect((await packages('&unit=5C'))[0]).toMatchObject({ status: 'picked-up', handedOverBy: p.users.admin });
  });

  it('a resident named must live in the unit; bad input is 400 problem+json and writes nothing', async () => {
    const count = (await packages()).length;
    const notified = (await notificationsOf(neighbour.residentId)).length + (await notificationsOf(p.residentId)).length;
    for (const body of [
      {},
      { unit: '' },
      { unit: '4B', count: 0 },
      { unit: '4B', count: 100 },
      { unit: '4B', count: '2' },
      { unit: '4B', extra: true },
      { unit: 'x'.repeat(21) },
      { unit: '4B', residentId: 'has#hash' },
      { unit: '4B', residentId: neighbour.residentId },
    ]) {
      const bad = await call<Problem>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.contentType).toContain('application/problem+json');
    }
    for (const query of ['status=lost', 'limit=0', 'limit=101', 'cursor=forged', 'color=red']) {
      expect((await call('GET', `/properties/${p.id}/packages?${query}`, { token: p.tokens.staff })).status, query).toBe(400);
    }
    expect(await packages()).toHaveLength(count);
    expect((await notificationsOf(neighbour.residentId)).length + (await notificationsOf(p.residentId)).length).toBe(notified);
  });
});

describe('who sees what', () => {
  it("a resident sees only their unit's packages, whatever unit they ask for; staff filter by status and unit", async () => {
    const all = await packages();
    const ofUnit = (unit: string) => all.filter((x) => x.unit === unit).map((x) => x.id);
    expect((await packages('', roommate.token)).map((x) => x.id)).toEqual(ofUnit('4B'));
    expect((await packages('&unit=5C', p.tokens.resident)).map((x) => x.id)).toEqual([]);
    expect((await packages('', neighbour.token)).map((x) => x.id)).toEqual(ofUnit('5C'));
    expect(ofUnit('4B').length).toBeGreaterThan(0);
    expect((await packages('&status=picked-up')).every((x) => x.status === 'picked-up')).toBe(true);
    expect((await packages('&status=awaiting-pickup&unit=9z')).map((x) => x.unit)).toEqual(['9Z']);
    // Residents neither log nor hand over.
    expect((await call('POST', `/properties/${p.id}/packages`, { token: p.tokens.resident, body: { unit: '4B' } })).status).toBe(403);
    const waiting = present((await packages('&status=awaiting-pickup&unit=4B'))[0], 'a waiting package');
    expect((await call('POST', `/properties/${p.id}/packages/${waiting.id}/picked-up`, { token: p.tokens.resident })).status).toBe(403);
  });

  it('pages newest first with a cursor', async () => {
    const all = await packages();
    const first = (await expectOk(call<Page<PackageView>>('GET', `/properties/${p.id}/packages?limit=2`, { token: p.tokens.staff }))).body;
    expect(first.items.map((x) => x.id)).toEqual(all.slice(0, 2).map((x) => x.id));
    const next = (await expectOk(call<Page<PackageView>>('GET', `/properties/${p.id}/packages?limit=2&cursor=${present(first.nextCursor, 'a cursor')}`, { token: p.tokens.staff })))
      .body;
    expect(next.items.map((x) => x.id)).toEqual(all.slice(2, 4).map((x) => x.id));
  });
});
