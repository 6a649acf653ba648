import { PROTOCOL_VERSION } from '../../iot/protocol/version.ts';
import { GetThingShadowCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, randomPin, stack, type TestProperty } from '../support/api.ts';
import type { CreatedDeliveryPin, CreatedPanel } from '../support/contract.ts';
import { eventually } from '../support/eventually.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import { connectRawPanel } from '../support/panel-client.ts';
import type { Stores } from '../../functions/domain/stores.ts';

/**
 * Issue 7, defects 3 and 4: a failed panel announcement is retried (by the stream's
 * batch retry and by the scheduled reconciliation), and a key rotation killed
 * between its two writes leaves the set consistent. Domain code runs in this
 * process against the suite's emulators, to reach states no request can.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { foldStreamBatch } = await import('../../functions/domain/stream-batch.ts');
const { currentEntries, loadSetHead, panelKeyFor } = await import('../../functions/domain/credential-sets.ts');
const { reconcileProperty } = await import('../../functions/domain/reconcile.ts');
const { writeNextKeyDigests } = await import('../../functions/domain/key-rotation.ts');
const { setDigest } = await import('../../iot/protocol/credential-hash.ts');

let stores: Stores;
let p: TestProperty;
let panel: CreatedPanel;
const iotData = () => new IoTDataPlaneClient({ endpoint: stack().iotDataEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

async function desiredState(panelId: string): Promise<{ version?: number; protocolVersion?: string } | undefined> {
  const out = await iotData().send(new GetThingShadowCommand({ thingName: panelId, shadowName: 'credentials' }));
  return JSON.parse(Buffer.from(out.payload ?? []).toString()).state?.desired;
}
const desiredVersion = async (panelId: string) => (await desiredState(panelId))?.version;

/** The SDK's marshalled attribute values and aws-lambda's stream image are one wire shape declared twice. */
type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** A stream record of a delivery PIN that exists only in this record (the table never sees it). */
let sequence = 10n ** 20n;
function pinRecord(propertyId: string): DynamoDBRecord {
  const id = `pin_synthetic${(sequence % 100000n).toString()}`;
  sequence += 1n;
  const item = {
    pk: `PROP#${propertyId}`,
    sk: `PIN#${id}`,
    id,
    type: 'delivery-pin',
    description: 'synthetic',
    sealedPin: stores.vault.encrypt(randomPin()),
    codeKey: 'synthetic',
    pinHint: '**00',
  };
  return { eventName: 'INSERT', dynamodb: { SequenceNumber: sequence.toString(), NewImage: marshall(item) as StreamImage } };
}

/** The stores with a shadow update that fails `times` times, and a log of the announcements that went through. */
function flakyShadows(times: number) {
  const announced: Array<{ panelId: string; version: number }> = [];
  let failures = times;
  const panels = {
    ...stores.panels,
    async setDesired(panelId: string, shadow: string, desired: Record<string, unknown>) {
      if (failures-- > 0) throw Object.assign(new Error('shadow update failed'), { name: 'ThrottlingException' });
      await stores.panels.setDesired(panelId, shadow, desired);
      announced.push({ panelId, version: desired.version as number });
    },
  };
  return { stores: { ...stores, panels } as Stores, announced };
}

