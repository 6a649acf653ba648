import {
  unitKey,
  type Call,
  type CalleeDirectory,
  type CallRef,
  type CallRepository,
  type Callee,
  type Device,
  type DeviceRepository,
  type PhoneChallenge,
} from '../domain/call-records.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, unlessConditionFails, withoutKeys } from './table-keys.ts';

/*
 * Calls in the Lobby table, under their property:
 *   CALL#<callId>                 the call (ids are ULIDs: newest first is a reverse query)
 *   RINGING#<ringUntil>#<callId>  while it rings: what the missed-call sweep reads (a few items, not every call)
 *   TALKING#<talkUntil>#<callId>  while it is accepted: what the talk-deadline sweep reads
 *   CALLING#<panelId>             the panel's ringing call (one at a time): taken at start unless the last ring is over
 *   CALLCOUNT#panel#<panelId>#<w> calls a panel started in 10-minute window w (conditional counter, TTL)
 *   CALLCOUNT#to#<target>#<w>     calls a unit (unitKey) or staff member (staff#<userId>) got in window w, from any panel
 *   NOTIF#<id>                    notification records (notification-repository.ts; the outbox worker delivers them)
 *   DEVICE#<userId>#<deviceId>    app push devices
 * Transitions return writes (the domain commits them with what goes with them, e.g. the
 * unlock a call opens, through domain/transactions.ts `attempt`).
 */
