import * as z from 'zod';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24-hour)');

/**
 * When a reusable code opens doors, in the property's time zone. `to` before `from` spans
 * midnight. Part of the panel protocol (credential entries carry it), so it lives here and the
 * HTTP schemas import it.
 */
export const schedule = z
  .strictObject({
    days: z
      .array(weekday)
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'days must not repeat'),
    from: clockTime,
    to: clockTime,
  })
  .refine((s) => s.from !== s.to, { message: 'from and to must differ', path: ['to'] });
export type Schedule = z.infer<typeof schedule>;

// Building an Intl.DateTimeFormat costs ~100 µs; a panel decides in a few µs, so keep one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();
const formatFor = (timezone: string) => {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timezone, format);
  }
  return format;
};

/** Wall-clock weekday and minutes-since-midnight at `at` in `timezone` (DST-correct via Intl). */
export function localTime(at: Date, timezone: string): { day: (typeof WEEKDAYS)[number]; minutes: number } {
  const parts = formatFor(timezone).formatToParts(at);
  const get = (type: string) => {
    const part = parts.find((p) => p.type === type);
    if (!part) throw new Error(`Intl gave no ${type} for time zone ${timezone}`);
    return part.value;
  };
  const day = get('weekday').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number];
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const PREVIOUS_DAY: Record<(typeof WEEKDAYS)[number], (typeof WEEKDAYS)[number]> = { sun: 'sat', mon: 'sun', tue: 'mon', wed: 'tue', thu: 'wed', fri: 'thu', sat: 'fri' };

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a schedule allows entry at `at`, in the property's time zone. A window
 * whose `to` is before `from` runs past midnight and belongs to the day it starts.
 */
export function scheduleAllows(schedule: Schedule | undefined, at: Date, timezone: string): boolean {
  if (!schedule) return true;
  const { day, minutes } = localTime(at, timezone);
  const from = toMinutes(schedule.from);
  const to = toMinutes(schedule.to);
  if (from < to) return schedule.days.includes(day) && minutes >= from && minutes < to;
  if (minutes >= from) return schedule.days.includes(day);
  const yesterday = PREVIOUS_DAY[day];
  return minutes < to && schedule.days.includes(yesterday);
}
