import * as z from 'zod';
import { displayText, pathId } from './common.ts';

export const listCallsQuery = z.strictObject({
  status: z.enum(['ringing', 'accepted', 'declined', 'missed', 'ended']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const listNotificationsQuery = z.strictObject({
  residentId: pathId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be E.164, e.g. +15555550123');

/** What a resident may change of their own record (unit and move-in are the property's). `null` removes a contact. */
export const patchMeBody = z
  .strictObject({
    name: displayText(120).optional(),
    contact: z.strictObject({ email: z.email().max(254).nullable().optional(), phone: e164.nullable().optional() }).optional(),
    notify: z
      .strictObject({
        deliveries: z
          .array(z.enum(['app', 'sms', 'email']))
          .max(3)
          .refine((a) => new Set(a).size === a.length, 'must not repeat a channel')
          .optional(),
        calls: z
          .array(z.enum(['app', 'phone']))
          .max(2)
          .refine((a) => new Set(a).size === a.length, 'must not repeat a channel')
          .optional(),
      })
      .optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');

/** An APNs (VoIP) token is 64 hex characters; an FCM registration token is longer and url-safe. */
export const registerDeviceBody = z
  .strictObject({
    platform: z.enum(['apns', 'fcm']),
    token: z
      .string()
      .min(32)
      .max(4096)
      .regex(/^[A-Za-z0-9_:.-]+$/, 'must be a device token'),
  })
  .refine((d) => d.platform !== 'apns' || /^[0-9a-fA-F]{64}$/.test(d.token), { message: 'an APNs token is 64 hexadecimal characters', path: ['token'] });
