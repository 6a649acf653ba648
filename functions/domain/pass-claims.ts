import type { PanelRequest } from '../../iot/protocol/messages.ts';
import { auditEntry } from './audit.ts';
import { passStatus, type DeliveryPassItem } from './delivery-passes.ts';
import { notificationsFor } from './notifications.ts';
import { loadProperty } from './property-record.ts';
import { attempt } from './transactions.ts';
import { webhookEventWrites } from './webhook-events.ts';
import { enabledSubscriptions } from './webhooks.ts';
import type { Panel, PanelRef, Write } from './records.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import type { Stores } from './stores.ts';

type ClaimRequest = Extract<PanelRequest, { op: 'pass.claim' }>;
export interface ClaimResult {
  decision: 'granted' | 'denied';
  reason?: string;
  credentialId?: string;
}

/** Cloud-side keypad throttle: claims per panel per minute (the panel also locks its keypad). */
export const MAX_CLAIMS_PER_PANEL_MINUTE = 120;
/**
 * Codes a panel asks about that match no pass, per panel per window. An honest panel
 * locks its keypad after 5 wrong codes in 5 minutes; a stolen one guessing through
 * the cloud gets this many per window, which puts pass codes out of its reach
 * (docs/security.md has the numbers).
 */
export const MAX_UNKNOWN_CODES_PER_PANEL_WINDOW = 10;
export const UNKNOWN_CODE_WINDOW_SECONDS = 5 * 60;

async function overClaimLimit(stores: Stores, panel: PanelRef): Promise<boolean> {
  const minute = Math.floor(stores.now().getTime() / 60_000);
  return (await stores.throttles.countClaim(panel, minute, minute * 60 + 600)) > MAX_CLAIMS_PER_PANEL_MINUTE;
}

const unknownCodeWindow = (stores: Stores) => Math.floor(stores.now().getTime() / (UNKNOWN_CODE_WINDOW_SECONDS * 1000));

/**
 * A typed code the panel does not hold (under the deny policy panels hold no passes):
 * the cloud resolves it through the code's sentinel. Only delivery passes are
 * claimable this way; anything else is an unknown code, and counts against the
 * panel's budget of unknown codes.
 *
 * Two serial round trips: every read at once (panel, throttle, budget, sentinel,
 * property), then the redemption, conditional on the pass being active and unexpired
 * (so it needs no read of the pass first), which also gives the budget slot back.
 */
async function claimByCode(stores: Stores, ref: PanelRef, request: ClaimRequest & { code: string }, record: Promise<Panel | undefined>): Promise<ClaimResult | undefined> {
  const window = unknownCodeWindow(stores);
  // Every code asked about takes a slot first (atomically, so parallel guesses cannot overdraw);
  // only a grant gives it back.
  const [panel, throttled, reserved, sentinel, { settings }] = await Promise.all([
    record,
    overClaimLimit(stores, ref),
    stores.throttles.takeUnknownCodeSlot(ref, window, MAX_UNKNOWN_CODES_PER_PANEL_WINDOW, (window + 2) * UNKNOWN_CODE_WINDOW_SECONDS),
    stores.codes.holder(ref.propertyId, stores.vault.codeKey(ref.propertyId, request.code)),
    loadProperty(stores, ref.propertyId),
  ]);
  if (!panel) return undefined;
  if (throttled || !reserved) return { decision: 'denied', reason: 'throttled' };
  if (sentinel?.credentialType !== 'delivery-pass') return { decision: 'denied', reason: 'unknown-code' };
  const giveBack = stores.throttles.unknownCodeSlotBack(ref, window);
  const credentialId = sentinel.credentialId;
  // Offline claims are judged against the pass as stored (its creation time, the panel's offline period).
  const pass = request.offline ? await stores.passes.get('delivery-pass', ref.propertyId, credentialId) : undefined;
  const result = request.offline
    ? await judge(stores, panel, request, credentialId, pass, settings, [giveBack])
    : await redeem(stores, panel, request, credentialId, settings, [giveBack], sentinel.ownerResidentId);
  // A grant that did not redeem now (the same attempt again, a grace re-entry) gives the slot back on its own.
  if (result.decision === 'granted' && !result.redeemed) await stores.throttles.giveBackUnknownCodeSlot(ref, window);
  return { decision: result.decision, reason: result.reason, credentialId: result.credentialId };
}

/** How far an offline claim's time may stray from the offline period the cloud saw (clock drift, a claim re-sent a little late). */
export const OFFLINE_CLAIM_SLACK_SECONDS = 5 * 60;
/** Offline grants older than this are not reconciled as redemptions (a panel that was away longer resyncs first). */
export const OFFLINE_CLAIM_MAX_AGE_SECONDS = 72 * 3600;

