import * as z from 'zod';
import { displayText, userId } from './common.ts';

export const putMemberBody = z.strictObject({ role: z.enum(['admin', 'staff']) });

export const moveInBody = z.strictObject({
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
});

export const directoryQuery = z.strictObject({
  q: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
