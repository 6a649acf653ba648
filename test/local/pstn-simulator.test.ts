import { BadRequestException, ChimeSDKVoiceClient, CreateSipMediaApplicationCallCommand, NotFoundException } from '@aws-sdk/client-chime-sdk-voice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chimePhoneDialer } from '../../functions/adapters/chime-phone.ts';
import { DomainError } from '../../functions/domain/errors.ts';
import { invocationEvent } from '../../functions/schemas/phone-call.ts';
import { type PstnSimulator, startPstnSimulator } from '../../local/pstn/simulator.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';

/**
 * The local PSTN audio stand-in: the Chime SDK Voice client drives its API unmodified, and it
 * drives a SIP media application Lambda with the documented event sequence. Here the Lambda is a
 * script that records what it got (the real handler runs in test/e2e/phone-call.test.ts).
 */
const TO = '+15555550123';
type Event = {
  InvocationEventType: string;
  Sequence: number;
  ActionData?: { Type: string; ReceivedDigits?: string; Parameters?: { Arguments?: Record<string, string> } };
  CallDetails: { TransactionId: string; TransactionAttributes?: Record<string, string>; Participants: Array<{ CallId: string }> };
};

let sim: PstnSimulator;
let received: Event[] = [];
let script: (e: Event) => unknown = () => ({ SchemaVersion: '1.0', Actions: [] });
let voice: ChimeSDKVoiceClient;

const collect = (callId: string) => ({
  Type: 'SpeakAndGetDigits',
  Parameters: {
    CallId: callId,
    InputDigitsRegex: '^[0-9]$',
    MinNumberOfDigits: 1,
    MaxNumberOfDigits: 1,
    RepeatDurationInMilliseconds: 5000,
    SpeechParameters: { Text: 'Press 9 to open the door.' },
    FailureSpeechParameters: { Text: 'Sorry.' },
  },
});

