import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/handlers/phone-call.ts';
import type { SimulatedCall } from '../../local/pstn/simulator.ts';
import { call, expectOk, newProperty, stack, type TestProperty } from '../support/api.ts';
import type { CreatedPanel } from '../support/contract.ts';
import { setAttributes } from '../support/dynamo.ts';
import { eventually } from '../support/eventually.ts';
import { lambdaContext, useStackEnvironment } from '../support/in-process.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';
import { type LivePanel, livePanel } from './support.ts';

/**
 * The phone path ("press 9"), end to end on the local stack: a panel's call.start dials the
 * resident who takes calls on the phone (Chime SDK Voice API stand-in), the PSTN simulator drives
 * the real SIP media application handler (functions/handlers/phone-call.ts) through the local
 * Lambda runtime, and the callee's keys decide: 9 opens the door, anything else or hanging up declines.
 */
interface CallView {
  id: string;
  status: string;
  doorOpened: boolean;
  answeredBy?: string;
  commandId?: string;
  accessEventId?: string;
}

let p: TestProperty;
let panel: RawPanel;
let panelId: string;
// A number of this file's own, so calls of other test files in the simulator are never picked.
const PHONE = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function pstn<T>(body?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${stack().pstnEndpoint}/_lobby/phone`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The panel presses Call for unit 4B; returns the call id and the phone call it dialed. A panel rings one call at a time: the last one ends first. */
let lastRung: string | undefined;
async function ring(): Promise<{ callId: string; phone: SimulatedCall }> {
  if (lastRung) await panel.request({ protocolVersion: '1.0', op: 'call.end', callId: lastRung });
  const started = await panel.request<{ ok: boolean; callId: string; rang: number }>({ protocolVersion: '1.0', op: 'call.start', target: { unit: '4B' } });
  lastRung = started.callId;
  expect(started).toMatchObject({ ok: true, rang: 1 });
  const { calls } = await pstn<{ calls: SimulatedCall[] }>();
  const phone = calls.findLast((c) => c.to === PHONE);
  if (!phone) throw new Error('the resident was not dialed');
  expect(phone.state).toBe('ringing');
  return { callId: started.callId, phone };
}

const getCall = async (callId: string) => (await expectOk(call<CallView>('GET', `/properties/${p.id}/calls/${callId}`, { token: p.tokens.admin }))).body;

beforeAll(async () => {
  p = await newProperty('Phone Tower');
  await expectOk(call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { phone: PHONE }, notify: { calls: ['phone'] } } }));
  // Only a verified phone is called (test/api/phone-verification.test.ts verifies one by SMS code).
  await setAttributes(`PROP#${p.id}`, `RESIDENT#${p.residentId}`, { phoneVerified: true });
  // These tests ring 4B more often than the default calls per unit in 10 minutes.
  await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { maxCallsPerUnit: 100 } }));
  const created = await expectOk(call<CreatedPanel>('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Front door', kind: 'entrance' } }));
  panelId = created.body.id;
  panel = await connectRawPanel(created.body.connection);
});
afterAll(async () => {
  await panel?.close();
});

describe('phone path (Chime SDK PSTN audio, local simulator, real handler)', () => {
  it('a phone the resident has not verified is never dialed', async () => {
    await setAttributes(`PROP#${p.id}`, `RESIDENT#${p.residentId}`, { phoneVerified: false });
    try {
      const dialedBefore = (await pstn<{ calls: SimulatedCall[] }>()).calls.filter((c) => c.to === PHONE).length;
      const started = await panel.request<{ ok: boolean; callId: string; rang: number }>({ protocolVersion: '1.0', op: 'call.start', target: { unit: '4B' } });
      expect(started).toMatchObject({ ok: true, rang: 0 });
      await panel.request({ protocolVersion: '1.0', op: 'call.end', callId: started.callId });
      expect((await pstn<{ calls: SimulatedCall[] }>()).calls.filter((c) => c.to === PHONE)).toHaveLength(dialedBefore);
    } finally {
      await setAttributes(`PROP#${p.id}`, `RESIDENT#${p.residentId}`, { phoneVerified: true });
    }
  });

  it('9 -> the call is accepted by the phone, the door opens (an unlock command carrying the call id), the callee hears it, the call ends', async () => {
    const { callId, phone } = await ring();
    // The property's number calls the resident's number on record.
    expect(phone.from).toMatch(/^\+1\d{10}$/);
    const after = await pstn<SimulatedCall>({ action: 'press', digits: '9', transactionId: phone.transactionId });
    expect(after.heard[0]).toBe('Someone is at the door of Phone Tower. Press 9 to open the door, or any other key to decline.');
    expect(after.heard.at(-1)).toBe('The door is open. Goodbye.');
    expect(after.state).toBe('ended');
    expect(after.events).toEqual(['NEW_OUTBOUND_CALL', 'RINGING', 'CALL_ANSWERED', 'ACTION_SUCCESSFUL', 'HANGUP']);

    const unlock = await panel.next<{ type: string; callId?: string; commandId: string }>(`lobby/panels/${panelId}/commands`, (m) => m.callId === callId);
    expect(unlock).toMatchObject({ type: 'unlock', callId });
    const view = await getCall(callId);
    expect(view).toMatchObject({ status: 'ended', doorOpened: true, answeredBy: `phone:${p.residentId}`, commandId: unlock.commandId });
  });

  it('5 -> declined (the panel is told; the visitor may call again)', async () => {
    const { callId, phone } = await ring();
    const after = await pstn<SimulatedCall>({ action: 'press', digits: '5', transactionId: phone.transactionId });
    expect(after.heard.at(-1)).toBe('You declined the call. Goodbye.');
    expect(await getCall(callId)).toMatchObject({ status: 'declined', doorOpened: false });
    // A declined caller may call again, and the phone rings again.
    const again = await ring();
    expect(again.callId).not.toBe(callId);
    await pstn({ action: 'hangup', transactionId: again.phone.transactionId });
  });

  it('the callee picks up and hangs up without a key -> declined; a phone that just rang out declines nothing', async () => {
    const picked = await ring();
    await pstn({ action: 'answer', transactionId: picked.phone.transactionId });
    await pstn({ action: 'hangup', transactionId: picked.phone.transactionId });
    expect((await getCall(picked.callId)).status).toBe('declined');

    const unanswered = await ring();
    await pstn({ action: 'hangup', transactionId: unanswered.phone.transactionId });
    expect((await getCall(unanswered.callId)).status).toBe('ringing');
  });

  it('9 on a call that was already declined -> the callee hears so, the door stays shut', async () => {
    const { callId, phone } = await ring();
    await expectOk(call('POST', `/properties/${p.id}/calls/${callId}/decline`, { token: p.tokens.resident }));
    const after = await pstn<SimulatedCall>({ action: 'press', digits: '9', transactionId: phone.transactionId });
    expect(after.heard.at(-1)).toBe('This call has ended. Goodbye.');
    expect(await getCall(callId)).toMatchObject({ status: 'declined', doorOpened: false });
  });
});

