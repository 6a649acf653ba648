import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import mqtt from 'mqtt';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLAIMS_PER_PANEL_MINUTE, MAX_UNKNOWN_CODES_PER_PANEL_WINDOW, OFFLINE_CLAIM_MAX_AGE_SECONDS, OFFLINE_CLAIM_SLACK_SECONDS } from '../../functions/domain/pass-claims.ts';
import { call, expectOk, newProperty, randomPin, type TestProperty } from '../support/api.ts';
import type {
  AuditEntry,
  ClaimReply,
  CreatedDeliveryPass,
  CreatedDeliveryPin,
  CreatedPanel,
  DeliveryPass,
  DeliveryPin,
  Page,
  Panel,
  Property,
  SetSnapshot,
  SyncFull,
  WithSync,
} from '../support/contract.ts';
import { getItem, setAttributes } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/**
 * Issue 7, defects 6 and 7: a panel is an attacker with a certificate. It holds no
 * single-use pass under the deny policy, cannot guess pass codes through the cloud,
 * cannot backdate offline claims, and once decommissioned cannot connect or claim.
 */
const hour = 3600_000;
let p: TestProperty;
const created: CreatedPanel[] = [];
const raws: RawPanel[] = [];

async function newPanel(property: TestProperty, name: string) {
  const panel = (await expectOk(call<CreatedPanel>('POST', `/properties/${property.id}/panels`, { token: property.tokens.admin, body: { name, kind: 'entrance' } }))).body;
  created.push(panel);
  const raw = await connectRawPanel(panel.connection);
  raws.push(raw);
  return { panel, raw };
}

const claim = (raw: RawPanel, what: { credentialId?: string; code?: string }, extra: Record<string, unknown> = {}) =>
  raw.request<ClaimReply>({ op: 'pass.claim', attemptId: randomUUID(), eventId: ulid(), at: new Date().toISOString(), ...what, ...extra }, 20_000);
/** The full set as a panel downloads it: the sync reply's presigned snapshot, gunzipped. */
async function fullSet(raw: RawPanel) {
  const reply = await raw.request<SyncFull>({ op: 'credentials.sync', haveVersion: 0, haveKeyVersion: 0 });
  const set: SetSnapshot = JSON.parse(gunzipSync(Buffer.from(await (await fetch(reply.url)).arrayBuffer())).toString());
  return { ...set, version: reply.version, keyVersion: reply.keyVersion };
}
const heartbeat = (raw: RawPanel, panelId: string) =>
  raw.publish(`lobby/panels/${panelId}/heartbeat`, { at: new Date().toISOString(), credentials: { version: 0, digest: '0'.repeat(64) } });

beforeAll(async () => {
  p = await newProperty();
});
afterAll(async () => {
  await Promise.all(raws.map((r) => r.close().catch(() => {})));
});

describe('a stolen panel holds no pass and cannot guess one', () => {
  it('under the deny policy the full set a panel downloads has the PINs and visitor codes but no single-use pass', async () => {
    const { raw } = await newPanel(p, 'Full set');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    const pin = await expectOk(
      call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'control', pin: randomPin() } }),
    );
    // The set once the PIN is in it (the stream folds it a moment after the create).
    const body = await eventually(async () => {
      const set = await fullSet(raw);
      return set.entries.some((e) => e.id === pin.body.id) ? set : undefined;
    });
    const ids = body.entries.map((e) => e.id);
    expect(ids).not.toContain(pass.body.id);
    expect(body.entries.every((e) => !e.singleUse)).toBe(true);
    // Switching to allow-once-and-reconcile hands passes to the panels (a new version), and back withdraws them.
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { offlinePassPolicy: 'allow-once-and-reconcile' } }));
    const withPasses = await fullSet(raw);
    expect(withPasses.entries.map((e) => e.id)).toContain(pass.body.id);
    await expectOk(call<Property>('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { offlinePassPolicy: 'deny' } }));
    const without = await raw.request({ op: 'credentials.sync', haveVersion: withPasses.version, haveKeyVersion: withPasses.keyVersion });
    expect(without).toMatchObject({ kind: 'delta', removals: expect.arrayContaining([pass.body.id]) });
  });

  it('a code claimed by code: the pass is granted once; unknown codes are budgeted per panel', async () => {
    const { raw } = await newPanel(p, 'Guesser');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    expect(await claim(raw, { code: pass.body.code })).toMatchObject({ ok: true, decision: 'granted', credentialId: pass.body.id });
    expect(await claim(raw, { code: pass.body.code })).toMatchObject({ decision: 'denied', reason: 'already-used', credentialId: pass.body.id });
    // A PIN's code is not claimable as a pass.
    const pinCode = randomPin();
    await expectOk(call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'not a pass', pin: pinCode } }));
    // The already-used answer took one slot of the budget (only grants give it back).
    const misses = [await claim(raw, { code: pinCode })];
    while (misses.length < MAX_UNKNOWN_CODES_PER_PANEL_WINDOW - 1) misses.push(await claim(raw, { code: randomPin() }));
    expect(misses.every((m) => m.decision === 'denied' && m.reason === 'unknown-code' && m.credentialId === undefined)).toBe(true);
    // The budget is spent: even a live pass's code is refused from this panel now, but not from another.
    const live = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    expect(await claim(raw, { code: live.body.code })).toMatchObject({ decision: 'denied', reason: 'throttled' });
    const { raw: other } = await newPanel(p, 'Honest');
    expect(await claim(other, { code: live.body.code })).toMatchObject({ decision: 'granted', credentialId: live.body.id });
  });

  it('parallel guesses cannot overdraw the unknown-code budget', async () => {
    const { raw } = await newPanel(p, 'Parallel guesser');
    const replies = await Promise.all(Array.from({ length: 3 * MAX_UNKNOWN_CODES_PER_PANEL_WINDOW }, () => claim(raw, { code: randomPin() })));
    expect(replies.filter((r) => r.reason === 'unknown-code').length).toBeLessThanOrEqual(MAX_UNKNOWN_CODES_PER_PANEL_WINDOW);
    expect(replies.filter((r) => r.reason === 'throttled').length).toBeGreaterThanOrEqual(2 * MAX_UNKNOWN_CODES_PER_PANEL_WINDOW);
  });
});