beforeAll(async () => {
  stores = await loadStores();
  p = await newProperty();
  panel = (await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Reconciled door', kind: 'entrance' } }))).body;
});

describe('a failed panel announcement is not lost', () => {
  it('the stream reports the batch failed; its retry changes nothing but announces the head', async () => {
    const record = pinRecord(p.id);
    const before = await loadSetHead(stores, p.id);
    const failing = flakyShadows(1);
    const first = await foldStreamBatch(failing.stores, [record]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(failing.announced).toEqual([]);
    const head = await loadSetHead(stores, p.id);
    expect(head.version).toBe(before.version + 1);
    // Lambda retries the batch from the failed record: nothing new to fold, and still the panels are told.
    const retry = flakyShadows(0);
    expect(await foldStreamBatch(retry.stores, [record])).toEqual({ batchItemFailures: [] });
    expect((await loadSetHead(stores, p.id)).version).toBe(head.version);
    expect(retry.announced).toEqual([{ panelId: panel.id, version: head.version }]);
    expect(await desiredVersion(panel.id)).toBe(head.version);
    // What the cloud writes into desired says which protocol it speaks, so a panel can refuse another major.
    expect((await desiredState(panel.id))?.protocolVersion).toBe(PROTOCOL_VERSION);
  });

  it('a failure on one property does not fail the others in the batch (only the earliest failed record is retried)', async () => {
    const q = await newProperty();
    const other = (await expectOk(call<CreatedPanel>('POST', `/properties/${q.id}/panels`, { token: q.tokens.admin, body: { name: 'Other door', kind: 'entrance' } }))).body;
    const records = [pinRecord(p.id), pinRecord(q.id)];
    const failing = flakyShadows(1);
    const result = await foldStreamBatch(failing.stores, records);
    // Which property's update failed depends on ordering; exactly one did, and the other was announced.
    expect(result.batchItemFailures).toHaveLength(1);
    expect(failing.announced).toHaveLength(1);
    expect([panel.id, other.id]).toContain(failing.announced[0]!.panelId);
  });

  it('the scheduled reconciliation announces the head to a panel that missed it', async () => {
    const failing = flakyShadows(1);
    await foldStreamBatch(failing.stores, [pinRecord(p.id)]);
    const head = await loadSetHead(stores, p.id);
    // Directly: the reconciler finds the panel behind (it never reported this version) and tells it.
    const healthy = flakyShadows(0);
    const outcome = await reconcileProperty(healthy.stores, p.id);
    expect(outcome).toMatchObject({ propertyId: p.id, repaired: false });
    expect(healthy.announced).toContainEqual({ panelId: panel.id, version: head.version });
    // And on its own: the local stack runs the same reconciliation on a schedule (LOBBY_RECONCILE_SECONDS).
    const again = flakyShadows(1);
    await foldStreamBatch(again.stores, [pinRecord(p.id)]);
    const newer = await loadSetHead(stores, p.id);
    expect(again.announced).toEqual([]); // the batch's own announcement failed
    await eventually(async () => (await desiredVersion(panel.id)) === newer.version, 30_000, 250);
  });
});

describe('a key rotation killed between its two writes', () => {
  it('leaves the head consistent under the current key; panels keep syncing by delta; running the rotation again completes it', async () => {
    const q = await newProperty();
    const door = (await expectOk(call<CreatedPanel>('POST', `/properties/${q.id}/panels`, { token: q.tokens.admin, body: { name: 'Rotating door', kind: 'entrance' } }))).body;
    const pins = await Promise.all(
      [0, 1, 2].map(
        async () =>
          (await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description: 'rot', pin: randomPin() } }))).body,
      ),
    );
    await eventually(async () => {
      const [entries, head] = await Promise.all([currentEntries(stores, q.id, panelKeyFor(stores, q.id, 1)), loadSetHead(stores, q.id)]);
      return entries.length === 3 && setDigest(entries) === head.digest;
    });
    const head = await loadSetHead(stores, q.id);
    // The state a kill -9 leaves: the next key's digests written, the head not yet switched.
    await writeNextKeyDigests(stores, q.id, head.keyVersion + 1, head.version + 1);
    // Changes keep coming through the stream under the current key.
    const added = (
      await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${q.id}/delivery-pins`, { token: q.tokens.admin, body: { description: 'after', pin: randomPin() } }))
    ).body;
    expect((await call('DELETE', `/properties/${q.id}/delivery-pins/${pins[0].id}`, { token: q.tokens.admin })).status).toBe(204);
    // Both changes folded (the stream may fold them into one version or two).
    const after = await eventually(async () => {
      const folded = await stores.credentialSets.record(q.id, added.id);
      const removed = await stores.credentialSets.record(q.id, pins[0].id);
      // The head read after the records: it includes both changes once both records show them.
      const now = await loadSetHead(stores, q.id);
      return folded && removed?.op === 'removed' ? now : undefined;
    });
    expect(after.keyVersion).toBe(head.keyVersion);
    expect(after.digest).toBe(setDigest(await currentEntries(stores, q.id, panelKeyFor(stores, q.id, after.keyVersion))));
    // A panel that holds the version from before gets a delta whose digest is the set's.
    const raw = await connectRawPanel(door.connection);
    try {
      const reply = await raw.request({ op: 'credentials.sync', haveVersion: head.version, haveKeyVersion: head.keyVersion });
      expect(reply).toMatchObject({ ok: true, kind: 'delta', version: after.version, digest: after.digest });
    } finally {
      await raw.close();
    }
    // The admin runs the rotation again: it completes, and the digest is the new key's set.
    expect((await call('POST', `/properties/${q.id}/panel-keys/rotate`, { token: q.tokens.admin })).status).toBe(202);
    const rotated = await loadSetHead(stores, q.id);
    expect(rotated.keyVersion).toBe(head.keyVersion + 1);
    expect(rotated.digest).toBe(setDigest(await currentEntries(stores, q.id, panelKeyFor(stores, q.id, rotated.keyVersion))));
  });
});
