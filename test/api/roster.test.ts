import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, stack, tokenFor, type TestProperty } from '../support/api.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { CreatedDeliveryPass, CreatedVisitorPass, DeliveryPass, Page, Problem, VisitorPass } from '../support/contract.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import type { LobbyTable } from '../../functions/adapters/lobby-table.ts';
import { localDate } from '../../functions/domain/roster-dates.ts';

/**
 * Roster sync (PUT .../roster, issue 12) through the local API, and its schedule
 * (domain/roster.ts applyDueRosterChanges, run by the reconcile schedule) in this process with
 * its clock moved ahead. The stack's own schedule runs on the real clock: it never finds a
 * change dated tomorrow due.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { applyDueRosterChanges, syncRoster } = await import('../../functions/domain/roster.ts');

interface RosterResult {
  dryRun: boolean;
  added: string[];
  updated: string[];
  movedOut: string[];
  unchanged: string[];
  scheduled: Array<{ externalId: string; change: string; date: string }>;
  held?: string[];
  errors: Array<{ index: number; externalId?: string; field?: string; detail: string }>;
}
interface ResidentView {
  id: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  externalId?: string;
}

const DAY = 86400_000;
const ZONE = 'America/New_York';
/** A date `days` from today in the test property's time zone. */
const day = (days: number) => localDate(new Date(Date.now() + days * DAY), ZONE);
const row = (externalId: string, fields: Record<string, unknown> = {}) => ({ externalId, name: `Person ${externalId}`, unit: '7A', moveInDate: day(-30), ...fields });

let stores: Stores;
const sync = (p: TestProperty, residents: unknown[], opts: { dryRun?: boolean; token?: string } = {}) =>
  call<RosterResult>('PUT', `/properties/${p.id}/roster`, { token: opts.token ?? p.tokens.admin, body: { residents, ...(opts.dryRun ? { dryRun: true } : {}) } });
