import { ulid } from 'ulid';
import { panelTopics } from '../../iot/protocol/topics.ts';
import type { CallState } from '../../iot/protocol/calls.ts';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { MediaSession } from './call-ports.ts';
import { unitKey, type Answerer, type Call, type CallRef, type CallStatus, type CallTarget, type Callee, type RungDevice } from './call-records.ts';
import { defaultSettings } from '../schemas/properties.ts';
import { notificationsFor } from './notifications.ts';
import { conflict, forbidden, notFound } from './errors.ts';
import { loadProperty } from './property-record.ts';
import type { Page, PanelRef } from './records.ts';
import type { Stores } from './stores.ts';
import { attempt } from './transactions.ts';
import { webhookEventWrites } from './webhook-events.ts';
import { newUnlock, sendUnlock } from './commands.ts';

/*
 * A call from a panel: ringing -> accepted | declined | missed -> ended. Every change is a
 * conditional write (adapters/call-repository.ts), so a race has one winner; every change is
 * published to the panel on its `calls` topic. The answerer is an app user (by token) or a
 * resident on the phone (the SIP media application): the same functions serve both.
 */

export type { Answerer } from './call-records.ts';

/** Staff appear in the directory as `stf_<keyed digest of the user id>` (residents: their resident id): no user id reaches a panel. */
export const STAFF_TARGET = 'stf_';
export const staffTargetId = (stores: Stores, propertyId: string, userId: string) =>
  `${STAFF_TARGET}${stores.vault.keyedDigest('staff-call-target', `${propertyId}\n${userId}`).slice(0, 32)}`;

/** The window the call.start counters count in (maxCallsPerPanel, maxCallsPerUnit). */
const CALL_WINDOW_SECONDS = 600;

/** A call as the API shows it: the record without its routing details (who was rung, the target). */
export type CallView = Pick<Call, 'id' | 'panelId' | 'status' | 'startedAt' | 'ringUntil' | 'talkUntil' | 'answeredAt' | 'endedAt' | 'answeredBy' | 'doorOpened' | 'commandId'> & {
  unit: string | null;
  staff: boolean;
  /** This resident declined (the call may still ring the unit's other residents). */
  declinedByYou?: true;
  accessEventId?: string;
  media?: MediaSession;
};

/** Past ringUntil a ringing call reads as missed, past talkUntil an accepted one as ended, even before the sweep or the panel wrote it. */
function statusAt(call: Call, now: Date): CallStatus {
  if (call.status === 'ringing' && now.getTime() >= Date.parse(call.ringUntil)) return 'missed';
  if (call.status === 'accepted' && call.talkUntil && now.getTime() >= Date.parse(call.talkUntil)) return 'ended';
  return call.status;
}

/**
 * Who answered, as this viewer may know it: managers see the answerer's id; a resident sees "you",
 * "phone" (answered on a phone call) or "another resident", never another person's user id.
 */
export type Viewer = { kind: 'manager' } | { kind: 'member'; userId: string; residentId?: string };
function answeredByFor(call: Call, viewer: Viewer): string | undefined {
  if (!call.answeredBy || viewer.kind === 'manager') return call.answeredBy;
  if (call.answeredBy === viewer.userId || (viewer.residentId && call.answeredBy === `phone:${viewer.residentId}`)) return 'you';
  return call.answeredBy.startsWith('phone:') ? 'phone' : 'another resident';
}

async function view(stores: Stores, call: Call, viewer: Viewer, extra: { media?: MediaSession } = {}): Promise<CallView> {
  const accessEventId = call.commandId ? (await stores.commands.get(call.propertyId, call.commandId))?.eventId : undefined;
  const declined = viewer.kind === 'member' && (call.declinedBy ?? []).includes(viewer.residentId ?? viewer.userId);
  return {
    id: call.id,
    panelId: call.panelId,
    unit: call.unit ?? null,
    staff: call.target.kind === 'staff',
    status: statusAt(call, stores.now()),
    startedAt: call.startedAt,
    ringUntil: call.ringUntil,
    talkUntil: call.talkUntil,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    answeredBy: answeredByFor(call, viewer),
    ...(declined ? { declinedByYou: true } : {}),
    doorOpened: call.doorOpened,
    commandId: call.commandId,
    accessEventId,
    ...extra,
  };
}