/**
 * Whether an offline claim's time is believable: not older than the maximum age,
 * and inside the panel's current silence (since the cloud last heard from it) or
 * its last offline period as the cloud recorded it, give or take the slack. A stolen
 * or confused panel cannot redeem a pass "last week", before it expired.
 */
export function plausibleOfflineTime(panel: Pick<Panel, 'heardAt' | 'offlineFrom' | 'onlineSince'>, at: number, now: number): boolean {
  const slack = OFFLINE_CLAIM_SLACK_SECONDS * 1000;
  if (Number.isNaN(at) || at > now + slack || now - at > OFFLINE_CLAIM_MAX_AGE_SECONDS * 1000) return false;
  // A panel must have synced (and so heartbeated) to hold a pass at all: never heard, never offline with one.
  if (!panel.heardAt) return false;
  if (at >= Date.parse(panel.heardAt) - slack) return true;
  return panel.offlineFrom !== undefined && panel.onlineSince !== undefined && at >= Date.parse(panel.offlineFrom) - slack && at <= Date.parse(panel.onlineSince) + slack;
}

/** What a claim gets from a pass that is no longer active (or that this attempt already won). */
function settled(pass: DeliveryPassItem, request: ClaimRequest, now: Date): ClaimResult {
  const credentialId = pass.id;
  // The same attempt again (its reply was lost): the same answer, not "already used".
  if (pass.status === 'used' && pass.attemptId === request.attemptId) return { decision: 'granted', credentialId };
  if (pass.status === 'used' && pass.graceUntil && now.getTime() < Date.parse(pass.graceUntil)) return { decision: 'granted', reason: 'grace-reentry', credentialId };
  const status = passStatus(pass, now);
  return { decision: 'denied', reason: status === 'used' ? 'already-used' : status, credentialId };
}

/**
 * Invariant 2: a single-use pass opens a door once, across every panel, under any
 * concurrency. The redemption is one conditional write (active -> used, before
 * expiry); every other claim reads the winner's record. Offline panels that let a
 * courier in under 'allow-once-and-reconcile' claim afterwards with the time of
 * entry; a pass that was used twice that way is put on the audit trail.
 */
export async function claimPass(stores: Stores, panel: PanelRef, request: ClaimRequest, record = stores.panelRecords.get(panel)): Promise<ClaimResult | undefined> {
  // The webhook subscriptions a redemption checks are a cached read: started with the first round, not after it.
  void enabledSubscriptions(stores, panel.propertyId).catch(() => []);
  if (request.code !== undefined) return claimByCode(stores, panel, { ...request, code: request.code }, record);
  // The message schema requires exactly one of code and credentialId.
  if (request.credentialId === undefined) throw new Error('pass claim: neither code nor credentialId');
  return claimById(stores, panel, request, request.credentialId, record);
}

/** Two serial round trips: every read at once (panel, throttle, pass, property), then the redemption. */
async function claimById(stores: Stores, ref: PanelRef, request: ClaimRequest, credentialId: string, record: Promise<Panel | undefined>): Promise<ClaimResult | undefined> {
  // Every claim counts against the panel's budget, offline ones too (a panel decides what it calls offline).
  const [panel, throttled, pass, { settings }] = await Promise.all([
    record,
    overClaimLimit(stores, ref),
    stores.passes.get('delivery-pass', ref.propertyId, credentialId),
    loadProperty(stores, ref.propertyId),
  ]);
  if (!panel) return undefined;
  if (throttled) return { decision: 'denied', reason: 'throttled', credentialId };
  const { redeemed: _, ...result } = await judge(stores, panel, request, credentialId, pass, settings, []);
  return result;
}

type Judged = ClaimResult & { redeemed?: boolean };

