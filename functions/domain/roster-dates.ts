/*
 * Calendar dates in a property's time zone, for the roster: a move-in or move-out date is a
 * day where the building is, not in UTC. No imports: the roster and its schedule share it.
 */

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The date (YYYY-MM-DD) it is at `at` in the time zone. */
export function localDate(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** The wall-clock time in the zone at instant `t`, read as if it were UTC (ms). */
function wallClock(t: number, timeZone: string): number {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(part.year as number, (part.month as number) - 1, part.day, part.hour, part.minute, part.second);
}

/** The instant (ISO, UTC) the date begins in the time zone: when a change dated that day is due. */
export function startOfLocalDate(date: string, timeZone: string): string {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  let t = midnight;
  // Move by the zone's offset until the wall clock reads midnight (twice covers an offset change in between).
  for (let i = 0; i < 3; i++) t = midnight - (wallClock(t, timeZone) - t);
  // A zone whose clocks skip midnight (a DST change at 00:00) starts the day at the first instant that is that date.
  while (localDate(new Date(t), timeZone) < date) t += 15 * 60_000;
  return new Date(t).toISOString();
}