describe('phone path with the reference panel agent', () => {
  let agent: LivePanel | undefined;
  afterAll(async () => {
    await agent?.stop();
  });

  it('9 -> the agent releases the door, the access event has method "call", and the call names it', async () => {
    agent = await livePanel(p);
    const { callId } = await agent.agent.call({ unit: '4B' });
    const { calls } = await pstn<{ calls: SimulatedCall[] }>();
    const phone = calls.findLast((c) => c.to === PHONE && c.state === 'ringing');
    if (!phone) throw new Error('the resident was not dialed');
    await pstn({ action: 'press', digits: '9', transactionId: phone.transactionId });
    const released = await eventually(async () => agent?.doors.find((d) => d.method === 'call'));
    const events = await eventually(async () => {
      const list = await call<{ items: Array<{ id: string; method: string; callId?: string }> }>('GET', `/properties/${p.id}/access-events`, { token: p.tokens.admin });
      return list.body.items?.find((e) => e.method === 'call') ? list.body.items : undefined;
    });
    expect(events.find((e) => e.method === 'call')).toMatchObject({ id: released.eventId, method: 'call' });
    // The call names its access event.
    expect(await getCall(callId)).toMatchObject({ status: 'ended', doorOpened: true, answeredBy: `phone:${p.residentId}`, accessEventId: released.eventId });
  });
});

describe('phone-call handler: hostile events', () => {
  beforeAll(() => useStackEnvironment());

  const event = (type: string, over: { attributes?: Record<string, string>; to?: string; actionData?: Record<string, unknown> } = {}) => ({
    SchemaVersion: '1.0',
    Sequence: 3,
    InvocationEventType: type,
    ...(over.actionData ? { ActionData: over.actionData } : {}),
    CallDetails: {
      TransactionId: 'tx-forged',
      AwsAccountId: '000000000000',
      AwsRegion: 'us-east-1',
      SipMediaApplicationId: 'sma',
      ...(over.attributes ? { TransactionAttributes: over.attributes } : {}),
      Participants: [{ CallId: 'leg-1', ParticipantTag: 'LEG-A', To: over.to ?? PHONE, From: '+15555550100', Direction: 'Outbound', Status: 'Connected' }],
    },
  });
  const invoke = (e: unknown) => handler(e, lambdaContext(10_000)) as Promise<{ Actions: Array<{ Type: string }> }>;

  it('a malformed event is refused (the invocation fails)', async () => {
    await expect(invoke({ hello: 'world' })).rejects.toThrow(/malformed/);
    await expect(invoke({ ...event('CALL_ANSWERED'), SchemaVersion: '2.0' })).rejects.toThrow(/malformed/);
  });

  it('arguments that are not ours, or name a call that is not ringing for this phone, hang up and change nothing', async () => {
    expect((await invoke(event('CALL_ANSWERED'))).Actions.map((a) => a.Type)).toEqual(['Hangup']);
    expect((await invoke(event('CALL_ANSWERED', { attributes: { propertyId: p.id, callId: 'call_x', residentId: p.residentId, extra: '1' } }))).Actions.map((a) => a.Type)).toEqual(
      ['Hangup'],
    );
    const forged = { propertyId: p.id, callId: 'call_01ARZ3NDEKTSV4RRFFQ69G5FAV', residentId: p.residentId };
    expect((await invoke(event('CALL_ANSWERED', { attributes: forged }))).Actions.map((a) => a.Type)).toEqual(['Speak', 'Hangup']);

    // A real ringing call, but the leg rang another number than the resident's: not this phone's call.
    const { callId, phone } = await ring();
    const real = { propertyId: p.id, callId, residentId: p.residentId };
    expect((await invoke(event('CALL_ANSWERED', { attributes: real, to: '+15555550999' }))).Actions.map((a) => a.Type)).toEqual(['Speak', 'Hangup']);
    // Digits with forged attributes for another property: refused by the domain, nothing opens.
    const other = await newProperty('Other Tower');
    const digits = { Type: 'SpeakAndGetDigits', ReceivedDigits: '9', Parameters: {} };
    await invoke(event('ACTION_SUCCESSFUL', { attributes: { propertyId: other.id, callId, residentId: p.residentId }, actionData: digits }));
    await eventually(async () => (await getCall(callId)).status === 'ringing');
    expect(await getCall(callId)).toMatchObject({ status: 'ringing', doorOpened: false });
    await pstn({ action: 'hangup', transactionId: phone.transactionId });
  });
});
