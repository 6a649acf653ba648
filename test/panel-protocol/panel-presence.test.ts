import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/lobby-table.ts';
import { handler } from '../../functions/handlers/panel-presence.ts';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { getItem } from '../support/dynamo.ts';
import { lambdaContext, useStackEnvironment } from '../support/in-process.ts';

/**
 * The presence rule's handler (AWS IoT lifecycle events -> the panel's connection state),
 * run in this process against the suite's DynamoDB Local, with events shaped as AWS publishes
 * them on $aws/events/presence/{connected,disconnected}/<clientId>.
 */
useStackEnvironment();

let property: TestProperty;
let panelId: string;
const panelItem = () => getItem(keys.property(property.id), keys.panel(panelId));
const lifecycle = (eventType: 'connected' | 'disconnected', timestamp: number, extra: Record<string, unknown> = {}) => ({
  clientId: panelId,
  timestamp,
  eventType,
  sessionIdentifier: '00000000-0000-0000-0000-000000000000',
  principalIdentifier: 'cert',
  versionNumber: 1,
  ...extra,
});

beforeAll(async () => {
  property = await newProperty('Presence Tower');
  const panel = await expectOk(call<CreatedPanel>('POST', `/properties/${property.id}/panels`, { token: property.tokens.admin, body: { name: 'Lobby door', kind: 'entrance' } }));
  panelId = panel.body.id;
  // The stage's topic root travels with the connection material (the local stack's is unstaged).
  expect(panel.body.connection.topicRoot).toBe('lobby/panels');
});

/** Hands the handler an event as IoT would, including ones that are deliberately not lifecycle events of this stage's panels. */
const deliver = (event: object) => handler(event as Parameters<typeof handler>[0], lambdaContext(5000));

describe('panel-presence', () => {
  it('records a disconnect with its reason, then a later connect', async () => {
    const t0 = Date.now();
    await deliver(lifecycle('disconnected', t0, { clientInitiatedDisconnect: false, disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT' }));
    expect(await panelItem()).toMatchObject({ connected: false, presenceAt: new Date(t0).toISOString(), disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT' });
    await deliver(lifecycle('connected', t0 + 1000));
    expect(await panelItem()).toMatchObject({ connected: true, presenceAt: new Date(t0 + 1000).toISOString(), disconnectReason: null });
  });

  it('an older event arriving late does not overwrite a newer one', async () => {
    const t0 = Date.now() + 10_000;
    await deliver(lifecycle('connected', t0));
    await deliver(lifecycle('disconnected', t0 - 5000, { disconnectReason: 'CONNECTION_LOST' }));
    expect(await panelItem()).toMatchObject({ connected: true, presenceAt: new Date(t0).toISOString() });
  });

  it('ignores clients that are not panels of this stage, and events that are not lifecycle events', async () => {
    const before = await panelItem();
    await deliver({ ...lifecycle('disconnected', Date.now() + 60_000), clientId: 'panel-of-another-stage' });
    await deliver({ ...lifecycle('disconnected', Date.now() + 60_000), eventType: 'subscribed' });
    await deliver({ clientId: panelId });
    expect(await panelItem()).toEqual(before);
  });
});
