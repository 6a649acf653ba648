import * as z from 'zod';

/** Free text shown to people: trimmed, NFC, no control or bidi-override characters. */
export const displayText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(max, `must be at most ${max} characters`)
        .refine((s) => s.isWellFormed(), 'must be well-formed Unicode')
        .refine((s) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]/u.test(s), 'must not contain control or invisible formatting characters'),
    );

export const userId = z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'must be 1-128 letters, digits or ._:@+-');

/** Any id in a path (property, PIN, pass, panel, command...): the same safe charset, so no key separator (#) or oversized key reaches the table. */
export const pathId = z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'must be 1-128 letters, digits or ._:@+-');

/** Keypad codes are strings: leading zeros matter. The length rule is per property. */
export const keypadCode = z.string().regex(/^[0-9]{4,8}$/, 'must be a string of digits');

// Schedules are part of the panel protocol (credential entries carry them): defined there.
export { schedule, weekday, type Schedule } from '../../iot/protocol/schedule.ts';

export const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