/** Tells the panel: its agent shows the state and, once the call is over, stops its media. */
async function tellPanel(stores: Stores, call: Call, status: CallStatus, extra: Partial<CallState> = {}) {
  const state: CallState = { callId: call.id, status, at: stores.now().toISOString(), ...extra };
  await stores.panels.publish(panelTopics(call.panelId).calls, state);
}

/** Tells the devices the call rang (all but `except`'s, or only `only`'s) that it changed (taken elsewhere, over): the push carries the call id only. */
async function tellDevices(stores: Stores, call: Call, except?: string, only?: string) {
  await Promise.allSettled(
    call.rung
      .filter((d) => d.userId !== except && (only === undefined || d.userId === only))
      .map(async (d) => {
        if ((await stores.push.sendCallPush(d.endpoint, { callId: call.id, propertyId: call.propertyId })) === 'gone')
          await stores.devices.remove(call.propertyId, d.userId, d.deviceId);
      }),
  );
}

/** What the panel asked for: a unit as typed, or a target id from the directory. */
export type CallRequestTarget = { unit: string } | { targetId: string };

async function resolveTarget(stores: Stores, propertyId: string, asked: CallRequestTarget): Promise<{ target: CallTarget; callees: Callee[] }> {
  if ('targetId' in asked && !asked.targetId.startsWith('res_')) {
    // A staff target is a keyed digest: the staff member whose digest it is (a handful per property).
    const staff = asked.targetId.startsWith(STAFF_TARGET) ? (await stores.members.all(propertyId)).filter((m) => m.role === 'staff' && !m.leaving) : [];
    const member = staff.find((m) => staffTargetId(stores, propertyId, m.userId) === asked.targetId);
    if (!member) throw notFound('No such staff member');
    return { target: { kind: 'staff', userId: member.userId }, callees: [] };
  }
  let unit: string | undefined;
  if ('targetId' in asked) unit = (await stores.callees.get(propertyId, asked.targetId))?.unit;
  else unit = asked.unit;
  const callees = unit ? await stores.callees.ofUnit(propertyId, unit) : [];
  const first = callees[0];
  if (!first) throw notFound('No one lives in that unit');
  return { target: { kind: 'unit', unit: first.unit }, callees };
}

/**
 * The panel's Call button: rings every device of the unit's residents who take app calls and
 * dials those who take calls on the phone; the reply gives the panel the call id, how long it
 * rings, and its MASTER media session.
 */
