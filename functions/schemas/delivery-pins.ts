import * as z from 'zod';
import { displayText, keypadCode, schedule } from './common.ts';

export const createDeliveryPinBody = z.strictObject({
  description: displayText(100),
  pin: keypadCode,
  schedule: schedule.optional(),
});

export const patchDeliveryPinBody = z
  .strictObject({
    description: displayText(100).optional(),
    pin: keypadCode.optional(),
    /** null clears the schedule: the PIN then opens at any time. */
    schedule: schedule.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one of description, pin, schedule is required');
