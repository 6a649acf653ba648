import { ulid } from 'ulid';
import { invalid } from './errors.ts';
import type { Caller } from './caller.ts';
import type { AccessEvent } from '../../iot/protocol/messages.ts';
import { managers, requireRole } from './access.ts';
import { loadProperty } from './property-record.ts';
import type { Panel } from './panels.ts';
import type { Page } from './records.ts';
import type { Stores } from './stores.ts';
import { packageWritesFor, type Warn } from './packages.ts';
import { attempt } from './transactions.ts';
import { visitorArrival } from './visitor-passes.ts';
import { webhookEventWrites } from './webhook-events.ts';

export interface AccessEventView {
  id: string;
  at: string;
  panelId: string;
  method: AccessEvent['method'];
  decision: AccessEvent['decision'];
  reason?: string;
  credentialId?: string;
  commandId?: string;
  offline?: boolean;
  /** The panel's clock was far off when it sent this: `at` is more than 5 minutes ahead of, or more than the offline window behind, when the cloud received it. */
  clockSkew?: boolean;
  /** `at` minus the time received, in seconds (set when clockSkew is). */
  clockSkewSeconds?: number;
  photoUrl?: string;
}

/** A panel's clock may run this far ahead before its events are flagged. */
const MAX_AHEAD_SECONDS = 5 * 60;
/** How long a panel may hold events while offline before uploading them; older is flagged. */
export const OFFLINE_WINDOW_SECONDS = 7 * 86400;

/** An access event as kept (with `photoKey`, where the photo lives, instead of a URL). */
export interface AccessEventRecord extends Omit<AccessEventView, 'photoUrl'> {
  photoKey?: string;
  receivedAt: string;
}

/** Where a panel's photo for an event lives: under the property and the panel, so a panel can only write its own. */
export const photoKeyFor = (panel: Pick<Panel, 'propertyId' | 'id'>, eventId: string) => `photos/${panel.propertyId}/${panel.id}/${eventId}.jpg`;

export type Recorded = 'recorded' | 'duplicate' | 'rejected';

/**
 * Stores an access event from a panel, exactly once per event id: a panel that
 * re-sends after a lost PUBACK or a crash does not count twice. Kept for the
 * property's photo retention (DynamoDB TTL; the photo goes with it).
 */
export async function recordAccessEvent(stores: Stores, panel: Panel, event: AccessEvent, onRecorded?: (item: AccessEventRecord) => Promise<void>, warn?: Warn): Promise<Recorded> {
  // A panel may only point at the photo it was given an upload URL for.
  if (event.photoKey !== undefined && event.photoKey !== photoKeyFor(panel, event.eventId)) return 'rejected';
  const { settings } = await loadProperty(stores, panel.propertyId);
  const received = stores.now();
  const skewSeconds = Math.round((Date.parse(event.at) - received.getTime()) / 1000);
  const clockSkew = skewSeconds > MAX_AHEAD_SECONDS || skewSeconds < -OFFLINE_WINDOW_SECONDS;
  const item: AccessEventRecord = {
    id: event.eventId,
    at: event.at,
    panelId: panel.id,
    method: event.method,
    decision: event.decision,
    reason: event.reason,
    credentialId: event.credentialId,
    commandId: event.commandId,
    offline: event.offline,
    photoKey: event.photoKey,
    receivedAt: received.toISOString(),
    ...(clockSkew ? { clockSkew: true, clockSkewSeconds: skewSeconds } : {}),
  };
  // Retention counts from when the cloud received the event, never from the panel's
  // clock: a panel reset to 2000 must not write events (and photos) TTL deletes at once.
  const expiresAtEpoch = Math.floor(received.getTime() / 1000) + settings.photoRetentionDays * 86400;
  if (!(await commitEvent(stores, panel, event, item, expiresAtEpoch, warn))) return 'duplicate';
  await onRecorded?.(item);
  return 'recorded';
}

/**
 * The event and what it causes, in ONE transaction, so a replay (the same event id) causes nothing
 * twice: a package-room delivery or pickup (packages.ts), a visitor's first entry (visitor-passes.ts
 * visitorArrival: the inviting resident is told). An event that causes nothing is a single
 * conditional put. False when an event with its id was recorded already.
 */
async function commitEvent(stores: Stores, panel: Panel, event: AccessEvent, item: AccessEventRecord, keepUntil: number, warn?: Warn): Promise<boolean> {
  for (let tries = 1; ; tries++) {
    const effects = (
      await Promise.all([packageWritesFor(stores, panel, event, item, warn), visitorArrival(stores, panel.propertyId, event), accessWebhook(stores, panel, item)])
    ).flat();
    if (effects.length === 0) return stores.accessEvents.add(panel.propertyId, item, keepUntil);
    const failed = await attempt(() => stores.table.transact([stores.accessEvents.record(panel.propertyId, item, keepUntil), ...effects]));
    if (failed < 0) return true;
    if (failed === 0) return false;
    // A package changed meanwhile (handed over at the desk), or another entry was the visitor's first: read again. The IoT rule retries a throw.
    if (tries >= 3) throw new Error('access event: its package writes kept conflicting');
  }
}

/** access.granted / access.denied for webhooks: ids and facts, never the code or the photo. */
function accessWebhook(stores: Stores, panel: Panel, item: AccessEventRecord) {
  const data = {
    accessEventId: item.id,
    panelId: panel.id,
    at: item.at,
    method: item.method,
    decision: item.decision,
    ...(item.reason ? { reason: item.reason } : {}),
    ...(item.credentialId ? { credentialId: item.credentialId } : {}),
    ...(item.offline ? { offline: true } : {}),
  };
  return webhookEventWrites(stores, panel.propertyId, item.decision === 'granted' ? 'access.granted' : 'access.denied', data, stores.now());
}

const isoOrUndefined = (value: string | undefined, field: string) => {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  // The schema bounds it to 2000..2199; ULIDs cannot encode anything before 1970 at all.
  if (Number.isNaN(t) || t < Date.UTC(2000, 0, 1) || t >= Date.UTC(2200, 0, 1))
    throw invalid(`${field} is not a usable time`, [{ path: field, message: 'must be an ISO-8601 time between the years 2000 and 2199' }]);
  return t;
};

/** Access events newest first, with a short-lived photo URL for each grant. */
export async function listAccessEvents(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  query: { from?: string; to?: string; panelId?: string; limit: number; cursor?: string },
): Promise<Page<AccessEventView>> {
  await requireRole(stores, caller, propertyId, managers);
  const from = isoOrUndefined(query.from, 'from');
  const to = isoOrUndefined(query.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]);
  // Event ids are ULIDs: their first 10 characters are the time, so a time range is a key range.
  const fromId = from !== undefined ? ulid(from).slice(0, 10) : '';
  const toId = to !== undefined ? `${ulid(to).slice(0, 10)}ZZZZZZZZZZZZZZZZ` : '~';
  const page = await stores.accessEvents.page(propertyId, { fromId, toId, panelId: query.panelId, limit: query.limit, cursor: query.cursor });
  const items = await Promise.all(
    page.items.map(async ({ id, at, panelId, method, decision, reason, credentialId, commandId, offline, clockSkew, clockSkewSeconds, photoKey }) => ({
      id,
      at,
      panelId,
      method,
      decision,
      reason,
      credentialId,
      commandId,
      offline,
      clockSkew,
      clockSkewSeconds,
      photoUrl: photoKey ? await stores.photos.presignGet(photoKey, 300) : undefined,
    })),
  );
  return { items, nextCursor: page.nextCursor };
}