export async function startCall(stores: Stores, panel: PanelRef, asked: CallRequestTarget) {
  const [{ settings }, resolved] = await Promise.all([loadProperty(stores, panel.propertyId), resolveTarget(stores, panel.propertyId, asked)]);
  const now = stores.now();
  const id = `call_${ulid(now.getTime())}`;
  const appUsers = resolved.target.kind === 'staff' ? [resolved.target.userId] : resolved.callees.filter((c) => c.calls.includes('app')).map((c) => c.userId);
  // Only a phone the resident proved is theirs (phone-verification.ts): nobody makes the building ring a stranger.
  const phones = resolved.callees.filter((c) => c.calls.includes('phone') && c.phone && c.phoneVerified);
  const devices = (await Promise.all(appUsers.map((userId) => stores.devices.ofUser(panel.propertyId, userId)))).flat();
  const rung: RungDevice[] = devices.map((d) => ({ deviceId: d.id, userId: d.userId, endpoint: d.endpoint }));
  const target = resolved.target;
  // Whom it rings, by resident id (a staff member by user id): the call is declined once all of them declined.
  const rungResidents =
    target.kind === 'staff' ? [target.userId] : resolved.callees.filter((c) => phones.includes(c) || rung.some((d) => d.userId === c.userId)).map((c) => c.residentId);
  const call: Call = {
    id,
    propertyId: panel.propertyId,
    panelId: panel.id,
    target,
    ...(target.kind === 'unit' ? { unit: target.unit, unitKey: unitKey(target.unit) } : {}),
    status: 'ringing',
    startedAt: now.toISOString(),
    ringUntil: new Date(now.getTime() + settings.callRingSeconds * 1000).toISOString(),
    talkSeconds: settings.callTalkSeconds,
    doorOpened: false,
    rung,
    dialed: phones.map((c) => c.residentId),
    rungResidents,
  };
  // The media session first: no call rings that the panel could not show.
  const media = await masterSession(stores, panel.id);
  // One ringing call per panel, and so many starts per panel and per unit in 10 minutes: a stolen panel cannot ring a unit forever.
  const window = Math.floor(now.getTime() / (CALL_WINDOW_SECONDS * 1000));
  const guard = {
    now: now.toISOString(),
    window,
    keepUntil: (window + 2) * CALL_WINDOW_SECONDS,
    maxPerPanel: settings.maxCallsPerPanel,
    maxPerTarget: settings.maxCallsPerUnit,
    targetKey: target.kind === 'unit' ? unitKey(target.unit) : `staff#${target.userId}`,
  };
  const refused = await attempt(() => stores.table.transact(stores.calls.start(call, guard)));
  if (refused === 2) throw conflict('A call from this panel is still ringing: end it first', 'call-in-progress');
  if (refused === 3) throw conflict('This panel has started too many calls: try again in a few minutes', 'call-rate-limited');
  if (refused === 4) throw conflict('This unit has been called too often: try again in a few minutes', 'call-rate-limited');
  if (refused >= 0) throw conflict('The call could not start', 'call-not-started');
  // A device or a phone that cannot be reached does not stop the others ringing.
  await Promise.allSettled([
    tellDevices(stores, call),
    ...phones.map((c) => stores.phone.dial({ propertyId: call.propertyId, callId: id, residentId: c.residentId, to: c.phone ?? '' })),
  ]);
  return { callId: id, status: 'ringing' as const, ringSeconds: settings.callRingSeconds, ringUntil: call.ringUntil, rang: rung.length + phones.length, media };
}

/** The panel's MASTER session; a panel provisioned before calls existed has no channel yet: it gets one (openChannel is idempotent). */
async function masterSession(stores: Stores, panelId: string): Promise<MediaSession> {
  try {
    return await stores.media.session(panelId, 'MASTER');
  } catch {
    await stores.media.openChannel(panelId);
    return stores.media.session(panelId, 'MASTER');
  }
}

/** The call's unit, if it rang a unit, compared as units are (unitKey). */
const isUnitCall = (call: Call, unit: string | undefined) => call.target.kind === 'unit' && unit !== undefined && (call.unitKey ?? unitKey(call.target.unit)) === unitKey(unit);

/**
 * The call, for someone who may act on it: its answerer id (a user id, or `phone:<residentId>`), who they are
 * among those rung (a resident id; the staff member's user id), their user id (their app devices) and how they see the call.
 */
