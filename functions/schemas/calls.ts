import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { displayText, instant, lazy, page, pathId } from './common.ts';

export const listCallsQuery = schemaOnFirstUse(() =>
  z.strictObject({
    status: z.enum(['ringing', 'accepted', 'declined', 'missed', 'ended']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  }),
);

export const listNotificationsQuery = schemaOnFirstUse(() =>
  z.strictObject({
    residentId: pathId.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  }),
);

const e164 = schemaOnFirstUse(() => z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be E.164, e.g. +15555550123'));

/** What a resident may change of their own record (unit and move-in are the property's). `null` removes a contact. */
export const patchMeBody = schemaOnFirstUse(() =>
  z
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
    .refine((b) => Object.keys(b).length > 0, 'at least one field is required')
    // An empty patch is refused (400): the document says so.
    .meta({ minProperties: 1 }),
);

/** An APNs (VoIP) token is 64 hex characters; an FCM registration token is longer and url-safe. */
export const registerDeviceBody = schemaOnFirstUse(() =>
  z
    .strictObject({
      platform: z.enum(['apns', 'fcm']),
      token: z
        .string()
        .min(32)
        .max(4096)
        .regex(/^[A-Za-z0-9_:.-]+$/, 'must be a device token'),
    })
    .refine((d) => d.platform !== 'apns' || /^[0-9a-fA-F]{64}$/.test(d.token), { message: 'an APNs token is 64 hexadecimal characters', path: ['token'] }),
);

// Responses (built on first use: common.ts `lazy`).
const mediaSession = () =>
  z
    .strictObject({
      role: z.enum(['MASTER', 'VIEWER']),
      channelArn: z.string(),
      signalingUrl: z.string().describe('A SigV4-presigned WSS URL for this channel and role only; short-lived.'),
      iceServers: z.array(z.strictObject({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() })),
      expiresAt: instant(),
      clientId: z.string().optional(),
    })
    .meta({ id: 'MediaSession' });
export const callView = lazy(() =>
  z
    .strictObject({
      id: z.string(),
      panelId: z.string(),
      status: z.enum(['ringing', 'accepted', 'declined', 'missed', 'ended']),
      startedAt: instant(),
      ringUntil: instant(),
      talkUntil: instant().optional().describe('Accepted: the call ends by itself then (callTalkSeconds after the answer); no door after it.'),
      answeredAt: instant().optional(),
      endedAt: instant().optional(),
      answeredBy: z.string().optional().describe('Admins and staff: the user id (or phone:<residentId>). A resident: "you", "another resident" or "phone".'),
      declinedByYou: z.literal(true).optional().describe('This resident declined; the call may still ring the others of the unit.'),
      doorOpened: z.boolean(),
      commandId: z.string().optional(),
      unit: z.string().nullable(),
      staff: z.boolean(),
      accessEventId: z.string().optional(),
      media: mediaSession().optional(),
    })
    .meta({ id: 'Call' }),
);
export const callsPage = lazy(() => page(callView(), 'CallPage'));
/** 202: the door's unlock is on its way (as a remote unlock). */
export const callDoorOpened = lazy(() => z.strictObject({ commandId: z.string(), expiresAt: instant() }).meta({ id: 'CallDoorOpened' }));

export const notificationsPage = lazy(() =>
  page(
    z
      .strictObject({
        id: z.string(),
        kind: z.enum(['package-delivered', 'package-reminder', 'pass-used', 'visitor-arrived', 'call-missed', 'visitor-invitation']),
        channel: z.enum(['app', 'sms', 'email']),
        to: z.string().describe('Masked.'),
        status: z.enum(['queued', 'sent', 'failed']),
        attempts: z.number().int(),
        createdAt: instant(),
        sentAt: instant().optional(),
        residentId: z.string(),
      })
      .meta({ id: 'Notification' }),
    'NotificationPage',
  ),
);

export const meView = lazy(() =>
  z
    .strictObject({
      residentId: z.string(),
      name: z.string(),
      unit: z.string(),
      contact: z.strictObject({ email: z.string().optional(), phone: z.string().optional(), phoneVerified: z.boolean().optional() }),
      notify: z.strictObject({ deliveries: z.array(z.enum(['app', 'sms', 'email'])), calls: z.array(z.enum(['app', 'phone'])) }),
    })
    .meta({ id: 'Me' }),
);
export const registeredDevice = lazy(() => z.strictObject({ id: z.string(), platform: z.enum(['apns', 'fcm']) }).meta({ id: 'Device' }));