const synced = async (p: TestProperty, residents: unknown[], dryRun = false) => (await expectOk(sync(p, residents, { dryRun }))).body;
const residents = async (p: TestProperty) => (await expectOk(call<Page<ResidentView>>('GET', `/properties/${p.id}/residents?limit=100`, { token: p.tokens.admin }))).body.items;
const byExternal = async (p: TestProperty, externalId: string) => (await residents(p)).find((r) => r.externalId === externalId);
/** Every item of the property's partition, as stored: "nothing written" means this is the same before and after. */
async function partition(p: TestProperty) {
  const table = stores.table as LobbyTable;
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PROP#${p.id}` },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
const sorted = (ids: string[]) => [...ids].sort();

beforeAll(async () => {
  stores = await loadStores();
});

describe('roster sync', () => {
  it('adds, updates, moves out and leaves unchanged; the same roster twice reports all unchanged and writes nothing', async () => {
    const p = await newProperty('Roster Tower');
    const first = [row('A', { moveInDate: day(0) }), row('B', { email: 'b@example.com', unit: '3C' }), row('C', { moveInDate: day(3) }), row('F', { moveOutDate: day(-1) })];
    const done = await synced(p, first);
    expect(done).toMatchObject({ dryRun: false, updated: [], movedOut: [], errors: [] });
    expect(sorted(done.added)).toEqual(['A', 'B', 'C']);
    // F left yesterday and Lobby never had them: nothing to do.
    expect(done.unchanged).toEqual(['F']);
    expect(done.scheduled).toEqual([{ externalId: 'C', change: 'move-in', date: day(3) }]);
    const living = await residents(p);
    expect(
      living
        .filter((r) => r.externalId)
        .map((r) => r.externalId)
        .sort(),
    ).toEqual(['A', 'B']);
    expect(living.find((r) => r.externalId === 'B')).toMatchObject({ name: 'Person B', unit: '3C', email: 'b@example.com' });
    // The hand-made resident (4B) is not the roster's: untouched.
    expect(living.some((r) => r.id === p.residentId)).toBe(true);

    const before = await partition(p);
    const again = await synced(p, first);
    expect(sorted(again.unchanged)).toEqual(['A', 'B', 'C', 'F']);
    expect([...again.added, ...again.updated, ...again.movedOut]).toEqual([]);
    expect(again.scheduled).toEqual(done.scheduled);
    expect(await partition(p)).toEqual(before);

    const oldB = await byExternal(p, 'B');
    const second = [row('A', { moveInDate: day(0), name: 'Ada Renamed' }), row('B', { email: 'b@example.com', unit: '9D' }), row('D', { moveOutDate: day(10) })];
    const changed = await synced(p, second);
    expect(sorted(changed.updated)).toEqual(['A', 'B']);
    expect(changed.movedOut).toEqual(['C']);
    expect(changed.added).toEqual(['D']);
    expect(changed.scheduled).toEqual([{ externalId: 'D', change: 'move-out', date: day(10) }]);
    const after = await residents(p);
    expect(after.find((r) => r.externalId === 'A')?.name).toBe('Ada Renamed');
    // A new unit is a move: the old resident is gone, a new one lives in 9D.
    const newB = after.find((r) => r.externalId === 'B');
    expect(newB).toMatchObject({ unit: '9D', email: 'b@example.com' });
    expect(newB?.id).not.toBe(oldB?.id);
    expect(after.some((r) => r.id === oldB?.id)).toBe(false);
    const directory = await expectOk(call<Page<{ name: string }>>('GET', `/properties/${p.id}/directory?q=renamed`, { token: p.tokens.admin }));
    expect(directory.body.items.map((i) => i.name)).toEqual(['Ada Renamed']);
  });

  it('dryRun reports the same diff and writes nothing', async () => {
    const p = await newProperty('Dry Tower');
    await synced(p, [row('K'), row('L')]);
    const next = [row('K', { name: 'Kay' }), row('M')];
    const before = await partition(p);
    const dry = await synced(p, next, true);
    expect(await partition(p)).toEqual(before);
    expect(dry).toMatchObject({ dryRun: true, added: ['M'], updated: ['K'], movedOut: ['L'], unchanged: [], errors: [] });
    const real = await synced(p, next);
    expect({ ...real, dryRun: true }).toEqual(dry);
  });

  it('bad rows are reported per row and skipped whole; valid rows apply; unreadable ids hold the move-outs', async () => {
    const p = await newProperty('Rows Tower');
    await synced(p, [row('keep-1'), row('keep-2'), row('dup')]);
    const result = await synced(p, [
      row('ok-1'),
      row('keep-1', { name: '' }), // bad, but its externalId is read: not "missing"
      row('x-date', { moveInDate: '2026-02-30' }),
      row('dup'),
      row('dup', { name: 'Other' }),
      row('x-unit', { unit: '4B#' }),
      row('x-extra', { floor: 3 }),
      row('x-out', { moveInDate: day(0), moveOutDate: day(-2) }),
      'not a row',
      row('keep-2'),
    ]);
    expect(result.added).toEqual(['ok-1']);
    expect(result.unchanged).toEqual(['keep-2']);
    expect(result.movedOut).toEqual([]);
    const at = (index: number) => result.errors.filter((e) => e.index === index);
    expect(at(1)).toEqual([expect.objectContaining({ externalId: 'keep-1', field: 'name' })]);
    expect(at(2)).toEqual([expect.objectContaining({ externalId: 'x-date', field: 'moveInDate' })]);
    expect(at(3)).toEqual([expect.objectContaining({ externalId: 'dup', field: 'externalId' })]);
    expect(at(4)).toEqual([expect.objectContaining({ externalId: 'dup', field: 'externalId' })]);
    expect(at(5)).toEqual([expect.objectContaining({ externalId: 'x-unit', field: 'unit' })]);
    expect(at(6)).toEqual([expect.objectContaining({ externalId: 'x-extra', field: 'floor' })]);
    expect(at(7)).toEqual([expect.objectContaining({ externalId: 'x-out', field: 'moveOutDate' })]);
    expect(at(8)).toEqual([{ index: 8, detail: 'must be an object' }]);
    expect(result.errors.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Only the valid new row became a resident; the bad and duplicated rows' residents are as they were.
    const ids = (await residents(p)).map((r) => r.externalId).filter(Boolean);
    expect(sorted(ids as string[])).toEqual(['dup', 'keep-1', 'keep-2', 'ok-1']);
    expect((await byExternal(p, 'dup'))?.name).toBe('Person dup');

    // A row without a readable externalId might be anyone: nobody missing is moved out.
    const held = await synced(p, [row('ok-1'), { name: 'No Id', unit: '1A', moveInDate: day(-1) }]);
    expect(held.movedOut).toEqual([]);
    expect(sorted(held.held ?? [])).toEqual(['dup', 'keep-1', 'keep-2']);
    expect(held.errors).toEqual([expect.objectContaining({ index: 1, field: 'externalId' })]);
  });

  it('a move-out by roster revokes what the resident made and ends their membership, like the API move-out', async () => {
    const p = await newProperty('Leaving Tower');
    await synced(p, [row('R', { unit: '5E' }), row('S', { unit: '5F' })]);
    const r = await byExternal(p, 'R');
    if (!r) throw new Error('R did not move in');
    const token = await tokenFor(r.userId);
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token, body: {} }));
    const visitor = await expectOk(
      call<CreatedVisitorPass>('POST', `/properties/${p.id}/visitor-passes`, {
        token,
        body: { visitorName: 'V', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
    );
    await expectOk(call('PUT', `/properties/${p.id}/me/door-pin`, { token, body: { pin: randomPin() } }));

    const result = await synced(p, [row('S', { unit: '5F' })]);
    expect(result.movedOut).toEqual(['R']);
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.admin })).body.status).toBe('cancelled');
    expect((await call<VisitorPass>('GET', `/properties/${p.id}/visitor-passes/${visitor.body.id}`, { token: p.tokens.admin })).body.status).toBe('revoked');
    expect((await partition(p)).filter((i) => String(i.sk).startsWith('DOORPIN#'))).toEqual([]);
    expect((await call('GET', `/properties/${p.id}`, { token })).status).toBe(404);
    expect(await byExternal(p, 'R')).toBeUndefined();
    // Gone for good: the next sync without R has nothing more to do.
    expect((await synced(p, [row('S', { unit: '5F' })])).unchanged).toEqual(['S']);
  });

  it('a bad payload is 400 problem+json and changes nothing; only admins sync', async () => {
    const p = await newProperty('Strict Tower');
    await synced(p, [row('Z')]);
    const before = await partition(p);
    const tooMany = Array.from({ length: 2001 }, (_, i) => row(`n-${i}`));
    for (const body of [{ residents: 'all of them' }, { residents: tooMany }, { residents: [], dryRun: 'yes' }, { people: [] }, [row('Z')]]) {
      const reply = await call<Problem>('PUT', `/properties/${p.id}/roster`, { token: p.tokens.admin, body });
      expect(reply.status).toBe(400);
      expect(reply.contentType).toContain('application/problem+json');
    }
    expect(await partition(p)).toEqual(before);
    expect((await sync(p, [], { token: p.tokens.staff })).status).toBe(403);
    expect((await sync(p, [], { token: p.tokens.resident })).status).toBe(403);
    expect(await partition(p)).toEqual(before);
  });
});

