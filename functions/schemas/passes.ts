import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { credentialSync, displayText, instant, lazy, page } from './common.ts';

export const createDeliveryPassBody = schemaOnFirstUse(() =>
  z.strictObject({
    note: displayText(200).optional(),
    validHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7)
      .optional(),
  }),
);

export const createVisitorPassBody = schemaOnFirstUse(() =>
  z
    .strictObject({
      visitorName: displayText(120),
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.iso.datetime({ offset: true }),
      visitorEmail: z.email().max(254).optional(),
    })
    .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { message: 'must be after startsAt', path: ['endsAt'] }),
);

// Responses (built on first use: common.ts `lazy`).
const deliveryPassFields = () => ({
  id: z.string(),
  status: z.enum(['active', 'used', 'cancelled', 'expired']),
  codeHint: z.string(),
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: instant(),
  expiresAt: instant(),
  usedAt: instant().nullable(),
  eventId: z.string().nullable(),
});
export const deliveryPassView = lazy(() => z.strictObject(deliveryPassFields()).meta({ id: 'DeliveryPass' }));
export const deliveryPassesPage = lazy(() => page(deliveryPassView(), 'DeliveryPassPage'));
/** POST: the code and the text to share it with, once. */
export const createdDeliveryPass = lazy(() => z.strictObject({ ...deliveryPassFields(), code: z.string(), shareText: z.string() }).meta({ id: 'CreatedDeliveryPass' }));
/** GET: the code only to whoever made it, while it is active. */
export const deliveryPassWithSync = lazy(() =>
  z.strictObject({ ...deliveryPassFields(), code: z.string().optional(), sync: credentialSync() }).meta({ id: 'DeliveryPassWithSync' }),
);
export const revealedPassCode = lazy(() => z.strictObject({ code: z.string() }).meta({ id: 'RevealedPassCode' }));

const visitorPassFields = () => ({
  id: z.string(),
  status: z.enum(['scheduled', 'active', 'expired', 'revoked']),
  visitorName: z.string(),
  visitorEmail: z.string().nullable(),
  codeHint: z.string(),
  startsAt: instant(),
  endsAt: instant(),
  createdBy: z.string(),
  createdAt: instant(),
});
export const visitorPassView = lazy(() => z.strictObject(visitorPassFields()).meta({ id: 'VisitorPass' }));
export const visitorPassesPage = lazy(() => page(visitorPassView(), 'VisitorPassPage'));
/** POST: the keypad code and the QR token. */
export const createdVisitorPass = lazy(() => z.strictObject({ ...visitorPassFields(), code: z.string(), qr: z.string() }).meta({ id: 'CreatedVisitorPass' }));
/** GET: the code and QR token only to whoever made it, while it is active. */
export const visitorPassWithSync = lazy(() =>
  z.strictObject({ ...visitorPassFields(), code: z.string().optional(), qr: z.string().optional(), sync: credentialSync() }).meta({ id: 'VisitorPassWithSync' }),
);
export const revealedVisitorCode = lazy(() => z.strictObject({ code: z.string(), qr: z.string() }).meta({ id: 'RevealedVisitorCode' }));
