import type { Construct } from 'constructs';
import { STAGE_PATTERN } from '../iot/protocol/topics.ts';

/**
 * Every `lobby:*` context key (cdk.json or `-c lobby:key=value`), read and checked in one place.
 * README "Deploy to AWS" lists them for operators.
 */
export const CONTEXT = {
  stage: 'lobby:stage',
  alarmTopicArn: 'lobby:alarmTopicArn',
  alarmEmail: 'lobby:alarmEmail',
  cognitoFeaturePlan: 'lobby:cognitoFeaturePlan',
  sesIdentityArn: 'lobby:sesIdentityArn',
  fromEmail: 'lobby:fromEmail',
  logLevel: 'lobby:logLevel',
  tracing: 'lobby:tracing',
  traceSampleRate: 'lobby:traceSampleRate',
  iotLogging: 'lobby:iotLogging',
  panelOfflineMinutes: 'lobby:panelOfflineMinutes',
  pushApnsArn: 'lobby:pushApnsArn',
  pushFcmArn: 'lobby:pushFcmArn',
  phoneNumber: 'lobby:phoneNumber',
  smsOriginationIdentity: 'lobby:smsOriginationIdentity',
  smsConfigurationSet: 'lobby:smsConfigurationSet',
  corsOrigins: 'lobby:corsOrigins',
} as const;

export const DEFAULT_STAGE = 'dev';
export type FeaturePlanName = 'lite' | 'essentials' | 'plus';
export type LogLevelName = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type TracingName = 'sampled' | 'off';

export interface LobbySettings {
  stage: string;
  alarmTopicArn?: string;
  alarmEmail?: string;
  cognitoFeaturePlan: FeaturePlanName;
  sesIdentityArn?: string;
  fromEmail?: string;
  logLevel: LogLevelName;
  tracing: TracingName;
  traceSampleRate: number;
  iotLogging: boolean;
  panelOfflineMinutes: number;
  /** SNS platform applications for app pushes (APNs VoIP, FCM); absent: that platform's pushes are off. */
  pushApnsArn?: string;
  pushFcmArn?: string;
  /** E.164 number in the account's Chime SDK inventory that phone calls come from; absent: the phone path is off. */
  phoneNumber?: string;
  /** End User Messaging SMS: the origination identity (phone number, pool or sender id ARN) notifications are texted from; absent: SMS is off. */
  smsOriginationIdentity?: string;
  /** Its configuration set (event destinations, spend limits), by name; optional. */
  smsConfigurationSet?: string;
  /** Browser origins allowed to call the API (CORS), exact: `https://admin.example.com`; none: no CORS (`corsOrigins`). */
  corsOrigins: string[];
}

/**
 * CORS, the same rules in AWS (lib/api.ts, the HTTP API's corsPreflight) and locally (local/api-gateway.ts):
 * only these request headers, these response headers readable by the page, preflights cached an hour.
 */
export const CORS = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  exposeHeaders: ['Retry-After', 'Location', 'WWW-Authenticate'],
  maxAgeSeconds: 3600,
} as const;

/**
 * `lobby:corsOrigins` (a JSON list, or a comma-separated string from `-c`): exact origins, scheme and host (and
 * port), no path, no wildcard. The console (issue 13) adds its own origin to this list; `npm start` reads the
 * same context from cdk.json, plus `--cors-origin` flags. Anything else fails (the synth, or the start).
 */
export function corsOrigins(raw: unknown): string[] {
  if (raw === undefined || raw === '' || raw === null) return [];
  const list = Array.isArray(raw) ? raw : String(raw).trim().startsWith('[') ? (JSON.parse(String(raw)) as unknown[]) : String(raw).split(',');
  return [
    ...new Set(
      list.map((origin) => {
        const value = String(origin).trim();
        return /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(value)
          ? value
          : fail(CONTEXT.corsOrigins, 'a list of exact origins like "https://admin.example.com" (no path, no "*")', origin);
      }),
    ),
  ];
}

const fail = (key: string, want: string, got: unknown): never => {
  throw new Error(`${key} must be ${want}, got ${JSON.stringify(got)}`);
};

function oneOf<T extends string>(raw: unknown, key: string, values: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  const value = String(raw);
  return (values as readonly string[]).includes(value) ? (value as T) : fail(key, values.map((v) => `"${v}"`).join(' or '), raw);
}

function bool(raw: unknown, key: string, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return fail(key, 'true or false', raw);
}

