import * as z from 'zod';
import { displayText } from './common.ts';

export const createDeliveryPassBody = z.strictObject({
  note: displayText(200).optional(),
  validHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .optional(),
});

export const createVisitorPassBody = z
  .strictObject({
    visitorName: displayText(120),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    visitorEmail: z.email().max(254).optional(),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { message: 'must be after startsAt', path: ['endsAt'] });
