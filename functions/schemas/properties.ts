import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { displayText, instant, lazy, page, timezone } from './common.ts';

export const createPropertyBody = schemaOnFirstUse(() => z.strictObject({ name: displayText(120), timezone }));

export const propertySettings = schemaOnFirstUse(() =>
  z.strictObject({
    residentPassesEnabled: z.boolean(),
    codeLength: z.union([z.literal(5), z.literal(6)]),
    visitorMaxHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
    photoRetentionDays: z.number().int().min(1).max(3650),
    passValidHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    passGraceMinutes: z.number().int().min(0).max(120),
    offlinePassPolicy: z.enum(['deny', 'allow-once-and-reconcile']),
    /** Residents' own door PINs (unit + PIN) open entrances too, not only package rooms. */
    residentDoorPinsAtEntrances: z.boolean(),
    /** How many delivery and visitor passes one resident may hold active at once (so one account cannot fill the set). */
    maxActivePassesPerResident: z.number().int().min(1).max(500),
    /** How long audit records are kept (DynamoDB TTL). */
    auditRetentionDays: z.number().int().min(30).max(3650),
    /** How long a call from a panel rings before it is missed. */
    callRingSeconds: z.number().int().min(10).max(120),
    /** A package waiting this long gets one reminder (domain/packages.ts). */
    packageReminderHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    /** How long an accepted call may last before it ends by itself (a forgotten call cannot open the door hours later). */
    callTalkSeconds: z.number().int().min(10).max(1800),
    /** Calls a panel may start in 10 minutes, and calls one unit (or staff member) may be rung in 10 minutes, from every panel. */
    maxCallsPerPanel: z.number().int().min(1).max(1000),
    maxCallsPerUnit: z.number().int().min(1).max(1000),
  }),
);
export type PropertySettings = z.infer<typeof propertySettings>;

export const defaultSettings: PropertySettings = {
  residentPassesEnabled: true,
  codeLength: 6,
  visitorMaxHours: 24,
  photoRetentionDays: 90,
  passValidHours: 24,
  passGraceMinutes: 0,
  offlinePassPolicy: 'deny',
  residentDoorPinsAtEntrances: false,
  maxActivePassesPerResident: 50,
  auditRetentionDays: 400,
  callRingSeconds: 30,
  packageReminderHours: 48,
  callTalkSeconds: 180,
  maxCallsPerPanel: 30,
  maxCallsPerUnit: 10,
};

// An empty patch is refused (400): the document says so (minProperties).
export const patchSettingsBody = schemaOnFirstUse(() =>
  propertySettings
    .partial()
    .refine((s) => Object.keys(s).length > 0, 'at least one setting is required')
    .meta({ minProperties: 1 }),
);

// Responses (built on first use: common.ts `lazy`).
export const propertyView = lazy(() =>
  z.strictObject({ id: z.string(), name: z.string(), timezone: z.string(), settings: propertySettings, createdAt: instant() }).meta({ id: 'Property' }),
);

/** GET /properties: the properties the caller belongs to, with their role there (an operator sees every property). */
export const myPropertiesPage = lazy(() =>
  page(
    z
      .strictObject({
        propertyId: z.string(),
        name: z.string(),
        role: z.enum(['admin', 'staff', 'resident', 'operator']).describe("The caller's membership role; `operator` for an operator who is not a member"),
      })
      .meta({ id: 'PropertyMembership' }),
    'PropertyMembershipPage',
  ),
);

/** One line of the audit trail: who did what to which thing, when. Never a code. */
export const auditPage = lazy(() =>
  page(
    z
      .strictObject({ id: z.string(), at: instant(), actor: z.string(), action: z.string(), target: z.strictObject({ type: z.string(), id: z.string() }) })
      .meta({ id: 'AuditEntry' }),
    'AuditPage',
  ),
);
