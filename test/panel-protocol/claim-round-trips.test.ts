import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { Stores } from '../../functions/domain/stores.ts';
import { recordRoundTrips } from '../support/round-trips.ts';

/**
 * Issue 9, hot paths: a pass claim reads everything it needs at once, then redeems (two
 * serial DynamoDB round trips, by id and by code), and the per-container cache of a
 * panel's property never lets a decommissioned panel claim. Domain code in this process
 * against the suite's DynamoDB Local, every command's start and end recorded.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { documents } = await import('../../functions/adapters/dynamo-client.ts');
const { claimPass } = await import('../../functions/domain/pass-claims.ts');
const { panelRefById } = await import('../../functions/domain/panels.ts');

let stores: Stores;
let p: TestProperty;
let roundTrips: ReturnType<typeof recordRoundTrips>;

const pass = async () => (await expectOk(call<{ id: string; code: string }>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.admin, body: { note: 'rt' } }))).body;
const claim = async (panelId: string, what: { credentialId?: string; code?: string }) => {
  const ref = (await panelRefById(stores, panelId))!;
  roundTrips.reset();
  return claimPass(stores, ref, { op: 'pass.claim', attemptId: randomUUID(), eventId: ulid(), at: new Date().toISOString(), ...what } as Parameters<typeof claimPass>[2]);
};

beforeAll(async () => {
  stores = await loadStores();
  // The one DynamoDB client of the process, which the stores' table sends through.
  roundTrips = recordRoundTrips(documents(), 'claimRoundTrips');
  p = await newProperty();
});

describe('pass claim hot path', () => {
  it('a grant by id and a grant by code each take two serial round trips', async () => {
    const panel = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'RT', kind: 'entrance' } }))).body;
    const byId = await pass();
    expect(await claim(panel.id, { credentialId: byId.id })).toMatchObject({ decision: 'granted' });
    expect(roundTrips.serial()).toBe(2);
    const byCode = await pass();
    expect(await claim(panel.id, { code: byCode.code })).toMatchObject({ decision: 'granted', credentialId: byCode.id });
    expect(roundTrips.serial()).toBe(2);
    // The grant gave the unknown-code slot back in the same write.
    expect(await claim(panel.id, { code: byCode.code })).toMatchObject({ decision: 'denied', reason: 'already-used' });
  });

  it('a decommissioned panel whose property is cached claims nothing, and the pass stays active', async () => {
    const panel = (await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Gone', kind: 'entrance' } }))).body;
    expect(await claim(panel.id, { credentialId: (await pass()).id })).toMatchObject({ decision: 'granted' });
    await expectOk(call('DELETE', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.admin }));
    const live = await pass();
    expect(await panelRefById(stores, panel.id)).toEqual({ id: panel.id, propertyId: p.id }); // still cached
    expect(await claim(panel.id, { credentialId: live.id })).toBeUndefined();
    expect(await claim(panel.id, { code: live.code })).toBeUndefined();
    const after = (await expectOk(call<{ status: string }>('GET', `/properties/${p.id}/delivery-passes/${live.id}`, { token: p.tokens.admin }))).body;
    expect(after.status).toBe('active');
  });
});
