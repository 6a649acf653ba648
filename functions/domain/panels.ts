import { entryOpens, type DoorLimits } from '../../iot/protocol/doors.ts';
import { ulid } from 'ulid';
import { BoundedCache } from './bounded-cache.ts';
import type { PanelProvisioner } from './panel-provisioner.ts';
import { notFound } from './errors.ts';
import type { Caller } from './caller.ts';
import { OFFLINE_AFTER_SECONDS, CREDENTIALS_SHADOW, PANEL_TOPIC_ROOT } from '../../iot/protocol/topics.ts';
import type { Heartbeat } from '../../iot/protocol/messages.ts';
import { adminsOnly, managers, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { desiredCredentials, loadSetHead } from './credential-sets.ts';
import type { Page, Panel, PanelKind, PanelRef } from './records.ts';
import type { Stores } from './stores.ts';
import { webhookEventWrites } from './webhook-events.ts';

export type { Panel, PanelKind, PanelRef } from './records.ts';

export interface PanelView extends Omit<Panel, 'reportedVersion' | 'reportedDigest' | 'keypadLockedUntil'> {
  credentials: { desiredVersion: number; reportedVersion: number | null; inSync: boolean; lastSeenAt: string | null; online: boolean };
  keypadLockedUntil: string | null;
}

export const isOnline = (panel: Panel, now: Date) => panel.lastSeenAt !== undefined && now.getTime() - Date.parse(panel.lastSeenAt) <= OFFLINE_AFTER_SECONDS * 1000;

const view = (panel: Panel, desiredVersion: number, now: Date): PanelView => ({
  id: panel.id,
  propertyId: panel.propertyId,
  name: panel.name,
  kind: panel.kind,
  createdAt: panel.createdAt,
  credentials: {
    desiredVersion,
    reportedVersion: panel.reportedVersion ?? null,
    inSync: (panel.reportedVersion ?? -1) >= desiredVersion,
    lastSeenAt: panel.lastSeenAt ?? null,
    online: isOnline(panel, now),
  },
  keypadLockedUntil: panel.keypadLockedUntil && Date.parse(panel.keypadLockedUntil) > now.getTime() ? panel.keypadLockedUntil : null,
});

/**
 * The panel id and property behind an IoT thing name (a message's topic). A panel's
 * property never changes, so the mapping is cached per container (no read per message
 * once warm). Only the mapping: whether the panel still exists is its record's to say,
 * read with every message (panelById, or alongside a claim's reads), so a decommissioned
 * panel stops at once even where its mapping is cached.
 */
export async function panelRefById(stores: Stores, panelId: string): Promise<PanelRef | undefined> {
  let propertyId = panelProperties.get(panelId);
  if (!propertyId) {
    propertyId = await stores.panelRecords.propertyOf(panelId);
    if (!propertyId) return undefined;
    panelProperties.set(panelId, propertyId);
  }
  return { id: panelId, propertyId };
}
const panelProperties = new BoundedCache<string, string>(10_000);

/** Resolves the panel behind an IoT thing name, wherever its property is; undefined when unknown or decommissioned. */
export async function panelById(stores: Stores, panelId: string): Promise<Panel | undefined> {
  const ref = await panelRefById(stores, panelId);
  return ref && stores.panelRecords.get(ref);
}

export async function loadPanel(stores: Stores, propertyId: string, panelId: string): Promise<Panel> {
  const panel = await stores.panelRecords.get({ id: panelId, propertyId });
  if (!panel) throw notFound('No such panel');
  return panel;
}

/** Creates the panel and its IoT identity; the connection material is returned once and never stored. */
export async function createPanel(stores: Stores, provisioner: PanelProvisioner, caller: Caller, propertyId: string, input: { name: string; kind: PanelKind }) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const panel: Panel = { id: `panel-${ulid().toLowerCase()}`, propertyId, name: input.name, kind: input.kind, createdAt: stores.now().toISOString() };
  const { connection, certificate } = await provisioner.provision(panel.id, propertyId);
  await stores.table
    .transact([...stores.panelRecords.add({ ...panel, certificate }), auditEntry(stores, propertyId, caller.userId, 'panel.created', { type: 'panel', id: panel.id })])
    .catch(async (error: unknown) => {
      // Without its records nobody could decommission it: an identity whose records failed is taken back.
      await provisioner.decommission(panel.id, certificate).catch(() => {});
      throw error;
    });
  const head = await loadSetHead(stores, propertyId);
  await stores.panels.setDesired(panel.id, CREDENTIALS_SHADOW, { ...(await desiredCredentials(stores, propertyId, head)) });
  // The stage's topic root travels with the connection material: the panel's topics live under it.
  return { ...view(panel, head.version, stores.now()), connection: { ...connection, topicRoot: PANEL_TOPIC_ROOT } };
}

/**
 * Decommissions a panel (lost, stolen, replaced): its certificate is deactivated
 * first (in AWS and locally its connections close and it cannot connect again),
 * then the thing goes, then the panel's records: it leaves every sync list, and
 * anything it still sends is dropped as coming from an unknown panel. A retry after
 * a failure picks up where it stopped.
 */
export async function decommissionPanel(stores: Stores, provisioner: PanelProvisioner, caller: Caller, propertyId: string, panelId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const panel = await loadPanel(stores, propertyId, panelId);
  await provisioner.decommission(panel.id, panel.certificate);
  await stores.table.transact([...stores.panelRecords.remove(panel), auditEntry(stores, propertyId, caller.userId, 'panel.decommissioned', { type: 'panel', id: panel.id })]);
}

