import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { displayText, instant, lazy, page, userId } from './common.ts';

export const putMemberBody = schemaOnFirstUse(() => z.strictObject({ role: z.enum(['admin', 'staff']) }));

export const moveInBody = schemaOnFirstUse(() =>
  z.strictObject({
    userId,
    name: displayText(120),
    unit: displayText(20),
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'must be E.164, e.g. +15555550123')
      .optional(),
    notify: z
      .array(z.enum(['app', 'sms', 'email']))
      .max(3)
      .optional(),
  }),
);

export const directoryQuery = schemaOnFirstUse(() =>
  z.strictObject({
    q: z.string().max(60).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  }),
);

// Responses (built on first use: common.ts `lazy`).
export const memberView = lazy(() => z.strictObject({ userId: z.string(), role: z.enum(['admin', 'staff', 'resident']), since: instant() }).meta({ id: 'Member' }));
export const membersPage = lazy(() => page(memberView(), 'MemberPage'));

export const residentView = lazy(() =>
  z
    .strictObject({
      id: z.string(),
      userId: z.string(),
      name: z.string(),
      unit: z.string(),
      email: z.string().optional(),
      phone: z.string().optional(),
      notify: z.array(z.enum(['app', 'sms', 'email'])),
      movedInAt: instant(),
      movedOutAt: instant().optional(),
      externalId: z.string().optional().describe("The property-management system's id, for a resident its roster sync moved in"),
    })
    .meta({ id: 'Resident' }),
);
export const residentsPage = lazy(() => page(residentView(), 'ResidentPage'));

export const directoryPage = lazy(() => page(z.strictObject({ residentId: z.string(), name: z.string(), unit: z.string() }).meta({ id: 'DirectoryEntry' }), 'DirectoryPage'));

/** POST .../me/phone-verification/confirm: the 6 digits texted to the resident. */
export const phoneVerificationConfirmBody = schemaOnFirstUse(() => z.strictObject({ code: z.string().regex(/^[0-9]{6}$/, 'must be the 6 digits texted to you') }));
export const phoneVerificationSent = lazy(() => z.strictObject({ expiresAt: instant() }).meta({ id: 'PhoneVerificationSent' }));