async function callFor(
  stores: Stores,
  answerer: Answerer,
  propertyId: string,
  callId: string,
): Promise<{ call: Call; who: string; rungAs: string; userId?: string; viewer: Viewer }> {
  if (answerer.kind === 'phone') {
    const [call, callee] = await Promise.all([stores.calls.get({ propertyId, id: callId }), stores.callees.get(propertyId, answerer.residentId)]);
    if (!call) throw notFound('No such call');
    if (!callee || !isUnitCall(call, callee.unit) || !call.dialed.includes(answerer.residentId)) throw forbidden('This call did not ring this phone');
    return {
      call,
      who: `phone:${answerer.residentId}`,
      rungAs: answerer.residentId,
      userId: callee.userId,
      viewer: { kind: 'member', userId: callee.userId, residentId: callee.residentId },
    };
  }
  const [membership, call] = await Promise.all([stores.members.get(propertyId, answerer.userId), stores.calls.get({ propertyId, id: callId })]);
  if (!membership || membership.leaving) throw notFound('No such property');
  const called = call && (call.target.kind === 'unit' ? membership.role === 'resident' && isUnitCall(call, membership.unit) : call.target.userId === answerer.userId);
  if (!call || (!called && membership.role === 'resident')) throw notFound('No such call');
  if (!called) throw forbidden("Only the called unit's residents (or the called staff member) answer this call");
  const viewer: Viewer = { kind: 'member', userId: answerer.userId, ...(membership.residentId ? { residentId: membership.residentId } : {}) };
  return { call, who: answerer.userId, rungAs: membership.residentId ?? answerer.userId, userId: answerer.userId, viewer };
}

/** After a failed transition: why, as the caller should hear it (a ring that ran out is written as missed here). */
async function refusal(stores: Stores, ref: CallRef): Promise<Error> {
  const call = await stores.calls.get(ref);
  if (call && statusAt(call, stores.now()) === 'missed' && call.status === 'ringing') await markMissed(stores, call);
  if (call && statusAt(call, stores.now()) === 'ended' && call.status === 'accepted') await endTalk(stores, call);
  const status = call ? statusAt(call, stores.now()) : 'ended';
  return conflict(`The call is ${status === 'accepted' ? 'already taken' : status}`, `call-${status}`);
}

/** Exactly one answer wins; the others' devices are told the call was taken. The winner gets the VIEWER media session. */
export async function acceptCall(stores: Stores, answerer: Answerer, propertyId: string, callId: string): Promise<CallView> {
  const { call, who, viewer } = await callFor(stores, answerer, propertyId, callId);
  const now = stores.now();
  const at = now.toISOString();
  // The talk deadline: past it the call is ended (no door), by the sweep if nobody hangs up.
  const talkUntil = new Date(now.getTime() + (call.talkSeconds ?? defaultSettings.callTalkSeconds) * 1000).toISOString();
  if ((await attempt(() => stores.table.transact(stores.calls.accept(call, who, at, talkUntil)))) >= 0) throw await refusal(stores, call);
  const accepted: Call = { ...call, status: 'accepted', answeredAt: at, answeredBy: who, talkUntil };
  // A phone answerer hears the caller through the phone network, not WebRTC.
  const media = answerer.kind === 'resident' ? await stores.media.session(call.panelId, 'VIEWER', `${call.id}.viewer`) : undefined;
  await Promise.all([tellPanel(stores, accepted, 'accepted'), tellDevices(stores, accepted, who)]);
  return view(stores, accepted, viewer, media ? { media } : {});
}

/**
 * An accepted call hung up by its answerer, or a ringing call declined by one of those it rang: their
 * ringing stops (their devices are told), the others' goes on; once every one rung declined, the call is
 * declined (the panel is told; the caller may call again). Declining twice changes nothing.
 */
