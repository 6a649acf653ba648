/** Times as the front desk reads them: local date and time, to the minute (seconds where order matters). */
export function when(iso: string | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: opts.seconds ? 'medium' : 'short' });
}

const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const dayName = (day: string) => DAY_NAMES[day] ?? day;

export function scheduleText(schedule: { days: string[]; from: string; to: string } | null | undefined): string {
  if (!schedule) return 'Any time';
  const days = schedule.days.length === 7 ? 'Every day' : schedule.days.map(dayName).join(', ');
  return `${days}, ${schedule.from}–${schedule.to}`;
}
