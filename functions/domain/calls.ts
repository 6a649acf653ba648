import { ulid } from 'ulid';
import { panelTopics } from '../../iot/protocol/topics.ts';
import type { CallState } from '../../iot/protocol/calls.ts';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { MediaSession } from './call-ports.ts';
import type { Answerer, Call, CallRef, CallStatus, CallTarget, Callee, RungDevice } from './call-records.ts';
import { notificationsFor } from './notifications.ts';
import { conflict, forbidden, notFound } from './errors.ts';
import { loadProperty } from './property-record.ts';
import type { Page, PanelRef } from './records.ts';
import type { Stores } from './stores.ts';
import { attempt } from './transactions.ts';
import { newUnlock, sendUnlock } from './commands.ts';

/*
 * A call from a panel: ringing -> accepted | declined | missed -> ended. Every change is a
 * conditional write (adapters/call-repository.ts), so a race has one winner; every change is
 * published to the panel on its `calls` topic. The answerer is an app user (by token) or a
 * resident on the phone (the SIP media application): the same functions serve both.
 */

export type { Answerer } from './call-records.ts';

/** Staff appear in the directory with a target id of this form (residents: their resident id). */
export const STAFF_TARGET = 'staff:';

/** A call as the API shows it: the record without its routing details (who was rung, the target). */
export type CallView = Pick<Call, 'id' | 'panelId' | 'status' | 'startedAt' | 'ringUntil' | 'answeredAt' | 'endedAt' | 'answeredBy' | 'doorOpened' | 'commandId'> & {
  unit: string | null;
  staff: boolean;
  accessEventId?: string;
  media?: MediaSession;
};

/** Past ringUntil a ringing call reads as missed, even before the sweep or the panel wrote it. */
const statusAt = (call: Call, now: Date): CallStatus => (call.status === 'ringing' && now.getTime() >= Date.parse(call.ringUntil) ? 'missed' : call.status);