const pk = keys.property;
/** The byOwner partition of every property's ringing calls. */
const RINGING_INDEX = 'CALLS#RINGING';
/** The byOwner partition of every property's accepted calls (the talk-deadline sweep). */
const TALKING_INDEX = 'CALLS#TALKING';
const callKey = (ref: CallRef) => ({ pk: pk(ref.propertyId), sk: `CALL#${ref.id}` });
const ringingKey = (call: Pick<Call, 'propertyId' | 'id' | 'ringUntil'>) => ({ pk: pk(call.propertyId), sk: `RINGING#${call.ringUntil}#${call.id}` });
const talkingKey = (call: Pick<Call, 'propertyId' | 'id'>, talkUntil: string) => ({ pk: pk(call.propertyId), sk: `TALKING#${talkUntil}#${call.id}` });
const panelLockKey = (call: Pick<Call, 'propertyId' | 'panelId'>) => ({ pk: pk(call.propertyId), sk: `CALLING#${call.panelId}` });
/** Takes one of `max` starts in a window: refused (condition) once they are used up. */
const countUp = (Key: { pk: string; sk: string }, max: number, keepUntil: number) => ({
  Update: {
    Key,
    UpdateExpression: 'ADD calls :one SET expiresAtEpoch = :ttl',
    ConditionExpression: 'attribute_not_exists(calls) OR calls < :max',
    ExpressionAttributeValues: { ':one': 1, ':ttl': keepUntil, ':max': max },
  },
});
const deviceKey = (propertyId: string, userId: string, deviceId: string) => ({ pk: pk(propertyId), sk: `DEVICE#${userId}#${deviceId}` });
/** Calls are kept a year. */
const CALL_KEEP_SECONDS = 365 * 86400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const toCall = (raw: Record<string, unknown>) => withoutKeys(raw) as unknown as Call;
export function callRepository(table: LobbyTable): CallRepository {
  return {
    async get(ref) {
      const raw = await table.get(callKey(ref).pk, callKey(ref).sk);
      return raw && toCall(raw);
    },
    async page(propertyId, query) {
      const filters: string[] = [];
      const values: Record<string, unknown> = {};
      const names: Record<string, string> = {};
      if (query.status) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      if (query.unit !== undefined) {
        // Calls before unitKey existed carry the unit as the resident's record spells it.
        filters.push('(unitKey = :unitKey OR #unit = :unit)');
        names['#unit'] = 'unit';
        values[':unit'] = query.unit;
        values[':unitKey'] = unitKey(query.unit);
      }
      const page = await table.query({
        pk: pk(propertyId),
        skPrefix: 'CALL#',
        limit: query.limit,
        cursor: query.cursor,
        newestFirst: true,
        filter: filters.length > 0 ? { expression: filters.join(' AND '), names, values } : undefined,
      });
      return { items: page.items.map(toCall), nextCursor: page.nextCursor };
    },
    start(call, guard) {
      return [
        { Put: { Item: { ...callKey(call), type: 'call', ...call, expiresAtEpoch: epoch(call.startedAt) + CALL_KEEP_SECONDS }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            Item: {
              ...ringingKey(call),
              type: 'call-ringing',
              callId: call.id,
              propertyId: call.propertyId,
              ringUntil: call.ringUntil,
              gsi1pk: RINGING_INDEX,
              gsi1sk: `${call.ringUntil}#${call.propertyId}#${call.id}`,
              expiresAtEpoch: epoch(call.ringUntil) + CALL_KEEP_SECONDS,
            },
          },
        },
        // One ringing call per panel: the lock is free once its call moved on (deleted) or its ring is over.
        {
          Put: {
            Item: { ...panelLockKey(call), type: 'call-lock', callId: call.id, ringUntil: call.ringUntil, expiresAtEpoch: epoch(call.ringUntil) + 3600 },
            ConditionExpression: 'attribute_not_exists(pk) OR ringUntil <= :now',
            ExpressionAttributeValues: { ':now': guard.now },
          },
        },
        countUp({ pk: pk(call.propertyId), sk: `CALLCOUNT#panel#${call.panelId}#${guard.window}` }, guard.maxPerPanel, guard.keepUntil),
        countUp({ pk: pk(call.propertyId), sk: `CALLCOUNT#to#${guard.targetKey}#${guard.window}` }, guard.maxPerTarget, guard.keepUntil),
      ].map(asWrite);
    },
    accept(call, answeredBy, at, talkUntil) {
      // Only one can see `ringing`: the race's loser's condition fails. While the call rings (before ringUntil) the
      // panel's lock is this call's, so it is released without a condition; the call moves to the talking list.
      return [
        {
          Update: {
            Key: callKey(call),
            UpdateExpression: 'SET #status = :accepted, answeredAt = :at, answeredBy = :by, talkUntil = :talkUntil',
            ConditionExpression: '#status = :ringing AND ringUntil > :at',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':accepted': 'accepted', ':ringing': 'ringing', ':at': at, ':by': answeredBy, ':talkUntil': talkUntil },
          },
        },
        { Delete: { Key: ringingKey(call) } },
        { Delete: { Key: panelLockKey(call) } },
        {
          Put: {
            Item: {
              ...talkingKey(call, talkUntil),
              type: 'call-talking',
              callId: call.id,
              propertyId: call.propertyId,
              talkUntil,
              gsi1pk: TALKING_INDEX,
              gsi1sk: `${talkUntil}#${call.propertyId}#${call.id}`,
              expiresAtEpoch: epoch(talkUntil) + CALL_KEEP_SECONDS,
            },
          },
        },
      ].map(asWrite);
    },
    async declineBy(call, who, at) {
      const out = await table
        .update({
          Key: callKey(call),
          UpdateExpression: 'SET declinedBy = list_append(if_not_exists(declinedBy, :none), :who)',
          ConditionExpression: '#status = :ringing AND ringUntil > :at AND NOT contains(declinedBy, :one)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':none': [], ':who': [who], ':one': who, ':ringing': 'ringing', ':at': at },
          ReturnValues: 'ALL_NEW',
        })
        .catch((error: Error) => {
          if (error.name === 'ConditionalCheckFailedException') return undefined;
          throw error;
        });
      return out?.Attributes ? toCall(out.Attributes) : undefined;
    },
    finish(call, from, to, at, answeredBy) {
      // A ring that ran out is missed, not declined or ended: and before ringUntil the panel's lock is this call's.
      const condition = from === 'ringing' ? '#status = :from AND ringUntil > :at' : '#status = :from';
      return [
        {
          Update: {
            Key: callKey(call),
            UpdateExpression: 'SET #status = :to, endedAt = :at',
            ConditionExpression: answeredBy === undefined ? condition : `${condition} AND answeredBy = :by`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':to': to, ':from': from, ':at': at, ...(answeredBy === undefined ? {} : { ':by': answeredBy }) },
          },
        },
        ...(from === 'ringing' ? [{ Delete: { Key: ringingKey(call) } }, { Delete: { Key: panelLockKey(call) } }] : []),
        ...(from === 'accepted' && call.talkUntil ? [{ Delete: { Key: talkingKey(call, call.talkUntil) } }] : []),
      ].map(asWrite);
    },
    miss(call, at) {
      return [
        {
          Update: {
            Key: callKey(call),
            UpdateExpression: 'SET #status = :missed, endedAt = :at',
            ConditionExpression: '#status = :ringing AND ringUntil <= :at',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':missed': 'missed', ':ringing': 'ringing', ':at': at },
          },
        },
        { Delete: { Key: ringingKey(call) } },
      ].map(asWrite);
    },
    openDoor(call, answeredBy, commandId, at) {
      return [
        {
          Update: {
            Key: callKey(call),
            UpdateExpression: 'SET #status = :ended, endedAt = :at, doorOpened = :true, commandId = :command',
            // Past the talk deadline the call is over: no door.
            ConditionExpression: '#status = :accepted AND answeredBy = :by AND doorOpened = :false AND (attribute_not_exists(talkUntil) OR talkUntil > :at)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':ended': 'ended', ':accepted': 'accepted', ':by': answeredBy, ':at': at, ':true': true, ':false': false, ':command': commandId },
          },
        },
        ...(call.talkUntil ? [{ Delete: { Key: talkingKey(call, call.talkUntil) } }] : []),
      ].map(asWrite);
    },
    endTalk(call, at) {
      return [
        {
          Update: {
            Key: callKey(call),
            UpdateExpression: 'SET #status = :ended, endedAt = :at',
            ConditionExpression: '#status = :accepted AND talkUntil <= :at',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':ended': 'ended', ':accepted': 'accepted', ':at': at },
          },
        },
        ...(call.talkUntil ? [{ Delete: { Key: talkingKey(call, call.talkUntil) } }] : []),
      ].map(asWrite);
    },
    async overdue(at) {
      // The ringing entries carry a sparse byOwner index over every property, by ring end: one query finds them all.
      const page = await table.query<{ callId: string; propertyId: string; ringUntil: string; pk: string; sk: string }>({
        pk: RINGING_INDEX,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit: 100,
      });
      return page.items.filter((i) => i.ringUntil <= at).map((i) => ({ propertyId: i.propertyId, id: i.callId }));
    },
    async overdueTalks(at) {
      const page = await table.query<{ callId: string; propertyId: string; talkUntil: string; pk: string; sk: string }>({
        pk: TALKING_INDEX,
        skPrefix: '',
        skBetween: ['0', `${at}~`],
        index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        limit: 100,
      });
      return page.items.filter((i) => i.talkUntil <= at).map((i) => ({ propertyId: i.propertyId, id: i.callId }));
    },
  };
}