/** The decision on a pass as read: refused offline claims and passes no longer active are answered here, the rest redeemed. */
async function judge(
  stores: Stores,
  panel: Panel,
  request: ClaimRequest,
  credentialId: string,
  pass: DeliveryPassItem | undefined,
  settings: PropertySettings,
  alsoWrite: Write[],
): Promise<Judged> {
  if (pass?.type !== 'delivery-pass') return { decision: 'denied', reason: 'unknown-pass', credentialId };
  const now = stores.now();
  if (request.offline) {
    const refused =
      settings.offlinePassPolicy !== 'allow-once-and-reconcile'
        ? 'offline-not-allowed'
        : !plausibleOfflineTime(panel, Date.parse(request.at), now.getTime()) || Date.parse(request.at) < Date.parse(pass.createdAt)
          ? 'implausible-offline-time'
          : undefined;
    if (refused) {
      await stores.table.transact([
        auditEntry(stores, panel.propertyId, `panel:${panel.id}`, 'delivery-pass.offline-entry-refused', { type: 'delivery-pass', id: pass.id }, settings.auditRetentionDays),
      ]);
      return { decision: 'denied', reason: refused, credentialId };
    }
  }
  // An offline panel decided at the time of entry; judge expiry by that time (bounded above).
  const usedAt = request.offline ? new Date(Math.min(Date.parse(request.at), now.getTime())) : now;
  if (pass.status !== 'active' || passStatus(pass, usedAt) !== 'active') return answerSettled(stores, panel, request, pass, now);
  return redeem(stores, panel, request, credentialId, settings, alsoWrite, pass.residentId);
}

/**
 * `pass-used` for the resident who made the pass, per their `notify.deliveries`: queued with the
 * redemption, so only the claim that turns the pass used writes it (a retried or replayed claim
 * reads the winner's record and writes nothing). Passes made by staff notify no one.
 */
async function passUsedNotifications(stores: Stores, propertyId: string, ownerResidentId: string | undefined, passId: string, eventId: string): Promise<Write[]> {
  const owner = ownerResidentId ? await stores.callees.get(propertyId, ownerResidentId) : undefined;
  if (!owner) return [];
  return notificationsFor(propertyId, owner, 'pass-used', { passId, accessEventId: eventId }, stores.now()).map((n) => stores.notifications.queue(n));
}

/**
 * The redemption: one conditional write (active -> used, before expiry) with its audit
 * record, the owner's `pass-used` notifications and `alsoWrite`. Wins or reads the winner's
 * record to answer from it. A resident's pass costs one more round trip (their record).
 */
async function redeem(
  stores: Stores,
  panel: Panel,
  request: ClaimRequest,
  credentialId: string,
  settings: PropertySettings,
  alsoWrite: Write[],
  ownerResidentId: string | undefined,
): Promise<Judged> {
  const notifications = await passUsedNotifications(stores, panel.propertyId, ownerResidentId, credentialId, request.eventId);
  const now = stores.now();
  const usedAt = request.offline ? new Date(Math.min(Date.parse(request.at), now.getTime())) : now;
  // delivery-pass.used, only with the redemption that wins (a replayed claim writes nothing).
  const webhook = await webhookEventWrites(
    stores,
    panel.propertyId,
    'delivery-pass.used',
    { passId: credentialId, accessEventId: request.eventId, panelId: panel.id, usedAt: usedAt.toISOString(), offline: request.offline ?? false },
    now,
  );
  const graceUntil = settings.passGraceMinutes > 0 ? new Date(usedAt.getTime() + settings.passGraceMinutes * 60_000).toISOString() : undefined;
  const failed = await attempt(() =>
    stores.table.transact([
      stores.passes.redeem(panel.propertyId, credentialId, {
        usedAt: usedAt.toISOString(),
        eventId: request.eventId,
        attemptId: request.attemptId,
        panelId: panel.id,
        offline: request.offline ?? false,
        graceUntil,
      }),
      auditEntry(
        stores,
        panel.propertyId,
        `panel:${panel.id}`,
        request.offline ? 'delivery-pass.redeemed-offline' : 'delivery-pass.redeemed',
        { type: 'delivery-pass', id: credentialId },
        settings.auditRetentionDays,
      ),
      ...notifications,
      ...webhook,
      ...alsoWrite,
    ]),
  );
  if (failed < 0) return { decision: 'granted', credentialId, redeemed: true };
  // Lost a race (the winner's record answers), or (by code, not read before) the pass was not active.
  const current = await stores.passes.get('delivery-pass', panel.propertyId, credentialId);
  if (current?.type !== 'delivery-pass') return { decision: 'denied', reason: 'unknown-pass', credentialId };
  return settled(current, request, now);
}

/** A claim of a pass that is not active (any more): the settled answer; an offline entry denied goes on the audit trail. */
async function answerSettled(stores: Stores, panel: Panel, request: ClaimRequest, pass: DeliveryPassItem, now: Date): Promise<Judged> {
  const result = settled(pass, request, now);
  if (request.offline && result.decision === 'denied') {
    await stores.table.transact([auditEntry(stores, panel.propertyId, `panel:${panel.id}`, 'delivery-pass.offline-entry-refused', { type: 'delivery-pass', id: pass.id })]);
  }
  return result;
}