export async function declineCall(stores: Stores, answerer: Answerer, propertyId: string, callId: string): Promise<CallView> {
  const { call, who, rungAs, userId, viewer } = await callFor(stores, answerer, propertyId, callId);
  const at = stores.now().toISOString();
  if (call.status === 'accepted' && call.answeredBy === who) {
    if ((await attempt(() => stores.table.transact(stores.calls.finish(call, 'accepted', 'ended', at, who)))) >= 0) throw await refusal(stores, call);
    const ended: Call = { ...call, status: 'ended', endedAt: at };
    await Promise.all([tellPanel(stores, ended, 'ended'), tellDevices(stores, ended)]);
    return view(stores, ended, viewer);
  }
  if (call.status === 'ringing' && call.declinedBy?.includes(rungAs) && statusAt(call, stores.now()) === 'ringing') return view(stores, call, viewer);
  const after = await stores.calls.declineBy(call, rungAs, at);
  if (!after) throw await refusal(stores, call);
  // Calls from before rungResidents: one decline declines them, as it did.
  if (!(after.rungResidents ?? []).every((r) => after.declinedBy?.includes(r))) {
    if (userId) await tellDevices(stores, after, undefined, userId);
    return view(stores, after, viewer);
  }
  if ((await attempt(() => stores.table.transact(stores.calls.finish(after, 'ringing', 'declined', at)))) >= 0) {
    // Two last declines at once: the other one wrote it; anything else (taken, missed) is a refusal.
    const now = await stores.calls.get(call);
    if (now?.status === 'declined') return view(stores, now, viewer);
    throw await refusal(stores, call);
  }
  const declined: Call = { ...after, status: 'declined', endedAt: at };
  await Promise.all([tellPanel(stores, declined, 'declined'), tellDevices(stores, declined)]);
  return view(stores, declined, viewer);
}

/**
 * Whoever accepted opens the door, once, while the call is up: an unlock command (expiring,
 * run once by the panel) whose access event has method "call" and the call id; the call ends.
 */
export async function openDoor(stores: Stores, answerer: Answerer, propertyId: string, callId: string) {
  const { call, who } = await callFor(stores, answerer, propertyId, callId);
  if (call.status === 'accepted' && call.answeredBy !== who) throw forbidden('Only whoever accepted the call opens the door');
  const { command, record } = newUnlock(stores, propertyId, call.panelId, who, call.id);
  if ((await attempt(() => stores.table.transact([...stores.calls.openDoor(call, who, command.commandId, command.issuedAt), record]))) >= 0) throw await refusal(stores, call);
  await sendUnlock(stores, call.panelId, command);
  await tellPanel(stores, { ...call, status: 'ended' }, 'ended', { doorOpened: true, commandId: command.commandId });
  return { commandId: command.commandId, expiresAt: command.expiresAt };
}

/** The visitor walked away (the panel's Cancel): a ringing or accepted call ends. */
export async function endCallAtPanel(stores: Stores, panel: PanelRef, callId: string) {
  const call = await stores.calls.get({ propertyId: panel.propertyId, id: callId });
  if (!call || call.panelId !== panel.id) throw notFound('No such call');
  const at = stores.now().toISOString();
  const from = call.status === 'accepted' ? 'accepted' : 'ringing';
  if ((await attempt(() => stores.table.transact(stores.calls.finish(call, from, 'ended', at, call.answeredBy)))) >= 0) return { callId, status: statusAt(call, stores.now()) };
  const ended: Call = { ...call, status: 'ended', endedAt: at };
  await Promise.all([tellPanel(stores, ended, 'ended'), tellDevices(stores, ended)]);
  return { callId, status: 'ended' as const };
}

/** ringing -> missed with a call-missed notification for each resident of the unit, written together; the panel is told. */
async function markMissed(stores: Stores, call: Call): Promise<boolean> {
  const now = stores.now();
  const callees = call.target.kind === 'unit' ? await stores.callees.ofUnit(call.propertyId, call.target.unit) : [];
  const notifications = callees.flatMap((c) => notificationsFor(call.propertyId, c, 'call-missed', { callId: call.id }, now));
  const webhook = await webhookEventWrites(
    stores,
    call.propertyId,
    'call.missed',
    { callId: call.id, panelId: call.panelId, startedAt: call.startedAt, ...(call.unit ? { unit: call.unit } : {}) },
    now,
  );
  const writes = [...stores.calls.miss(call, now.toISOString()), ...webhook, ...notifications.map((n) => stores.notifications.queue(n))];
  if ((await attempt(() => stores.table.transact(writes))) >= 0) return false;
  const missed: Call = { ...call, status: 'missed', endedAt: now.toISOString() };
  await Promise.all([tellPanel(stores, missed, 'missed'), tellDevices(stores, missed)]);
  return true;
}

