import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { loadStores } from '../adapters/stores.ts';
import { acceptCall, declineCall, openDoor } from '../domain/calls.ts';
import { DomainError } from '../domain/errors.ts';
import { loadProperty } from '../domain/property-record.ts';
import type { Stores } from '../domain/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import {
  type Action,
  type ActionResponse,
  type InvocationEvent,
  invocationEvent,
  type PhoneCallArguments,
  phoneCallArguments,
  phoneCallAttributes,
} from '../schemas/phone-call.ts';

/**
 * The SIP media application's Lambda (Amazon Chime SDK PSTN audio) for the phone path of a call:
 * a resident who takes calls on the phone hears who is at the door and presses 9 to open it.
 *   CALL_ANSWERED -> SpeakAndGetDigits (the property's name, "press 9 to open the door")
 *   digit 9 -> the call accepted and the door opened (domain/calls.ts; the access event's method
 *              is "call"), a confirmation, hang up
 *   another digit, no digit, or the callee hangs up -> the call declined
 * Nothing in the event is trusted: the arguments must name a call that is ringing, dialed this
 * resident, at the number this leg rang. Otherwise the leg is hung up and nothing changes.
 * No phone numbers or digits are logged.
 */
const VOICE = { Engine: 'neural', LanguageCode: 'en-US', TextType: 'text', VoiceId: 'Joanna' } as const;
const OPEN_DIGIT = '9';

const respond = (actions: Action[], attributes?: Record<string, string>): ActionResponse => ({
  SchemaVersion: '1.0',
  Actions: actions,
  ...(attributes ? { TransactionAttributes: attributes } : {}),
});
const speak = (CallId: string, Text: string): Action => ({ Type: 'Speak', Parameters: { CallId, Text, ...VOICE } });
const hangup = (CallId: string): Action => ({ Type: 'Hangup', Parameters: { CallId, SipResponseCode: '0' } });

