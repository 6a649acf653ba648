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

export const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24-hour)');

/** When a reusable code opens doors, in the property's time zone. `to` before `from` spans midnight. */
export const schedule = z
  .strictObject({
    days: z.array(weekday).min(1).max(7).refine((d) => new Set(d).size === d.length, 'days must not repeat'),
    from: clockTime,
    to: clockTime,
  })
  .refine((s) => s.from !== s.to, { message: 'from and to must differ', path: ['to'] });
export type Schedule = z.infer<typeof schedule>;

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