export async function getPanel(stores: Stores, caller: Caller, propertyId: string, panelId: string): Promise<PanelView> {
  await requireRole(stores, caller, propertyId, managers);
  const [panel, head] = await Promise.all([loadPanel(stores, propertyId, panelId), loadSetHead(stores, propertyId)]);
  return view(panel, head.version, stores.now());
}

export async function listPanels(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<PanelView>> {
  await requireRole(stores, caller, propertyId, managers);
  const [page, head] = await Promise.all([stores.panelRecords.page(propertyId, limit, cursor), loadSetHead(stores, propertyId)]);
  return { items: page.items.map((p) => view(p, head.version, stores.now())), nextCursor: page.nextCursor };
}

/** A heartbeat moves lastSeenAt and the reported set version forward, never back (messages can arrive late). */
export async function recordHeartbeat(stores: Stores, panel: Panel, beat: Heartbeat) {
  await noteOfflineGap(stores, panel);
  const at = new Date(Math.min(Date.parse(beat.at), stores.now().getTime())).toISOString();
  await stores.panelRecords.recordHeartbeat(panel, {
    at,
    heardAt: stores.now().toISOString(),
    version: beat.credentials.version,
    digest: beat.credentials.digest,
    keypadLockedUntil: beat.keypadLockedUntil ?? null,
  });
}

/**
 * Panel health for the gauges (functions/http/observability.ts PANEL_METRICS): panels once seen
 * and silent for longer than `offlineAfterMs`, and online panels that hold an older credential
 * set than `desiredVersion` (the property's head).
 */
export function panelHealth(panels: Panel[], desiredVersion: number, now: Date, offlineAfterMs: number) {
  let offline = 0;
  let lagging = 0;
  for (const panel of panels) {
    if (panel.lastSeenAt === undefined) continue; // never installed yet: not "offline"
    if (now.getTime() - Date.parse(panel.lastSeenAt) > offlineAfterMs) offline++;
    else if (isOnline(panel, now) && (panel.reportedVersion ?? -1) < desiredVersion) lagging++;
  }
  return { offline, lagging };
}

/**
 * An AWS IoT lifecycle event (connected/disconnected) for the panel: its connection state as
 * AWS saw it, kept apart from the heartbeat fields (offline claims rely on those). Events can
 * arrive out of order; the newer one wins, and only it writes its panel.online / panel.offline webhook event.
 */
export async function recordPresence(stores: Stores, panel: Panel, presence: { connected: boolean; at: string; disconnectReason?: string }) {
  const webhook = await webhookEventWrites(
    stores,
    panel.propertyId,
    presence.connected ? 'panel.online' : 'panel.offline',
    { panelId: panel.id, at: presence.at, ...(presence.disconnectReason ? { disconnectReason: presence.disconnectReason } : {}) },
    stores.now(),
  );
  await stores.panelRecords.recordPresence(panel, { ...presence, disconnectReason: presence.disconnectReason ?? null }, webhook);
}

/**
 * When the cloud last heard from the panel (its own clock, not the panel's), and the
 * last offline period it saw: from the last heartbeat before a silence longer than
 * OFFLINE_AFTER_SECONDS to the heartbeat that ended it. Offline claims must fall in
 * such a period (pass-claims.ts), so a panel cannot backdate one at will.
 */
async function noteOfflineGap(stores: Stores, panel: Panel) {
  const now = stores.now();
  const gapBefore = new Date(now.getTime() - OFFLINE_AFTER_SECONDS * 1000).toISOString();
  // Only a silence can end here; the panel as read may be stale, the repository's condition decides.
  if (!panel.heardAt || panel.heardAt < gapBefore) await stores.panelRecords.endSilence(panel, now.toISOString(), gapBefore);
}

export type SyncState = 'setting' | 'set' | 'removing' | 'removed';

/** "Is this code on that door yet?", from the version that last changed the credential and each panel's reported version. */
export async function credentialSync(stores: Stores, propertyId: string, credentialId: string, active: boolean, opts: { claimedInCloud?: boolean; doors?: DoorLimits } = {}) {
  // A single-use pass the panels do not hold (offline policy deny) works, or stops working,
  // at every connected door the moment it is committed: each door asks the cloud.
  if (opts.claimedInCloud) {
    const panels = await stores.panelRecords.all(propertyId);
    const now = stores.now();
    const done: SyncState = active ? 'set' : 'removed';
    return { state: done, claimedInCloud: true, panels: panels.map((panel) => ({ panelId: panel.id, state: isOnline(panel, now) ? done : 'offline', since: null })) };
  }
  const [changed, panels] = await Promise.all([stores.credentialSets.record(propertyId, credentialId), stores.panelRecords.all(propertyId)]);
  const now = stores.now();
  // The last change, if it is the one asked about (set vs removed).
  const settled = changed !== undefined && (changed.op === 'set') === active ? changed : undefined;
  const states = panels.map((panel) => {
    // A credential limited to other doors is to be removed from (or never reach) this panel: removing, then removed.
    const here = active && entryOpens(opts.doors, panel);
    const pending: SyncState = here ? 'setting' : 'removing';
    const done: SyncState = here ? 'set' : 'removed';
    const reached = settled !== undefined && (panel.reportedVersion ?? -1) >= settled.version;
    const state = !isOnline(panel, now) ? 'offline' : reached ? done : pending;
    // `since`: when the change was made, or (once reached) the heartbeat that confirmed it.
    return { panelId: panel.id, state, since: reached ? (panel.lastSeenAt ?? null) : settled ? settled.changedAt : null };
  });
  const online = states.filter((s) => s.state !== 'offline');
  const done = active ? 'set' : 'removed';
  return { state: online.length > 0 && online.every((s) => s.state === 'set' || s.state === 'removed') ? done : active ? 'setting' : 'removing', panels: states };
}
