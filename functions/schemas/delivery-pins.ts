import * as z from 'zod';
import { displayText, keypadCode, schedule } from './common.ts';

/**
 * Which doors a PIN opens (default: all): panels of these kinds and these panels. The panels
 * must be the property's; panels it must not open never hold it.
 */
const doorLimits = z
  .strictObject({
    kinds: z.array(z.enum(['entrance', 'package-room'])).min(1).max(2).optional(),
    panelIds: z.array(z.string().min(1).max(128)).min(1).max(50).optional(),
  })
  .refine((d) => d.kinds !== undefined || d.panelIds !== undefined, 'give kinds, panelIds or both (null for every door)')
  .meta({ id: 'DoorLimits' });

export const createDeliveryPinBody = z.strictObject({
  description: displayText(100),
  pin: keypadCode,
  schedule: schedule.optional(),
  doors: doorLimits.optional(),
});

export const patchDeliveryPinBody = z
  .strictObject({
    description: displayText(100).optional(),
    pin: keypadCode.optional(),
    /** null clears the schedule: the PIN then opens at any time. */
    schedule: schedule.nullable().optional(),
    /** null: every door again. */
    doors: doorLimits.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one of description, pin, schedule, doors is required');

/** PUT .../me/door-pin: a resident's own door PIN (the same rules as delivery PINs, checked in the domain). */
export const doorPinBody = z.strictObject({ pin: keypadCode });
