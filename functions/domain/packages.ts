import { ulid } from 'ulid';
import type { AccessEvent } from '../../iot/protocol/messages.ts';
import type { AccessEventRecord } from './access-events.ts';
import { managers, requireRole } from './access.ts';
import type { Callee } from './call-records.ts';
import type { Caller } from './caller.ts';
import { conflict, invalid, notFound } from './errors.ts';
import { notificationsFor } from './notifications.ts';
import { loadProperty } from './property-record.ts';
import { type PackageRecord, type PackageStatus, type PackageView, unitKey } from './package-records.ts';
import type { Page, Panel, Write } from './records.ts';
import type { Stores } from './stores.ts';
import { attempt } from './transactions.ts';
import { webhookEventWrites } from './webhook-events.ts';

/*
 * Packages in the package room (seed 001) and at the front desk. A package-room panel's Finish
 * is an access event carrying `delivery`; its pickup one carrying `pickup` (panel protocol 1.2).
 * Both are written IN THE EVENT'S TRANSACTION (access-events.ts recordAccessEvent): an event is
 * recorded once per id, so a replayed or re-sent event delivers, notifies and picks up nothing twice.
 *
 * One record per recipient with its `count` (the contract's item has `count`): "3 packages for 4B"
 * is one record of count 3, and one `package-delivered` per channel the resident chose.
 * A unit nobody lives in (a typo at the panel, a resident not yet moved in): the package is still
 * recorded, awaiting pickup with `residentId: null` and `unknownUnit: true`, so staff see it in
 * GET .../packages and can hand it over; nobody is notified.
 */

export type { PackageRecord, PackageStatus, PackageView } from './package-records.ts';

/** A transaction holds at most 100 writes; the access event takes one, its access.* webhook event another. */
const MAX_WRITES = 98;

const plusHours = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3600_000).toISOString();

export type Warn = (message: string, detail: Record<string, unknown>) => void;

interface NewPackage {
  id: string;
  propertyId: string;
  unit: string;
  /** A resident the deliverer or staff picked (panel: the directory line's target id). */
  targetId?: string;
  count: number;
  deliveredAt: string;
  deliveryEventId: string | null;
  panelId?: string;
  carrier?: string;
  loggedBy?: string;
}

/**
 * A new awaiting package and its `package-delivered` notifications: the picked resident's, or
 * every resident's of the unit. `strict`: a picked resident who is not of that unit is refused
 * (the API); at a panel the unit wins and the pick is dropped (the Finish already happened).
 */
async function newPackage(
  stores: Stores,
  input: NewPackage,
  reminderHours: number,
  strict: boolean,
  warn?: Warn,
): Promise<{ record: PackageRecord; writes: Write[]; packageWrites: number }> {
  const residents = await stores.callees.ofUnit(input.propertyId, input.unit);
  let picked: Callee | undefined;
  if (input.targetId !== undefined) {
    picked = residents.find((r) => r.residentId === input.targetId);
    if (!picked && strict) throw invalid('That resident does not live in that unit', [{ path: 'residentId', message: 'must be a resident living in the unit' }]);
    if (!picked) warn?.('package recipient not of the unit: the unit is notified', { packageId: input.id });
  }
  const record: PackageRecord = {
    id: input.id,
    propertyId: input.propertyId,
    unit: residents[0]?.unit ?? input.unit.normalize('NFC').trim(),
    residentId: picked?.residentId ?? null,
    count: input.count,
    status: 'awaiting-pickup',
    deliveredAt: input.deliveredAt,
    deliveryEventId: input.deliveryEventId,
    ...(input.panelId !== undefined ? { panelId: input.panelId } : {}),
    ...(input.carrier !== undefined ? { carrier: input.carrier } : {}),
    ...(input.loggedBy !== undefined ? { loggedBy: input.loggedBy } : {}),
    ...(residents.length === 0 ? { unknownUnit: true } : {}),
  };
  if (residents.length === 0) warn?.('package for a unit nobody lives in: recorded unassigned', { packageId: input.id });
  const now = stores.now();
  const about = { packageIds: [record.id], ...(input.deliveryEventId ? { accessEventId: input.deliveryEventId } : {}) };
  const notifications = (picked ? [picked] : residents).flatMap((r) => notificationsFor(input.propertyId, r, 'package-delivered', about, now));
  // package.delivered goes with the package (never cut): ids and counts only.
  const webhook = await webhookEventWrites(
    stores,
    input.propertyId,
    'package.delivered',
    {
      packageId: record.id,
      unit: record.unit,
      count: record.count,
      residentId: record.residentId,
      deliveryEventId: record.deliveryEventId,
      ...(record.panelId ? { panelId: record.panelId } : {}),
    },
    now,
  );
  const packageWrites = [...stores.packages.add(record, plusHours(record.deliveredAt, reminderHours)), ...webhook];
  return { record, writes: [...packageWrites, ...notifications.map((n) => stores.notifications.queue(n))], packageWrites: packageWrites.length };
}