/** Only letters, digits and simple punctuation of a name reach text-to-speech. */
const speakable = (s: string) =>
  s
    .replace(/[^\p{L}\p{N} .,'&-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);

export function promptFor(callId: string, propertyName: string): Action {
  const Text = `Someone is at the door of ${speakable(propertyName) || 'your building'}. Press 9 to open the door, or any other key to decline.`;
  return {
    Type: 'SpeakAndGetDigits',
    Parameters: {
      CallId: callId,
      InputDigitsRegex: '^[0-9*#]$',
      SpeechParameters: { Text, ...VOICE },
      FailureSpeechParameters: { Text: 'Sorry, I did not get that.', ...VOICE },
      MinNumberOfDigits: 1,
      MaxNumberOfDigits: 1,
      Repeat: 2,
      RepeatDurationInMilliseconds: 8_000,
    },
  };
}

/** Our arguments: CreateSipMediaApplicationCall's ArgumentsMap on NEW_OUTBOUND_CALL, then the TransactionAttributes we returned. */
function argumentsOf(event: InvocationEvent): { args?: PhoneCallArguments; answered: boolean } {
  const attributes = phoneCallAttributes.safeParse(event.CallDetails.TransactionAttributes);
  if (attributes.success) {
    const { answered, ...args } = attributes.data;
    return { args, answered: answered === 'yes' };
  }
  if (event.InvocationEventType !== 'NEW_OUTBOUND_CALL') return { answered: false };
  const fromCreate = phoneCallArguments.safeParse(event.ActionData?.Parameters?.Arguments);
  return { args: fromCreate.success ? fromCreate.data : undefined, answered: false };
}

/** The call this leg may act on: ringing, dialed this resident, and the leg rang the resident's number on record. */
async function ringingFor(stores: Stores, args: PhoneCallArguments, to: string): Promise<boolean> {
  const [call, callee] = await Promise.all([stores.calls.get({ propertyId: args.propertyId, id: args.callId }), stores.callees.get(args.propertyId, args.residentId)]);
  if (!call || !callee || call.status !== 'ringing' || Date.parse(call.ringUntil) <= stores.now().getTime()) return false;
  return call.dialed.includes(args.residentId) && callee.unit === call.unit && callee.phone === to;
}

/** A refusal of the domain (the call was taken, ended, or is not this phone's) is an outcome here, not a failure. */
async function outcome<T>(work: Promise<T>): Promise<T | DomainError> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

export async function onPhoneEvent(stores: Stores, event: InvocationEvent): Promise<ActionResponse> {
  const leg = event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A') ?? event.CallDetails.Participants[0];
  if (!leg) return respond([]);
  const { args, answered } = argumentsOf(event);
  const type = event.InvocationEventType;
  // Events that only tell us something: AWS ignores their actions but keeps TransactionAttributes,
  // which carry the ArgumentsMap (only NEW_OUTBOUND_CALL has it) to the later events.
  if (type === 'NEW_OUTBOUND_CALL' || type === 'RINGING' || type === 'INVALID_LAMBDA_RESPONSE') return respond([], args ? { ...args } : undefined);
  if (!args) {
    logger.warn('phone call: event without valid arguments; hanging up', { type, transactionId: event.CallDetails.TransactionId });
    count('PhoneCallRefused');
    return type === 'HANGUP' ? respond([]) : respond([hangup(leg.CallId)]);
  }
  const attributes = { ...args, answered: 'yes' };
  const ids = { callId: args.callId, propertyId: args.propertyId, transactionId: event.CallDetails.TransactionId };
  const asPhone = { kind: 'phone', residentId: args.residentId } as const;

  if (type === 'CALL_ANSWERED') {
    if (!(await ringingFor(stores, args, leg.To))) {
      logger.info('phone call: answered, but the call is not ringing for this phone; hanging up', ids);
      return respond([speak(leg.CallId, 'This call has ended. Goodbye.'), hangup(leg.CallId)]);
    }
    const property = await loadProperty(stores, args.propertyId);
    return respond([promptFor(leg.CallId, property.name)], attributes);
  }

  if (type === 'HANGUP') {
    // The callee hung up while being asked: declined. A phone that was never answered declines nothing (the app may still ring).
    if (answered) {
      const result = await outcome(declineCall(stores, asPhone, args.propertyId, args.callId));
      logger.info('phone call: hung up', { ...ids, declined: !(result instanceof DomainError) });
    }
    return respond([]);
  }

  const digitsAction = event.ActionData?.Type === 'SpeakAndGetDigits';
  if (type === 'ACTION_SUCCESSFUL' && digitsAction && event.ActionData?.ReceivedDigits === OPEN_DIGIT) {
    const accepted = await outcome(acceptCall(stores, asPhone, args.propertyId, args.callId));
    const opened = accepted instanceof DomainError ? accepted : await outcome(openDoor(stores, asPhone, args.propertyId, args.callId));
    if (opened instanceof DomainError) {
      logger.info('phone call: 9 pressed, but the call could not be taken', { ...ids, refusal: opened.slug });
      return respond([speak(leg.CallId, 'Sorry, this call was already answered or has ended. Goodbye.'), hangup(leg.CallId)], attributes);
    }
    logger.info('phone call: door opened', { ...ids, commandId: opened.commandId });
    count('PhoneCallDoorOpened');
    return respond([speak(leg.CallId, 'The door is open. Goodbye.'), hangup(leg.CallId)], attributes);
  }

  if ((type === 'ACTION_SUCCESSFUL' || type === 'ACTION_FAILED') && digitsAction) {
    // Another key, or no key before the prompt gave up.
    const result = await outcome(declineCall(stores, asPhone, args.propertyId, args.callId));
    logger.info('phone call: declined', { ...ids, declined: !(result instanceof DomainError) });
    return respond([speak(leg.CallId, 'You declined the call. Goodbye.'), hangup(leg.CallId)], attributes);
  }

  // The confirmation spoken, a hang-up under way, an update we did not ask for: nothing more to do.
  if (type === 'ACTION_FAILED') logger.warn('phone call: action failed', { ...ids, action: event.ActionData?.Type, error: event.ActionData?.ErrorType });
  return respond([], attributes);
}

export const handler = middy<unknown, ActionResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (raw) => {
    const parsed = invocationEvent.safeParse(raw);
    if (!parsed.success) {
      // Not a PSTN audio event: refused (the invocation fails) rather than guessed at.
      count('PhoneCallRefused');
      logger.warn('phone call: malformed invocation event refused', { issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')) });
      throw new Error('malformed SIP media application event');
    }
    return onPhoneEvent(await loadStores(), parsed.data);
  });
