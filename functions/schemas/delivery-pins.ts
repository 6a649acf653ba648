import * as z from 'zod';
import { schedule } from '../../iot/protocol/schedule.ts';
import { credentialSync, displayText, instant, keypadCode, lazy, page } from './common.ts';

/**
 * Which doors a PIN opens (default: all): panels of these kinds and these panels. The panels
 * must be the property's; panels it must not open never hold it.
 */
const doorLimits = z
  .strictObject({
    kinds: z
      .array(z.enum(['entrance', 'package-room']))
      .min(1)
      .max(2)
      .optional(),
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
  .refine((b) => Object.keys(b).length > 0, 'at least one of description, pin, schedule, doors is required')
  // An empty patch is refused (400): the document says so.
  .meta({ minProperties: 1 });

// Responses (built on first use: common.ts `lazy`).
const pinFields = () => ({
  id: z.string(),
  description: z.string(),
  pinHint: z.string().describe('The last two digits, e.g. "**56".'),
  schedule: schedule.nullable(),
  doors: z
    .strictObject({ kinds: z.array(z.enum(['entrance', 'package-room'])).optional(), panelIds: z.array(z.string()).optional() })
    .nullable()
    .describe('The doors it opens; null: every door.'),
  createdAt: instant(),
  updatedAt: instant(),
});
export const deliveryPinView = lazy(() => z.strictObject(pinFields()).meta({ id: 'DeliveryPin' }));
export const deliveryPinsPage = lazy(() => page(deliveryPinView(), 'DeliveryPinPage'));
/** POST: the PIN itself, once. */
export const createdDeliveryPin = lazy(() => z.strictObject({ ...pinFields(), pin: z.string() }).meta({ id: 'CreatedDeliveryPin' }));
/** PATCH: a new PIN is echoed once. */
export const patchedDeliveryPin = lazy(() => z.strictObject({ ...pinFields(), pin: z.string().optional() }).meta({ id: 'PatchedDeliveryPin' }));
export const deliveryPinWithSync = lazy(() => z.strictObject({ ...pinFields(), sync: credentialSync() }).meta({ id: 'DeliveryPinWithSync' }));
export const revealedPin = lazy(() => z.strictObject({ pin: z.string() }).meta({ id: 'RevealedPin' }));

/** PUT .../me/door-pin: a resident's own door PIN (the same rules as delivery PINs, checked in the domain). */
export const doorPinBody = z.strictObject({ pin: keypadCode });
