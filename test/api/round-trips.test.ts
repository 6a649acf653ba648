import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, tokenFor, type TestProperty } from '../support/api.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import { recordRoundTrips } from '../support/round-trips.ts';

/**
 * Issue 9, hot paths: a visitor-pass create and a move-out run their independent reads
 * together. Domain code in this process against the suite's DynamoDB Local, every
 * command's start and end recorded on the process's one DynamoDB client.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { documents } = await import('../../functions/adapters/dynamo-client.ts');
const { createVisitorPass, getVisitorPass } = await import('../../functions/domain/visitor-passes.ts');
const { moveOut } = await import('../../functions/domain/people.ts');

let stores: Stores;
let p: TestProperty;
let roundTrips: ReturnType<typeof recordRoundTrips>;

beforeAll(async () => {
  stores = await loadStores();
  // The one DynamoDB client of the process, which the stores' table sends through.
  roundTrips = recordRoundTrips(documents(), 'createRoundTrips');
  p = await newProperty();
});

describe('create and move-out hot paths', () => {
  it('a resident makes a visitor pass in 3 serial round trips and is moved out in 6', async () => {
    const userId = `rt-resident-${Date.now()}`;
    await tokenFor(userId);
    const resident = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId, name: 'Round Trip', unit: '9Z' } })))
      .body;
    const caller = { userId, operator: false };
    const now = Date.now();

    roundTrips.reset();
    // Membership, property and set head together; the resident's pass cap (both kinds together); the write.
    const pass = await createVisitorPass(stores, caller, p.id, { visitorName: 'Vera', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString() });
    expect(roundTrips.serial()).toBe(3);

    roundTrips.reset();
    // Access, resident and property together; membership; fence; the passes made; the pass revoked; the removal.
    await moveOut(stores, { userId: p.users.admin, operator: false }, p.id, resident.id);
    expect(roundTrips.serial()).toBe(6);
    // And the move-out did its job: the pass is revoked.
    expect((await getVisitorPass(stores, { userId: p.users.admin, operator: false }, p.id, pass.id)).status).toBe('revoked');
  });
});