/** The delivery PIN's description or the delivery pass's note: who brought it, as staff named it. One read. */
async function carrierOf(stores: Stores, propertyId: string, event: AccessEvent): Promise<string | undefined> {
  if (!event.credentialId) return undefined;
  if (event.method === 'delivery-pin') return (await stores.deliveryPins.get(propertyId, event.credentialId))?.description;
  if (event.method === 'delivery-pass') return (await stores.passes.get('delivery-pass', propertyId, event.credentialId))?.note ?? undefined;
  return undefined;
}

/**
 * What a package-room event writes with itself (access-events.ts): a delivery's packages and
 * notifications, or a pickup's packages turning picked-up. Anything else -> nothing. A delivery or
 * pickup from another kind of panel, in a denied event, or with the wrong method is ignored with a warning.
 * Offline events count from their `at` (when it happened), unless the panel's clock was far off.
 */
export async function packageWritesFor(stores: Stores, panel: Panel, event: AccessEvent, item: AccessEventRecord, warn: Warn = () => {}): Promise<Write[]> {
  if (!event.delivery && !event.pickup) return [];
  const ignore = (reason: string) => {
    warn('package-room report ignored', { panelId: panel.id, eventId: event.eventId, reason });
    return [];
  };
  if (panel.kind !== 'package-room') return ignore('not a package-room panel');
  if (event.decision !== 'granted') return ignore('denied event');
  if (event.delivery && event.pickup) return ignore('both a delivery and a pickup');
  const at = item.clockSkew ? item.receivedAt : event.at;
  if (event.pickup) {
    if (event.method !== 'resident-pickup') return ignore('a pickup needs method resident-pickup');
    return pickupWrites(stores, panel.propertyId, event.pickup.unit, { at, eventId: event.eventId });
  }
  if (event.method === 'resident-pickup') return ignore('a delivery with method resident-pickup');
  const [{ settings }, carrier] = await Promise.all([loadProperty(stores, panel.propertyId), carrierOf(stores, panel.propertyId, event)]);
  const packages: Write[] = [];
  const notifications: Write[] = [];
  for (const [i, recipient] of (event.delivery?.recipients ?? []).entries()) {
    const { writes: mine, packageWrites } = await newPackage(
      stores,
      {
        id: `pkg_${event.eventId}_${i}`,
        propertyId: panel.propertyId,
        unit: recipient.unit,
        targetId: recipient.targetId,
        count: recipient.count,
        deliveredAt: at,
        deliveryEventId: event.eventId,
        panelId: panel.id,
        carrier,
      },
      settings.packageReminderHours,
      false,
      warn,
    );
    packages.push(...mine.slice(0, packageWrites));
    notifications.push(...mine.slice(packageWrites));
  }
  const writes = [...packages, ...notifications];
  if (writes.length > MAX_WRITES) warn('delivery notifications cut to fit one transaction', { eventId: event.eventId, writes: writes.length });
  // The packages come first (2 writes each, 10 recipients at most), so only notifications are ever cut.
  return writes.slice(0, MAX_WRITES);
}

/** The unit's packages waiting since `at` or before -> picked-up (each conditional: still waiting, delivered by then). */
async function pickupWrites(stores: Stores, propertyId: string, unit: string, pickup: { at: string; eventId?: string; by?: string }): Promise<Write[]> {
  // Two writes each and one package.picked-up: the oldest 48 fit in the event's transaction; any beyond stay waiting for staff to hand over.
  const waiting = (await stores.packages.awaiting(propertyId, unit)).filter((p) => p.deliveredAt <= pickup.at).slice(0, Math.floor((MAX_WRITES - 1) / 2));
  if (waiting.length === 0) return [];
  const webhook = await webhookEventWrites(
    stores,
    propertyId,
    'package.picked-up',
    { packageIds: waiting.map((p) => p.id), unit, ...(pickup.eventId ? { pickupEventId: pickup.eventId } : {}) },
    stores.now(),
  );
  return [...waiting.flatMap((p) => stores.packages.pickUp({ propertyId, id: p.id, unit }, { ...pickup, deliveredBy: pickup.at })), ...webhook];
}

// ---- the HTTP API --------------------------------------------------------------------------

const view = ({ propertyId: _p, ...rest }: PackageRecord): PackageView => rest;