function number(raw: unknown, key: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= min && value <= max ? value : fail(key, `a number from ${min} to ${max}`, raw);
}

function optional(raw: unknown, key: string, pattern: RegExp, want: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  return pattern.test(String(raw)) ? String(raw) : fail(key, want, raw);
}

export function lobbySettings(scope: Construct): LobbySettings {
  const get = (key: string) => scope.node.tryGetContext(key) as unknown;
  const stage = String(get(CONTEXT.stage) ?? DEFAULT_STAGE);
  if (!STAGE_PATTERN.test(stage)) fail(CONTEXT.stage, `lower-case letters and digits, starting with a letter, at most 12 (${STAGE_PATTERN})`, stage);
  const sesIdentityArn = optional(
    get(CONTEXT.sesIdentityArn),
    CONTEXT.sesIdentityArn,
    /^arn:aws[\w-]*:ses:[\w-]+:\d{12}:identity\/.+$/,
    'an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)',
  );
  const fromEmail = optional(
    get(CONTEXT.fromEmail),
    CONTEXT.fromEmail,
    /^([^<>@\s]+ <)?[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>?$/,
    'an e-mail address ("Lobby <no-reply@example.com>" or no-reply@example.com)',
  );
  if (Boolean(sesIdentityArn) !== Boolean(fromEmail)) throw new Error(`${CONTEXT.sesIdentityArn} and ${CONTEXT.fromEmail} go together`);
  return {
    stage,
    alarmTopicArn: optional(get(CONTEXT.alarmTopicArn), CONTEXT.alarmTopicArn, /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN'),
    alarmEmail: optional(get(CONTEXT.alarmEmail), CONTEXT.alarmEmail, /^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$/, 'an e-mail address'),
    cognitoFeaturePlan: oneOf(get(CONTEXT.cognitoFeaturePlan), CONTEXT.cognitoFeaturePlan, ['lite', 'essentials', 'plus'] as const, 'lite'),
    sesIdentityArn,
    fromEmail,
    logLevel: oneOf(get(CONTEXT.logLevel), CONTEXT.logLevel, ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'INFO'),
    tracing: oneOf(get(CONTEXT.tracing), CONTEXT.tracing, ['sampled', 'off'] as const, 'sampled'),
    traceSampleRate: number(get(CONTEXT.traceSampleRate), CONTEXT.traceSampleRate, 0.01, 0, 1),
    // IoT logging is one setting per account and region: by default only prod owns it.
    iotLogging: bool(get(CONTEXT.iotLogging), CONTEXT.iotLogging, stage === 'prod'),
    panelOfflineMinutes: number(get(CONTEXT.panelOfflineMinutes), CONTEXT.panelOfflineMinutes, 15, 5, 1440),
    pushApnsArn: optional(
      get(CONTEXT.pushApnsArn),
      CONTEXT.pushApnsArn,
      /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:app\/APNS_VOIP(_SANDBOX)?\/[\w.-]{1,256}$/,
      'an SNS platform application ARN for APNs VoIP (arn:aws:sns:<region>:<account>:app/APNS_VOIP/<name>)',
    ),
    pushFcmArn: optional(
      get(CONTEXT.pushFcmArn),
      CONTEXT.pushFcmArn,
      /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:app\/GCM\/[\w.-]{1,256}$/,
      'an SNS platform application ARN for FCM (arn:aws:sns:<region>:<account>:app/GCM/<name>)',
    ),
    phoneNumber: optional(get(CONTEXT.phoneNumber), CONTEXT.phoneNumber, /^\+[1-9]\d{1,14}$/, "an E.164 phone number (+15555550100) in the account's Chime SDK inventory"),
    smsOriginationIdentity: optional(
      get(CONTEXT.smsOriginationIdentity),
      CONTEXT.smsOriginationIdentity,
      /^arn:aws[\w-]*:sms-voice:[\w-]+:\d{12}:(phone-number|pool|sender-id)\/[\w.:-]{1,256}$/,
      'an End User Messaging SMS origination identity ARN (arn:aws:sms-voice:<region>:<account>:phone-number/<id>, pool/<id> or sender-id/<id>)',
    ),
    corsOrigins: corsOrigins(get(CONTEXT.corsOrigins)),
    smsConfigurationSet: optional(get(CONTEXT.smsConfigurationSet), CONTEXT.smsConfigurationSet, /^[\w-]{1,64}$/, 'an End User Messaging SMS configuration set name'),
  };
}