async function view(stores: Stores, call: Call, extra: { media?: MediaSession } = {}): Promise<CallView> {
  const accessEventId = call.commandId ? (await stores.commands.get(call.propertyId, call.commandId))?.eventId : undefined;
  return {
    id: call.id,
    panelId: call.panelId,
    unit: call.unit ?? null,
    staff: call.target.kind === 'staff',
    status: statusAt(call, stores.now()),
    startedAt: call.startedAt,
    ringUntil: call.ringUntil,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    answeredBy: call.answeredBy,
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

/** Tells every device the call rang that it changed (taken elsewhere, over): the push carries the call id only. */
async function tellDevices(stores: Stores, call: Call, except?: string) {
  await Promise.allSettled(
    call.rung
      .filter((d) => d.userId !== except)
      .map(async (d) => {
        if ((await stores.push.sendCallPush(d.endpoint, { callId: call.id, propertyId: call.propertyId })) === 'gone')
          await stores.devices.remove(call.propertyId, d.userId, d.deviceId);
      }),
  );
}

/** What the panel asked for: a unit as typed, or a target id from the directory. */
export type CallRequestTarget = { unit: string } | { targetId: string };

async function resolveTarget(stores: Stores, propertyId: string, asked: CallRequestTarget): Promise<{ target: CallTarget; callees: Callee[] }> {
  if ('targetId' in asked && asked.targetId.startsWith(STAFF_TARGET)) {
    const userId = asked.targetId.slice(STAFF_TARGET.length);
    const membership = await stores.members.get(propertyId, userId);
    if (!membership || membership.leaving || membership.role === 'resident') throw notFound('No such staff member');
    return { target: { kind: 'staff', userId }, callees: [] };
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
  const phones = resolved.callees.filter((c) => c.calls.includes('phone') && c.phone);
  const devices = (await Promise.all(appUsers.map((userId) => stores.devices.ofUser(panel.propertyId, userId)))).flat();
  const rung: RungDevice[] = devices.map((d) => ({ deviceId: d.id, userId: d.userId, endpoint: d.endpoint }));
  const call: Call = {
    id,
    propertyId: panel.propertyId,
    panelId: panel.id,
    target: resolved.target,
    ...(resolved.target.kind === 'unit' ? { unit: resolved.target.unit } : {}),
    status: 'ringing',
    startedAt: now.toISOString(),
    ringUntil: new Date(now.getTime() + settings.callRingSeconds * 1000).toISOString(),
    doorOpened: false,
    rung,
    dialed: phones.map((c) => c.residentId),
  };
  // The media session first: no call rings that the panel could not show.
  const media = await masterSession(stores, panel.id);
  await stores.table.transact(stores.calls.start(call));
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

/** The call, for someone who may act on it: its answerer id (a user id, or `phone:<residentId>`). */
async function callFor(stores: Stores, answerer: Answerer, propertyId: string, callId: string): Promise<{ call: Call; who: string }> {
  if (answerer.kind === 'phone') {
    const [call, callee] = await Promise.all([stores.calls.get({ propertyId, id: callId }), stores.callees.get(propertyId, answerer.residentId)]);
    if (!call) throw notFound('No such call');
    if (!callee || call.unit !== callee.unit || !call.dialed.includes(answerer.residentId)) throw forbidden('This call did not ring this phone');
    return { call, who: `phone:${answerer.residentId}` };
  }
  const [membership, call] = await Promise.all([stores.members.get(propertyId, answerer.userId), stores.calls.get({ propertyId, id: callId })]);
  if (!membership || membership.leaving) throw notFound('No such property');
  const called = call && (call.target.kind === 'unit' ? membership.role === 'resident' && membership.unit === call.unit : call.target.userId === answerer.userId);
  if (!call || (!called && membership.role === 'resident')) throw notFound('No such call');
  if (!called) throw forbidden("Only the called unit's residents (or the called staff member) answer this call");
  return { call, who: answerer.userId };
}

/** After a failed transition: why, as the caller should hear it (a ring that ran out is written as missed here). */
async function refusal(stores: Stores, ref: CallRef): Promise<Error> {
  const call = await stores.calls.get(ref);
  if (call && statusAt(call, stores.now()) === 'missed' && call.status === 'ringing') await markMissed(stores, call);
  const status = call ? statusAt(call, stores.now()) : 'ended';
  return conflict(`The call is ${status === 'accepted' ? 'already taken' : status}`, `call-${status}`);
}

/** Exactly one answer wins; the others' devices are told the call was taken. The winner gets the VIEWER media session. */
export async function acceptCall(stores: Stores, answerer: Answerer, propertyId: string, callId: string): Promise<CallView> {
  const { call, who } = await callFor(stores, answerer, propertyId, callId);
  const at = stores.now().toISOString();
  if (!(await stores.calls.accept(call, who, at))) throw await refusal(stores, call);
  const accepted: Call = { ...call, status: 'accepted', answeredAt: at, answeredBy: who };
  // A phone answerer hears the caller through the phone network, not WebRTC.
  const media = answerer.kind === 'resident' ? await stores.media.session(call.panelId, 'VIEWER', `${call.id}.viewer`) : undefined;
  await Promise.all([tellPanel(stores, accepted, 'accepted'), tellDevices(stores, accepted, who)]);
  return view(stores, accepted, media ? { media } : {});
}

/** A ringing call declined (the caller may call again), or an accepted one hung up by its answerer. */
export async function declineCall(stores: Stores, answerer: Answerer, propertyId: string, callId: string): Promise<CallView> {
  const { call, who } = await callFor(stores, answerer, propertyId, callId);
  const at = stores.now().toISOString();
  const hangUp = call.status === 'accepted' && call.answeredBy === who;
  const writes = hangUp ? stores.calls.finish(call, 'accepted', 'ended', at, who) : stores.calls.finish(call, 'ringing', 'declined', at);
  if ((await attempt(() => stores.table.transact(writes))) >= 0) throw await refusal(stores, call);
  const status = hangUp ? 'ended' : 'declined';
  const after: Call = { ...call, status, endedAt: at };
  await Promise.all([tellPanel(stores, after, status), tellDevices(stores, after)]);
  return view(stores, after);
}

/**
 * Whoever accepted opens the door, once, while the call is up: an unlock command (expiring,
 * run once by the panel) whose access event has method "call" and the call id; the call ends.
 */
export async function openDoor(stores: Stores, answerer: Answerer, propertyId: string, callId: string) {
  const { call, who } = await callFor(stores, answerer, propertyId, callId);
  if (call.status === 'accepted' && call.answeredBy !== who) throw forbidden('Only whoever accepted the call opens the door');
  const { command, record } = newUnlock(stores, propertyId, call.panelId, who, call.id);
  if ((await attempt(() => stores.table.transact([stores.calls.openDoor(call, who, command.commandId, command.issuedAt), record]))) >= 0) throw await refusal(stores, call);
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
  const writes = [...stores.calls.miss(call, now.toISOString()), ...notifications.map((n) => stores.notifications.queue(n))];
  if ((await attempt(() => stores.table.transact(writes))) >= 0) return false;
  const missed: Call = { ...call, status: 'missed', endedAt: now.toISOString() };
  await Promise.all([tellPanel(stores, missed, 'missed'), tellDevices(stores, missed)]);
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

/** The scheduled sweep (reconcile), over every property: calls whose ring ran out with no panel to report it. */
export async function sweepMissedCalls(stores: Stores): Promise<number> {
  const overdue = await stores.calls.overdue(stores.now().toISOString());
  let missed = 0;
  for (const ref of overdue) {
    const call = await stores.calls.get(ref);
    if (call?.status === 'ringing' && (await markMissed(stores, call))) missed++;
  }
  return missed;
}

/** Admins and staff see every call; a resident the calls to their unit; a staff member also those to them. */
export async function listCalls(stores: Stores, caller: Caller, propertyId: string, query: { status?: CallStatus; limit: number; cursor?: string }): Promise<Page<CallView>> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  const unit = membership.role === 'resident' ? (membership.unit ?? '') : undefined;
  const page = await stores.calls.page(propertyId, { ...query, unit });
  return { items: await Promise.all(page.items.map((c) => view(stores, c))), nextCursor: page.nextCursor };
}

export async function getCall(stores: Stores, caller: Caller, propertyId: string, callId: string): Promise<CallView> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  const call = await stores.calls.get({ propertyId, id: callId });
  if (!call || (membership.role === 'resident' && call.unit !== membership.unit)) throw notFound('No such call');
  // The answerer re-joins the media with a fresh session while the call is up.
  const media = call.status === 'accepted' && call.answeredBy === caller.userId ? await stores.media.session(call.panelId, 'VIEWER', `${call.id}.viewer`) : undefined;
  return view(stores, call, media ? { media } : {});
}
