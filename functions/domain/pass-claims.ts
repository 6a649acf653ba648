import { keys } from '../adapters/lobby-table.ts';
import type { PanelRequest } from '../../iot/protocol/messages.ts';
import { auditEntry } from './audit.ts';
import { passStatus, type DeliveryPassItem } from './delivery-passes.ts';
import { loadProperty } from './properties.ts';
import { attempt } from './transactions.ts';
import type { Panel } from './panels.ts';
import type { Stores } from './stores.ts';

type ClaimRequest = Extract<PanelRequest, { op: 'pass.claim' }>;
export interface ClaimResult { decision: 'granted' | 'denied'; reason?: string; credentialId: string }

/** Cloud-side keypad throttle: claims per panel per minute (the panel also locks its keypad). */
export const MAX_CLAIMS_PER_PANEL_MINUTE = 120;

async function overClaimLimit(stores: Stores, panel: Panel): Promise<boolean> {
  const minute = Math.floor(stores.now().getTime() / 60_000);
  const out = await stores.table.update({
    Key: { pk: keys.property(panel.propertyId), sk: `THROTTLE#${panel.id}#${minute}` },
    UpdateExpression: 'ADD claims :one SET expiresAtEpoch = :ttl',
    ExpressionAttributeValues: { ':one': 1, ':ttl': minute * 60 + 600 },
    ReturnValues: 'UPDATED_NEW',
  });
  return (out.Attributes?.claims as number) > MAX_CLAIMS_PER_PANEL_MINUTE;
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
export async function claimPass(stores: Stores, panel: Panel, request: ClaimRequest): Promise<ClaimResult> {
  const credentialId = request.credentialId;
  if (!request.offline && (await overClaimLimit(stores, panel))) return { decision: 'denied', reason: 'throttled', credentialId };
  const key = { pk: keys.property(panel.propertyId), sk: `PASS#${credentialId}` };
  const pass = await stores.table.get<DeliveryPassItem>(key.pk, key.sk);
  if (!pass || pass.type !== 'delivery-pass') return { decision: 'denied', reason: 'unknown-pass', credentialId };
  const now = stores.now();
  // An offline panel decided at the time of entry; judge expiry by that time.
  const usedAt = request.offline ? new Date(Math.min(Date.parse(request.at), now.getTime())) : now;
  if (pass.status !== 'active' || passStatus(pass, usedAt) !== 'active') {
    const result = settled(pass, request, now);
    if (request.offline && result.decision === 'denied') {
      await stores.table.transact([auditEntry(stores, panel.propertyId, `panel:${panel.id}`, 'delivery-pass.offline-entry-refused', { type: 'delivery-pass', id: pass.id })]);
    }
    return result;
  }
  const { settings } = await loadProperty(stores, panel.propertyId);
  const graceUntil = settings.passGraceMinutes > 0 ? new Date(usedAt.getTime() + settings.passGraceMinutes * 60_000).toISOString() : undefined;
  const failed = await attempt(() => stores.table.transact([
    { Update: {
      Key: key,
      UpdateExpression: `SET #s = :used, usedAt = :usedAt, eventId = :eventId, attemptId = :attempt, usedByPanel = :panel, offlineRedemption = :offline${graceUntil ? ', graceUntil = :grace, validUntil = :grace' : ''}`,
      ConditionExpression: '#s = :active AND expiresAt > :usedAt',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':used': 'used', ':active': 'active', ':usedAt': usedAt.toISOString(), ':eventId': request.eventId, ':attempt': request.attemptId,
        ':panel': panel.id, ':offline': request.offline ?? false, ...(graceUntil ? { ':grace': graceUntil } : {}),
      },
    } },
    auditEntry(stores, panel.propertyId, `panel:${panel.id}`, request.offline ? 'delivery-pass.redeemed-offline' : 'delivery-pass.redeemed', { type: 'delivery-pass', id: pass.id }),
  ]));
  if (failed < 0) return { decision: 'granted', credentialId };
  // Lost the race: answer from the winner's record.
  const winner = await stores.table.get<DeliveryPassItem>(key.pk, key.sk);
  return settled(winner!, request, now);
}