describe('integrations', () => {
  /** An integration of the property with `scopes`, and its client-credentials access token (test/api/integrations.test.ts does the same). */
  async function integrationToken(p: TestProperty, scopes: string[]) {
    const made = await expectOk(
      call<{ id: string; clientId: string; clientSecret: string }>('POST', `/properties/${p.id}/integrations`, { token: p.tokens.admin, body: { name: 'PMS', scopes } }),
    );
    const res = await fetch(stack().tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${made.body.clientId}:${made.body.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    return { id: made.body.id, token: ((await res.json()) as { access_token: string }).access_token };
  }

  it('a PMS with lobby/residents.write syncs its own property; other scopes and other properties get 403', async () => {
    const [p, other] = await Promise.all([newProperty('PMS Tower'), newProperty('Not Yours Tower')]);
    const writer = await integrationToken(p, ['lobby/residents.write']);
    const reader = await integrationToken(p, ['lobby/events.read']);
    const done = await expectOk(sync(p, [row('pms-1')], { token: writer.token }));
    expect(done.body.added).toEqual(['pms-1']);
    expect((await sync(p, [row('pms-2')], { token: reader.token })).status).toBe(403);
    expect((await sync(other, [row('pms-3')], { token: writer.token })).status).toBe(403);
    const moveIn = (await partition(p)).find((i) => String(i.sk).startsWith('AUDIT#') && i.action === 'resident.moved-in' && i.actor !== p.users.admin);
    expect(moveIn?.actor).toBe(`integration:${writer.id}`);
    expect((await residents(p)).map((r) => r.externalId).filter(Boolean)).toEqual(['pms-1']);
  });
});

describe('a large roster against the clock', () => {
  it('changes not started within the time budget are reported, nothing half-applied; the same roster again finishes', async () => {
    const p = await newProperty('Budget Tower');
    await synced(p, [row('stay'), row('go')]);
    const before = await partition(p);
    // In this process, the sync's budget spent before it starts: nothing that writes may begin.
    const late = await syncRoster(stores, { userId: p.users.admin, operator: false }, p.id, { residents: [row('stay'), row('new-1'), row('new-2')] }, { budgetMs: 0 });
    expect(late.unchanged).toEqual(['stay']);
    expect(late.added).toEqual([]);
    expect(late.errors.map((e) => [e.index, e.externalId, e.detail])).toEqual([
      [1, 'new-1', expect.stringContaining('ran out of time')],
      [2, 'new-2', expect.stringContaining('ran out of time')],
    ]);
    expect(late.held).toEqual(['go']);
    expect(await partition(p)).toEqual(before);
    const done = await synced(p, [row('stay'), row('new-1'), row('new-2')]);
    expect(sorted(done.added)).toEqual(['new-1', 'new-2']);
    expect(done.movedOut).toEqual(['go']);
  });
});

describe('the roster schedule', () => {
  it("applies future move-ins and move-outs on their day in the property's time zone, once", async () => {
    const p = await newProperty('Schedule Tower');
    const done = await synced(p, [row('today', { moveInDate: day(0) }), row('tomorrow', { moveInDate: day(1) }), row('leaves', { moveOutDate: day(1) })]);
    expect(sorted(done.added)).toEqual(['leaves', 'today', 'tomorrow']);
    expect(sorted(done.scheduled.map((s) => `${s.externalId}:${s.change}`))).toEqual(['leaves:move-out', 'tomorrow:move-in']);
    expect(await byExternal(p, 'today')).toBeDefined();
    expect(await byExternal(p, 'tomorrow')).toBeUndefined();

    // Today's run: nothing of this property is due yet.
    await applyDueRosterChanges(stores);
    expect(await byExternal(p, 'tomorrow')).toBeUndefined();
    expect(await byExternal(p, 'leaves')).toBeDefined();

    // Tomorrow (a day and a bit later: past midnight in New York whatever the hour now).
    const tomorrow = { ...stores, now: () => new Date(Date.now() + 1.5 * DAY) };
    const run = await applyDueRosterChanges(tomorrow);
    expect(run.applied).toBeGreaterThanOrEqual(2);
    expect(await byExternal(p, 'tomorrow')).toMatchObject({ name: 'Person tomorrow', unit: '7A' });
    expect(await byExternal(p, 'leaves')).toBeUndefined();
    // Applied once: a second run finds nothing of it due, and the roster sent again (by the PMS, tomorrow) is unchanged or already out.
    const itemsAfter = await partition(p);
    await applyDueRosterChanges(tomorrow);
    expect(await partition(p)).toEqual(itemsAfter);
    const audit = itemsAfter.filter((i) => String(i.sk).startsWith('AUDIT#')).map((i) => `${i.action}:${i.actor}`);
    expect(audit.filter((a) => a === 'resident.moved-in:roster-schedule')).toHaveLength(1);
    expect(audit.filter((a) => a === 'resident.moved-out:roster-schedule')).toHaveLength(1);
  });
});
