import { describe, expect, it } from 'vitest';
import { scheduleAllows } from '../../iot/protocol/schedule.ts';
import type { Schedule } from '../../functions/schemas/common.ts';

/**
 * Schedules are wall-clock times in the property's zone. Around the DST changes in New York
 * (2026-03-08 02:00 EST -> EDT, 2026-11-01 02:00 EDT -> EST) the UTC instants of "08:00" and
 * "18:00" move by an hour; a fixed offset would be an hour off for half the year.
 */
const NY = 'America/New_York';
const every: Schedule = { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '08:00', to: '18:00' };
const allows = (schedule: Schedule, iso: string) => scheduleAllows(schedule, new Date(iso), NY);

describe('schedules across daylight saving time (America/New_York)', () => {
  it('the day before spring forward: EST, UTC-5', () => {
    expect(allows(every, '2026-03-07T12:59:00Z')).toBe(false); // 07:59 EST
    expect(allows(every, '2026-03-07T13:00:00Z')).toBe(true); // 08:00 EST
    expect(allows(every, '2026-03-07T22:59:00Z')).toBe(true); // 17:59 EST
    expect(allows(every, '2026-03-07T23:00:00Z')).toBe(false); // 18:00 EST
  });

  it('the day of spring forward (2026-03-08): 08:00 is already EDT, UTC-4', () => {
    expect(allows(every, '2026-03-08T11:59:00Z')).toBe(false); // 07:59 EDT
    expect(allows(every, '2026-03-08T12:00:00Z')).toBe(true); // 08:00 EDT (07:00 if EST were assumed)
    expect(allows(every, '2026-03-08T13:00:00Z')).toBe(true);
    expect(allows(every, '2026-03-08T21:59:00Z')).toBe(true); // 17:59 EDT
    expect(allows(every, '2026-03-08T22:00:00Z')).toBe(false); // 18:00 EDT (17:00 if EST were assumed)
  });

  it('the day before fall back: EDT, UTC-4', () => {
    expect(allows(every, '2026-10-31T11:59:00Z')).toBe(false);
    expect(allows(every, '2026-10-31T12:00:00Z')).toBe(true);
    expect(allows(every, '2026-10-31T21:59:00Z')).toBe(true);
    expect(allows(every, '2026-10-31T22:00:00Z')).toBe(false);
  });

  it('the day of fall back (2026-11-01): 08:00 is EST again, UTC-5', () => {
    expect(allows(every, '2026-11-01T12:00:00Z')).toBe(false); // 07:00 EST (08:00 if EDT were assumed)
    expect(allows(every, '2026-11-01T12:59:00Z')).toBe(false); // 07:59 EST
    expect(allows(every, '2026-11-01T13:00:00Z')).toBe(true); // 08:00 EST
    expect(allows(every, '2026-11-01T22:59:00Z')).toBe(true); // 17:59 EST
    expect(allows(every, '2026-11-01T23:00:00Z')).toBe(false); // 18:00 EST
  });

  it('the repeated hour on 2026-11-01 (01:00-02:00 twice) is inside a night window both times', () => {
    const night: Schedule = { days: ['sat'], from: '22:00', to: '06:00' };
    expect(allows(night, '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT, Saturday night
    expect(allows(night, '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST, the same wall-clock time again
    expect(allows(night, '2026-11-01T10:59:00Z')).toBe(true); // 05:59 EST
    expect(allows(night, '2026-11-01T11:00:00Z')).toBe(false); // 06:00 EST
  });

  it('weekdays are the local day: Sunday evening in New York is Monday in UTC', () => {
    const weekdays: Schedule = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' };
    const lateShift: Schedule = { days: ['sun'], from: '17:00', to: '23:00' };
    expect(allows(weekdays, '2026-03-08T13:00:00Z')).toBe(false); // Sunday 09:00 EDT
    expect(allows(weekdays, '2026-03-09T12:00:00Z')).toBe(true); // Monday 08:00 EDT
    expect(allows(lateShift, '2026-03-09T01:30:00Z')).toBe(true); // Sunday 21:30 EDT, already Monday UTC
  });
});