/** Packages newest first (admin, staff; a resident sees their unit's). */
export async function listPackages(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  query: { status?: PackageStatus; unit?: string; limit: number; cursor?: string },
): Promise<Page<PackageView>> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  let unit = query.unit;
  if (membership.role === 'resident') {
    if (!membership.unit) throw invalid('No resident record');
    if (unit !== undefined && unitKey(unit) !== unitKey(membership.unit)) return { items: [], nextCursor: null };
    unit = membership.unit;
  }
  const page = await stores.packages.page(propertyId, { status: query.status, unitKey: unit === undefined ? undefined : unitKey(unit), limit: query.limit, cursor: query.cursor });
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

/** Staff log a package received at the front desk: recorded and notified like a Finish at the package room. */
export async function logPackage(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  body: { unit: string; count?: number; carrier?: string; residentId?: string },
): Promise<PackageView> {
  const [membership, { settings }] = await Promise.all([requireRole(stores, caller, propertyId, managers), loadProperty(stores, propertyId)]);
  const now = stores.now();
  const { record, writes } = await newPackage(
    stores,
    {
      id: `pkg_${ulid(now.getTime())}`,
      propertyId,
      unit: body.unit,
      targetId: body.residentId,
      count: body.count ?? 1,
      deliveredAt: now.toISOString(),
      deliveryEventId: null,
      carrier: body.carrier,
      loggedBy: caller.userId,
    },
    settings.packageReminderHours,
    true,
  );
  // Only while the logger is still staff here (a removal racing the log loses or is seen). The package's
  // writes come first: only notifications beyond what one transaction holds are cut.
  await stores.table.transact([stores.members.holds(membership), ...writes.slice(0, MAX_WRITES)]);
  return view(record);
}

/** Staff hand a waiting package over (POST .../picked-up): 409 when it is not waiting any more. */
export async function handOverPackage(stores: Stores, caller: Caller, propertyId: string, packageId: string): Promise<PackageView> {
  await requireRole(stores, caller, propertyId, managers);
  const found = await stores.packages.get(propertyId, packageId);
  if (!found) throw notFound('No such package');
  if (found.status === 'picked-up') throw conflict('The package was picked up already', 'package-picked-up');
  const at = stores.now().toISOString();
  const webhook = await webhookEventWrites(stores, propertyId, 'package.picked-up', { packageIds: [found.id], unit: found.unit, handedOverBy: caller.userId }, stores.now());
  const failed = await attempt(() => stores.table.transact([...stores.packages.pickUp(found, { at, by: caller.userId }), ...webhook]));
  if (failed >= 0) throw conflict('The package was picked up already', 'package-picked-up');
  return view({ ...found, status: 'picked-up', pickedUpAt: at, handedOverBy: caller.userId });
}

// ---- the reminder --------------------------------------------------------------------------

/**
 * The schedule (reconcile): every package waiting past its reminder time gets ONE `package-reminder`
 * (the resident picked, or the unit's residents), queued in the same conditional transaction that
 * sets `remindedAt` (only while waiting and not yet reminded), so two sweeps never both remind.
 * The reminder time is fixed when the package is delivered; a longer `packageReminderHours` set
 * later moves a waiting package's reminder out, a shorter one applies to packages delivered after.
 */
export async function sendPackageReminders(stores: Stores): Promise<number> {
  const now = stores.now();
  const hours = new Map<string, Promise<number>>();
  const reminderHours = (propertyId: string) => {
    if (!hours.has(propertyId))
      hours.set(
        propertyId,
        loadProperty(stores, propertyId).then((p) => p.settings.packageReminderHours),
      );
    return hours.get(propertyId) as Promise<number>;
  };
  let reminded = 0;
  for (const ref of await stores.packages.remindersDue(now.toISOString())) {
    const pkg = await stores.packages.get(ref.propertyId, ref.id);
    if (pkg?.status !== 'awaiting-pickup' || pkg.remindedAt) continue;
    const dueAt = plusHours(pkg.deliveredAt, await reminderHours(pkg.propertyId));
    if (dueAt > now.toISOString()) {
      await stores.packages.remindLater(pkg, dueAt);
      continue;
    }
    const picked = pkg.residentId ? await stores.callees.get(pkg.propertyId, pkg.residentId) : undefined;
    const residents = picked ? [picked] : await stores.callees.ofUnit(pkg.propertyId, pkg.unit);
    const notifications = residents.flatMap((r) => notificationsFor(pkg.propertyId, r, 'package-reminder', { packageIds: [pkg.id] }, now)).slice(0, MAX_WRITES);
    const writes = [stores.packages.reminded(pkg, now.toISOString()), ...notifications.map((n) => stores.notifications.queue(n))];
    if ((await attempt(() => stores.table.transact(writes))) < 0) reminded++;
  }
  return reminded;
}