interface ResidentItem {
  id: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  notify?: Callee['deliveries'];
  notifyCalls?: Callee['calls'];
  movedOutAt?: string;
  phoneVerified?: boolean;
  phoneChallenge?: PhoneChallenge;
}

const toCallee = (r: ResidentItem): Callee => ({
  residentId: r.id,
  userId: r.userId,
  name: r.name,
  unit: r.unit,
  email: r.email,
  phone: r.phone,
  ...(r.phoneVerified && r.phone ? { phoneVerified: true } : {}),
  calls: r.notifyCalls ?? ['app'],
  deliveries: r.notify ?? ['app'],
});

const sameUnit = (a: string, b: string) => unitKey(a) === unitKey(b);

/** The resident records (people.ts's layout, RESIDENT#<id>) as calls and the `me` routes read and change them. */
export function calleeDirectory(table: LobbyTable): CalleeDirectory {
  const living = async (propertyId: string) => (await table.queryAll<ResidentItem & { pk: string; sk: string }>(pk(propertyId), keys.resident(''))).filter((r) => !r.movedOutAt);
  return {
    async ofUnit(propertyId, unit) {
      return (await living(propertyId)).filter((r) => sameUnit(r.unit, unit)).map(toCallee);
    },
    async all(propertyId) {
      return (await living(propertyId)).map(toCallee);
    },
    async get(propertyId, residentId) {
      const raw = await table.get<ResidentItem>(pk(propertyId), keys.resident(residentId));
      return raw && !raw.movedOutAt ? toCallee(raw) : undefined;
    },
    async phoneChallenge(propertyId, residentId) {
      const raw = await table.get<ResidentItem>(pk(propertyId), keys.resident(residentId));
      return raw && !raw.movedOutAt ? raw.phoneChallenge : undefined;
    },
    startPhoneChallenge(propertyId, residentId, challenge) {
      return asWrite({
        Update: {
          Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
          UpdateExpression: 'SET phoneChallenge = :c',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(movedOutAt) AND phone = :phone',
          ExpressionAttributeValues: { ':c': challenge, ':phone': challenge.phone },
        },
      });
    },
    countPhoneTry(propertyId, residentId, seen) {
      return unlessConditionFails(
        table.update({
          Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
          UpdateExpression: 'SET phoneChallenge.tries = :next',
          ConditionExpression: 'phoneChallenge.digest = :d AND phoneChallenge.tries = :tries',
          ExpressionAttributeValues: { ':next': seen.tries + 1, ':d': seen.digest, ':tries': seen.tries },
        }),
      );
    },
    markPhoneVerified(propertyId, residentId, seen) {
      return unlessConditionFails(
        table.update({
          Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
          UpdateExpression: 'SET phoneVerified = :true REMOVE phoneChallenge',
          ConditionExpression: 'attribute_not_exists(movedOutAt) AND phone = :phone AND phoneChallenge.digest = :d AND phoneChallenge.tries = :tries',
          ExpressionAttributeValues: { ':true': true, ':phone': seen.phone, ':d': seen.digest, ':tries': seen.tries },
        }),
      );
    },
    update(propertyId, residentId, patch) {
      const sets: string[] = [];
      const removes: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const set = (attr: string, value: unknown) => {
        names[`#${attr}`] = attr;
        values[`:${attr}`] = value;
        sets.push(`#${attr} = :${attr}`);
      };
      if (patch.name !== undefined) set('name', patch.name);
      for (const attr of ['email', 'phone'] as const) {
        const value = patch[attr];
        if (value === null) {
          names[`#${attr}`] = attr;
          removes.push(`#${attr}`);
        } else if (value !== undefined) set(attr, value);
      }
      // A new (or no) phone number is not verified, and an open verification was for the old one.
      if (patch.phone !== undefined) removes.push('phoneVerified', 'phoneChallenge');
      if (patch.calls !== undefined) set('notifyCalls', patch.calls);
      if (patch.deliveries !== undefined) set('notify', patch.deliveries);
      if (sets.length + removes.length === 0) return Promise.resolve(true);
      return unlessConditionFails(
        table
          .update({
            Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
            UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim(),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(movedOutAt)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          })
          .then(async () => {
            // The directory searches "name unit" in lower case (people.ts): keep it in step with a new name.
            if (patch.name !== undefined) {
              const raw = await table.get<ResidentItem>(pk(propertyId), keys.resident(residentId));
              if (raw)
                await table.update({
                  Key: { pk: pk(propertyId), sk: keys.resident(residentId) },
                  UpdateExpression: 'SET #search = :s',
                  ExpressionAttributeNames: { '#search': 'search' },
                  ExpressionAttributeValues: { ':s': `${raw.name} ${raw.unit}`.toLowerCase() },
                });
            }
            return true;
          }),
      );
    },
  };
}

export function deviceRepository(table: LobbyTable): DeviceRepository {
  return {
    async add(device) {
      // The id is a digest of the token: the same phone registering twice at once is one device (the first write stays).
      await unlessConditionFails(table.put({ ...deviceKey(device.propertyId, device.userId, device.id), type: 'device', ...device }, 'attribute_not_exists(pk)'));
    },
    async get(propertyId, userId, deviceId) {
      const raw = await table.get(deviceKey(propertyId, userId, deviceId).pk, deviceKey(propertyId, userId, deviceId).sk);
      return raw && (withoutKeys(raw) as unknown as Device);
    },
    async remove(propertyId, userId, deviceId) {
      await table.delete(deviceKey(propertyId, userId, deviceId).pk, deviceKey(propertyId, userId, deviceId).sk);
    },
    async ofUser(propertyId, userId) {
      return (await table.queryAll(pk(propertyId), `DEVICE#${userId}#`)).map((raw) => withoutKeys(raw) as unknown as Device);
    },
  };
}