/** accepted -> ended past the talk deadline; the panel (it stops its media) and the devices are told. */
async function endTalk(stores: Stores, call: Call): Promise<boolean> {
  const at = stores.now().toISOString();
  if ((await attempt(() => stores.table.transact(stores.calls.endTalk(call, at)))) >= 0) return false;
  const ended: Call = { ...call, status: 'ended', endedAt: at };
  await Promise.all([tellPanel(stores, ended, 'ended'), tellDevices(stores, ended)]);
  return true;
}

/**
 * The panel's ring timer ran out: the cloud checks its own clock (a panel cannot cut a ring
 * short) and writes the call missed if it is. Returns the call's status after.
 */
export async function reportRingTimeout(stores: Stores, panel: PanelRef, callId: string): Promise<CallStatus> {
  const call = await stores.calls.get({ propertyId: panel.propertyId, id: callId });
  if (!call || call.panelId !== panel.id) throw notFound('No such call');
  if (call.status === 'ringing' && statusAt(call, stores.now()) === 'missed' && (await markMissed(stores, call))) return 'missed';
  return statusAt((await stores.calls.get(call)) ?? call, stores.now());
}

/**
 * The scheduled sweep (reconcile), over every property: calls whose ring ran out with no panel to report it
 * (missed; their number is returned), and accepted calls past their talk deadline (ended).
 */
export async function sweepMissedCalls(stores: Stores): Promise<number> {
  const at = stores.now().toISOString();
  const [overdue, talks] = await Promise.all([stores.calls.overdue(at), stores.calls.overdueTalks(at)]);
  let missed = 0;
  for (const ref of overdue) {
    const call = await stores.calls.get(ref);
    if (call?.status === 'ringing' && (await markMissed(stores, call))) missed++;
  }
  for (const ref of talks) {
    const call = await stores.calls.get(ref);
    if (call?.status === 'accepted') await endTalk(stores, call);
  }
  return missed;
}

/** Admins and staff see every call; a resident the calls to their unit; a staff member also those to them. */
export async function listCalls(stores: Stores, caller: Caller, propertyId: string, query: { status?: CallStatus; limit: number; cursor?: string }): Promise<Page<CallView>> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  const unit = membership.role === 'resident' ? (membership.unit ?? '') : undefined;
  const page = await stores.calls.page(propertyId, { ...query, unit });
  return { items: await Promise.all(page.items.map((c) => view(stores, c, viewerOf(membership)))), nextCursor: page.nextCursor };
}

export async function getCall(stores: Stores, caller: Caller, propertyId: string, callId: string): Promise<CallView> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  const call = await stores.calls.get({ propertyId, id: callId });
  // A resident reads the calls to their unit only (a call to a staff member has no unit of theirs).
  if (!call || (membership.role === 'resident' && !isUnitCall(call, membership.unit))) throw notFound('No such call');
  // The answerer re-joins the media with a fresh session while the call is up.
  const up = statusAt(call, stores.now()) === 'accepted' && call.answeredBy === caller.userId;
  const media = up ? await stores.media.session(call.panelId, 'VIEWER', `${call.id}.viewer`) : undefined;
  return view(stores, call, viewerOf(membership), media ? { media } : {});
}

/** Admins and staff manage calls (they see who answered); a resident sees the calls of their unit. */
const viewerOf = (m: { role: string; userId: string; residentId?: string }): Viewer =>
  m.role === 'resident' ? { kind: 'member', userId: m.userId, ...(m.residentId ? { residentId: m.residentId } : {}) } : { kind: 'manager' };