beforeAll(async () => {
  sim = await startPstnSimulator({
    port: 0,
    invoke: async (event) => {
      // Every event the simulator sends is one the real handler's schema accepts.
      expect(invocationEvent.safeParse(event).success).toBe(true);
      received.push(event as Event);
      return script(event as Event);
    },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CHIME_SDK_VOICE: sim.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  voice = new ChimeSDKVoiceClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  voice?.destroy();
  await sim?.stop();
});

const dialer = () => chimePhoneDialer({ sipMediaApplicationId: sim.sipMediaApplicationId, fromPhoneNumber: sim.phoneNumber });
const types = () => received.map((e) => e.InvocationEventType);

describe('local PSTN audio simulator', () => {
  it('dial -> NEW_OUTBOUND_CALL (with the ArgumentsMap) and RINGING; answer -> prompt; 9 -> ACTION_SUCCESSFUL with the digit; Hangup -> HANGUP', async () => {
    received = [];
    script = (e) => {
      const leg = e.CallDetails.Participants[0]?.CallId ?? '';
      switch (e.InvocationEventType) {
        case 'NEW_OUTBOUND_CALL':
          return { SchemaVersion: '1.0', Actions: [], TransactionAttributes: { ...e.ActionData?.Parameters?.Arguments } };
        case 'CALL_ANSWERED':
          return { SchemaVersion: '1.0', Actions: [collect(leg)] };
        case 'ACTION_SUCCESSFUL':
          if (e.ActionData?.Type === 'SpeakAndGetDigits') {
            return {
              SchemaVersion: '1.0',
              Actions: [
                { Type: 'Speak', Parameters: { CallId: leg, Text: `got ${e.ActionData.ReceivedDigits}` } },
                { Type: 'Hangup', Parameters: { CallId: leg, SipResponseCode: '0' } },
              ],
            };
          }
          return { SchemaVersion: '1.0', Actions: [] };
        default:
          return { SchemaVersion: '1.0', Actions: [] };
      }
    };
    const transactionId = await dialer().dial({ propertyId: 'prop_1', callId: 'call_1', residentId: 'res_1', to: TO });
    const call = await sim.press('9', transactionId);
    expect(types()).toEqual(['NEW_OUTBOUND_CALL', 'RINGING', 'CALL_ANSWERED', 'ACTION_SUCCESSFUL', 'HANGUP']);
    expect(received.map((e) => e.Sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(received[0]?.ActionData?.Parameters?.Arguments).toEqual({ propertyId: 'prop_1', callId: 'call_1', residentId: 'res_1' });
    // TransactionAttributes returned on NEW_OUTBOUND_CALL reach every later event.
    expect(received.slice(1).every((e) => e.CallDetails.TransactionAttributes?.callId === 'call_1')).toBe(true);
    expect(received[3]?.ActionData?.ReceivedDigits).toBe('9');
    expect(call).toMatchObject({ transactionId, state: 'ended', to: TO, from: sim.phoneNumber, heard: ['Press 9 to open the door.', 'got 9'] });
  });

  it('keys that do not match the regex -> ACTION_FAILED; the callee hanging up -> HANGUP', async () => {
    received = [];
    script = (e) => ({ SchemaVersion: '1.0', Actions: e.InvocationEventType === 'CALL_ANSWERED' ? [collect(e.CallDetails.Participants[0]?.CallId ?? '')] : [] });
    const transactionId = await dialer().dial({ propertyId: 'p', callId: 'c', residentId: 'r', to: TO });
    await sim.press('*', transactionId);
    expect(types().slice(-2)).toEqual(['CALL_ANSWERED', 'ACTION_FAILED']);
    const after = await sim.hangup(transactionId);
    expect(after.state).toBe('ended');
    expect(types().at(-1)).toBe('HANGUP');
  });

  it('an invalid Lambda response -> INVALID_LAMBDA_RESPONSE and the call is torn down', async () => {
    received = [];
    script = (e) =>
      e.InvocationEventType === 'CALL_ANSWERED'
        ? { SchemaVersion: '1.0', Actions: [{ Type: 'Speak', Parameters: { Text: 'no call id' } }] }
        : { SchemaVersion: '1.0', Actions: [] };
    const transactionId = await dialer().dial({ propertyId: 'p', callId: 'c', residentId: 'r', to: TO });
    const call = await sim.press('9', transactionId);
    expect(types().slice(-2)).toEqual(['CALL_ANSWERED', 'INVALID_LAMBDA_RESPONSE']);
    expect(call.state).toBe('ended');
  });

  it('the API is as strict as the service: unknown SIP media application, bad numbers, a number not in the inventory', async () => {
    const create = (over: Partial<{ SipMediaApplicationId: string; FromPhoneNumber: string; ToPhoneNumber: string }>) =>
      voice.send(new CreateSipMediaApplicationCallCommand({ SipMediaApplicationId: sim.sipMediaApplicationId, FromPhoneNumber: sim.phoneNumber, ToPhoneNumber: TO, ...over }));
    await expect(create({ SipMediaApplicationId: 'nope' })).rejects.toBeInstanceOf(NotFoundException);
    await expect(create({ ToPhoneNumber: '555-0123' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(create({ FromPhoneNumber: '+15555550199' })).rejects.toBeInstanceOf(NotFoundException);
    const unsigned = await fetch(`${sim.endpoint}/sip-media-applications/${sim.sipMediaApplicationId}/calls`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
  });

  it('the dialer refuses when the phone path is off, and a number not in E.164 form before calling AWS', async () => {
    await expect(chimePhoneDialer({}).dial({ propertyId: 'p', callId: 'c', residentId: 'r', to: TO })).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.slug === 'phone-not-configured',
    );
    const before = sim.calls().length;
    await expect(dialer().dial({ propertyId: 'p', callId: 'c', residentId: 'r', to: '5550123' })).rejects.toSatisfy((e) => e instanceof DomainError && e.kind === 'invalid');
    expect(sim.calls().length).toBe(before);
  });
});