describe('offline claims are not taken on trust', () => {
  let q: TestProperty;
  beforeAll(async () => {
    q = await newProperty();
    await expectOk(call<Property>('PATCH', `/properties/${q.id}/settings`, { token: q.tokens.admin, body: { offlinePassPolicy: 'allow-once-and-reconcile' } }));
  });

  it('a backdated offline claim of an expired pass is denied; one inside the offline period the cloud saw is granted', async () => {
    const { panel, raw } = await newPanel(q, 'Backdater');
    await heartbeat(raw, panel.id);
    await eventually(async () => (await getItem(`PROP#${q.id}`, `PANEL#${panel.id}`))?.heardAt);
    // A pass that expired an hour ago, claimed "offline" as if used two hours ago while the panel was online all along.
    const expired = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    await setAttributes(`PROP#${q.id}`, `PASS#${expired.body.id}`, { expiresAt: new Date(Date.now() - hour).toISOString() });
    const backdated = await claim(raw, { credentialId: expired.body.id }, { offline: true, at: new Date(Date.now() - 2 * hour).toISOString() });
    expect(backdated).toMatchObject({ decision: 'denied', reason: 'implausible-offline-time' });
    expect((await call<DeliveryPass>('GET', `/properties/${q.id}/delivery-passes/${expired.body.id}`, { token: q.tokens.resident })).body.status).toBe('expired');
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${q.id}/audit?limit=50`, { token: q.tokens.admin })).body.items;
    expect(audit.some((a) => a.action === 'delivery-pass.offline-entry-refused' && a.target.id === expired.body.id)).toBe(true);
    // Positive control: the cloud saw the panel silent from 3 h to 1 h ago; a claim from inside that period counts.
    await setAttributes(`PROP#${q.id}`, `PANEL#${panel.id}`, {
      offlineFrom: new Date(Date.now() - 3 * hour).toISOString(),
      onlineSince: new Date(Date.now() - hour).toISOString(),
    });
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    await setAttributes(`PROP#${q.id}`, `PASS#${pass.body.id}`, { createdAt: new Date(Date.now() - 4 * hour).toISOString() });
    expect(await claim(raw, { credentialId: pass.body.id }, { offline: true, at: new Date(Date.now() - 2 * hour).toISOString() })).toMatchObject({ decision: 'granted' });
    // Before the pass existed: refused.
    const young = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    expect(await claim(raw, { credentialId: young.body.id }, { offline: true, at: new Date(Date.now() - 2 * hour).toISOString() })).toMatchObject({
      decision: 'denied',
      reason: 'implausible-offline-time',
    });
    // Outside it (before the silence began, beyond the slack): refused.
    const early = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    const before = new Date(Date.now() - 3 * hour - (OFFLINE_CLAIM_SLACK_SECONDS + 60) * 1000).toISOString();
    expect(await claim(raw, { credentialId: early.body.id }, { offline: true, at: before })).toMatchObject({ decision: 'denied', reason: 'implausible-offline-time' });
    // And never older than the maximum age, whatever the recorded period.
    await setAttributes(`PROP#${q.id}`, `PANEL#${panel.id}`, { offlineFrom: new Date(Date.now() - 10 * 24 * hour).toISOString() });
    const ancient = new Date(Date.now() - (OFFLINE_CLAIM_MAX_AGE_SECONDS + 3600) * 1000).toISOString();
    expect(await claim(raw, { credentialId: early.body.id }, { offline: true, at: ancient })).toMatchObject({ decision: 'denied', reason: 'implausible-offline-time' });
  });

  it('a panel the cloud never heard from cannot claim an offline entry', async () => {
    const { raw } = await newPanel(q, 'Never heard');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${q.id}/delivery-passes`, { token: q.tokens.resident, body: {} }));
    expect(await claim(raw, { credentialId: pass.body.id }, { offline: true, at: new Date(Date.now() - 60_000).toISOString() })).toMatchObject({
      decision: 'denied',
      reason: 'implausible-offline-time',
    });
  });

  it('a heartbeat after a silence records the offline period', async () => {
    const { panel, raw } = await newPanel(q, 'Sleeper');
    await heartbeat(raw, panel.id);
    const first = await eventually(async () => (await getItem(`PROP#${q.id}`, `PANEL#${panel.id}`))?.heardAt as string | undefined);
    const silentSince = new Date(Date.now() - 2 * hour).toISOString();
    await setAttributes(`PROP#${q.id}`, `PANEL#${panel.id}`, { heardAt: silentSince });
    await heartbeat(raw, panel.id);
    const after = await eventually(async () => {
      const item = await getItem(`PROP#${q.id}`, `PANEL#${panel.id}`);
      return item?.onlineSince ? item : undefined;
    });
    expect(after.offlineFrom).toBe(silentSince);
    expect(Date.parse(after.onlineSince as string)).toBeGreaterThanOrEqual(Date.parse(first));
  });

  it('the deny policy is enforced on offline claims, and offline claims are throttled like any other', async () => {
    const { raw } = await newPanel(p, 'Deny policy');
    const pass = await expectOk(call<CreatedDeliveryPass>('POST', `/properties/${p.id}/delivery-passes`, { token: p.tokens.resident, body: {} }));
    expect(await claim(raw, { credentialId: pass.body.id }, { offline: true })).toMatchObject({ decision: 'denied', reason: 'offline-not-allowed' });
    expect((await call<DeliveryPass>('GET', `/properties/${p.id}/delivery-passes/${pass.body.id}`, { token: p.tokens.resident })).body.status).toBe('active');
    // Offline claims count against the panel's per-minute budget too (a minute boundary may reset it once).
    const replies: ClaimReply[] = [];
    while (replies.length <= 2 * MAX_CLAIMS_PER_PANEL_MINUTE && replies.at(-1)?.reason !== 'throttled') {
      replies.push(await claim(raw, { credentialId: pass.body.id }, { offline: true }));
    }
    expect(replies.at(-1)).toMatchObject({ decision: 'denied', reason: 'throttled' });
    expect(replies.length).toBeGreaterThan(MAX_CLAIMS_PER_PANEL_MINUTE - 1);
  });
});

