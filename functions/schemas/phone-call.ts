import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';

/*
 * The Amazon Chime SDK PSTN audio contract of the SIP media application's Lambda
 * (handlers/phone-call.ts), as AWS documents it: invocation events in (schema version 1.0)
 * and action lists out. The local PSTN simulator (local/pstn) sends and checks the same shapes.
 */

export const INVOCATION_EVENT_TYPES = [
  'NEW_INBOUND_CALL',
  'NEW_OUTBOUND_CALL',
  'RINGING',
  'CALL_ANSWERED',
  'ACTION_SUCCESSFUL',
  'ACTION_FAILED',
  'ACTION_INTERRUPTED',
  'HANGUP',
  'CALL_UPDATE_REQUESTED',
  'DIGITS_RECEIVED',
  'INVALID_LAMBDA_RESPONSE',
] as const;

const participant = schemaOnFirstUse(() =>
  z.object({
    CallId: z.string().min(1).max(128),
    ParticipantTag: z.enum(['LEG-A', 'LEG-B']),
    To: z.string().max(64),
    From: z.string().max(64),
    Direction: z.enum(['Inbound', 'Outbound']),
    StartTimeInMilliseconds: z.string().max(20).optional(),
    Status: z.enum(['Connected', 'Disconnected']).optional(),
  }),
);

const stringMap = schemaOnFirstUse(() => z.record(z.string().max(1024), z.string().max(1024)));

export const invocationEvent = schemaOnFirstUse(() =>
  z.object({
    SchemaVersion: z.literal('1.0'),
    Sequence: z.number().int().min(1),
    InvocationEventType: z.enum(INVOCATION_EVENT_TYPES),
    ActionData: z
      .object({
        // INVALID_LAMBDA_RESPONSE carries only the error.
        Type: z.string().max(64).optional(),
        Parameters: z.record(z.string(), z.unknown()).optional(),
        ReceivedDigits: z.string().max(128).optional(),
        ErrorType: z.string().max(128).optional(),
        ErrorMessage: z.string().max(1024).optional(),
      })
      .optional(),
    CallDetails: z.object({
      TransactionId: z.string().min(1).max(128),
      TransactionAttributes: stringMap.optional(),
      AwsAccountId: z.string().max(12).optional(),
      AwsRegion: z.string().max(32).optional(),
      SipMediaApplicationId: z.string().max(128).optional(),
      Participants: z.array(participant).min(1).max(2),
    }),
  }),
);
export type InvocationEvent = z.infer<typeof invocationEvent>;

/**
 * What Lobby put in CreateSipMediaApplicationCall's ArgumentsMap (adapters/chime-phone.ts), carried
 * on as TransactionAttributes. Checked like any input: the call must also exist, ring, and have
 * dialed this resident at this number (handlers/phone-call.ts).
 */
const id = schemaOnFirstUse(() => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/));
export const phoneCallArguments = schemaOnFirstUse(() => z.object({ propertyId: id, callId: id, residentId: id }).strict());
export type PhoneCallArguments = z.infer<typeof phoneCallArguments>;

/** What the handler keeps between invocations of one transaction: the arguments, and whether the callee picked up. */
export const phoneCallAttributes = schemaOnFirstUse(() => phoneCallArguments.extend({ answered: z.enum(['yes']).optional() }).strict());

const speech = schemaOnFirstUse(() =>
  z
    .object({
      // Polly, through the Chime SDK: at most 1,000 characters of text.
      Text: z.string().min(1).max(1000),
      Engine: z.enum(['standard', 'neural']).optional(),
      LanguageCode: z.string().max(16).optional(),
      TextType: z.enum(['text', 'ssml']).optional(),
      VoiceId: z.string().max(32).optional(),
    })
    .strict(),
);

export const action = schemaOnFirstUse(() =>
  z.discriminatedUnion('Type', [
    z
      .object({
        Type: z.literal('SpeakAndGetDigits'),
        Parameters: z
          .object({
            CallId: z.string().min(1),
            InputDigitsRegex: z.string().max(64).optional(),
            SpeechParameters: speech,
            FailureSpeechParameters: speech,
            MinNumberOfDigits: z.number().int().min(0).optional(),
            MaxNumberOfDigits: z.number().int().min(1).optional(),
            TerminatorDigits: z.array(z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '#', '*'])).optional(),
            InBetweenDigitsDurationInMilliseconds: z.number().int().positive().optional(),
            Repeat: z.number().int().positive().optional(),
            RepeatDurationInMilliseconds: z.number().int().positive(),
          })
          .strict(),
      })
      .strict(),
    z.object({ Type: z.literal('Speak'), Parameters: speech.extend({ CallId: z.string().min(1) }).strict() }).strict(),
    z
      .object({
        Type: z.literal('Hangup'),
        Parameters: z
          .object({ CallId: z.string().min(1).optional(), ParticipantTag: z.enum(['LEG-A', 'LEG-B']).optional(), SipResponseCode: z.string().regex(/^(0|480|486)$/) })
          .strict(),
      })
      .strict(),
  ]),
);
export type Action = z.infer<typeof action>;

/** At most 10 actions per response; TransactionAttributes: at most 10 pairs of at most 1,024 characters. */
export const actionResponse = schemaOnFirstUse(() =>
  z
    .object({
      SchemaVersion: z.literal('1.0'),
      Actions: z.array(action).max(10),
      TransactionAttributes: stringMap.refine((m) => Object.keys(m).length <= 10, 'at most 10 TransactionAttributes').optional(),
    })
    .strict(),
);
export type ActionResponse = z.infer<typeof actionResponse>;
