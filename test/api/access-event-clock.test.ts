import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, present, type TestProperty } from '../support/api.ts';
import type { AccessEvent, CreatedPanel, Page, Property } from '../support/contract.ts';
import { getItem } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/**
 * Access-event expiry counts from when the cloud received the event, not from the
 * panel's clock; a panel clock far off is flagged. Driven as a panel over MQTT.
 */
let p: TestProperty;
let panelId: string;
let panel: RawPanel;
const RETENTION_DAYS = 30;

beforeAll(async () => {
  p = await newProperty();
  await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { photoRetentionDays: RETENTION_DAYS } }));
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
  panelId = created.body.id;
  panel = await connectRawPanel(created.body.connection);
});
afterAll(async () => {
  await panel?.close();
});

/** Publishes an event as the panel would with its clock at `at`; returns the stored item and the API's view of it. */
async function publishAt(at: string) {
  const eventId = ulid(Date.parse(at));
  const sentAt = Math.floor(Date.now() / 1000);
  await panel.publish(`lobby/panels/${panelId}/events`, { eventId, at, method: 'delivery-pin', decision: 'denied', reason: 'unknown-code' });
  const item = await eventually(() => getItem(`PROP#${p.id}`, `EVENT#${eventId}`));
  const storedBy = Math.ceil(Date.now() / 1000);
  const listed = (await call<Page<AccessEvent>>('GET', `/properties/${p.id}/access-events?limit=100`, { token: p.tokens.admin })).body.items;
  const view = present(
    listed.find((i) => i.id === eventId),
    'the event in the list',
  );
  return { item, view, sentAt, storedBy };
}

describe('access events and the panel clock', () => {
  it('an event from a panel whose clock says 2000 expires a retention period after it was received, and is flagged', async () => {
    const { item, view, sentAt, storedBy } = await publishAt('2000-01-01T00:00:00.000Z');
    expect(item.expiresAtEpoch).toBeGreaterThanOrEqual(sentAt + RETENTION_DAYS * 86400);
    expect(item.expiresAtEpoch).toBeLessThanOrEqual(storedBy + RETENTION_DAYS * 86400);
    expect(item.clockSkew).toBe(true);
    expect(item.clockSkewSeconds).toBeLessThan(-20 * 365 * 86400);
    expect(view).toMatchObject({ at: '2000-01-01T00:00:00.000Z', clockSkew: true, clockSkewSeconds: item.clockSkewSeconds });
  });

  it('an event more than 5 minutes ahead of the cloud is flagged; its expiry still counts from receipt', async () => {
    const { item, view, storedBy } = await publishAt(new Date(Date.now() + 3_600_000).toISOString());
    expect(item.clockSkew).toBe(true);
    expect(item.clockSkewSeconds).toBeGreaterThan(3_000);
    expect(item.expiresAtEpoch).toBeLessThanOrEqual(storedBy + RETENTION_DAYS * 86400);
    expect(view.clockSkew).toBe(true);
  });

  it('a current event and one held offline for 3 days are not flagged', async () => {
    const now = await publishAt(new Date().toISOString());
    expect(now.item.clockSkew).toBeUndefined();
    expect(now.view.clockSkew).toBeUndefined();
    const offline = await publishAt(new Date(Date.now() - 3 * 86400_000).toISOString());
    expect(offline.item.clockSkew).toBeUndefined();
    expect(offline.item.expiresAtEpoch).toBeGreaterThanOrEqual(offline.sentAt + RETENTION_DAYS * 86400);
  });

  it('an event older than the 7-day offline window is flagged', async () => {
    const { item } = await publishAt(new Date(Date.now() - 8 * 86400_000).toISOString());
    expect(item.clockSkew).toBe(true);
    expect(item.clockSkewSeconds).toBeLessThan(-7 * 86400);
  });
});