describe('presence through the local stack', () => {
  it("the stand-in's lifecycle events reach the presence rule: connected, then disconnected", async () => {
    const { panel, raw } = await newPanel(p, 'Present');
    await eventually(async () => (await getItem(`PROP#${p.id}`, `PANEL#${panel.id}`))?.connected === true);
    await raw.close();
    await eventually(async () => (await getItem(`PROP#${p.id}`, `PANEL#${panel.id}`))?.connected === false);
  });
});

describe('decommissioning a panel', () => {
  it('its certificate can no longer connect (so it can claim nothing), a live connection is closed, it leaves the sync lists', async () => {
    const { panel, raw } = await newPanel(p, 'Stolen');
    const pin = await expectOk(
      call<CreatedDeliveryPin>('POST', `/properties/${p.id}/delivery-pins`, { token: p.tokens.admin, body: { description: 'sync list', pin: randomPin() } }),
    );
    await eventually(async () =>
      (await call<WithSync<DeliveryPin>>('GET', `/properties/${p.id}/delivery-pins/${pin.body.id}`, { token: p.tokens.admin })).body.sync.panels.some(
        (x) => x.panelId === panel.id,
      ),
    );
    const closed = new Promise<void>((resolve) => raw.client.once('close', () => resolve()));
    expect((await call('DELETE', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.staff })).status).toBe(403);
    expect((await call('DELETE', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.admin })).status).toBe(204);
    await closed;
    // A new connection with the same certificate is refused (CONNACK "not authorized").
    const { connection } = panel;
    await expect(
      mqtt.connectAsync(connection.mqttUrl, {
        clientId: connection.clientId,
        cert: connection.certificatePem,
        key: connection.privateKeyPem,
        ca: connection.caPem,
        reconnectPeriod: 0,
        protocolVersion: 4,
        connectTimeout: 5_000,
      }),
    ).rejects.toThrow(/Not authorized|not authorized/i);
    // Positive control: another panel's certificate still connects.
    const { raw: other } = await newPanel(p, 'Still here');
    expect(other.client.connected).toBe(true);
    const sync = (await call<WithSync<DeliveryPin>>('GET', `/properties/${p.id}/delivery-pins/${pin.body.id}`, { token: p.tokens.admin })).body.sync.panels.map((x) => x.panelId);
    expect(sync).not.toContain(panel.id);
    expect((await call<Panel>('GET', `/properties/${p.id}/panels/${panel.id}`, { token: p.tokens.admin })).status).toBe(404);
    expect(await getItem(`PANELREF#${panel.id}`, 'META')).toBeUndefined();
    const audit = (await call<Page<AuditEntry>>('GET', `/properties/${p.id}/audit?limit=20`, { token: p.tokens.admin })).body.items;
    expect(audit.some((a) => a.action === 'panel.decommissioned' && a.target.id === panel.id)).toBe(true);
  });
});
