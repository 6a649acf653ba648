import { describe, expect, it } from 'vitest';
import { planRow, type RosterEntry, type RosterRow } from '../../functions/domain/roster.ts';
import { localDate, startOfLocalDate } from '../../functions/domain/roster-dates.ts';
import { MAX_ROSTER_ROWS, ROSTER_MAX_BODY_BYTES, rosterRow } from '../../functions/schemas/roster.ts';

const row: RosterRow = { externalId: 'e1', name: 'Ana', unit: '4B', moveInDate: '2026-11-01' };
const entry = (fields: Partial<RosterEntry> = {}): RosterEntry => ({ ...row, propertyId: 'p', rev: 1, residentId: 'res_1', ...fields });
const TODAY = '2026-12-01';

describe('roster plan (domain/roster.ts planRow)', () => {
  it('new rows move in now, or wait for their date; past residents Lobby never had are ignored', () => {
    expect(planRow(row, undefined, TODAY)).toEqual({ outcome: 'added', moveIn: true, putEntry: true });
    expect(planRow({ ...row, moveInDate: '2026-12-02' }, undefined, TODAY)).toEqual({ outcome: 'added', moveIn: false, putEntry: true });
    expect(planRow({ ...row, moveOutDate: TODAY }, undefined, TODAY)).toEqual({ outcome: 'unchanged' });
  });

  it('the same row is unchanged; details update in place; a new unit is a move out and in; a spelling of the same unit is not', () => {
    expect(planRow(row, entry(), TODAY)).toEqual({ outcome: 'unchanged' });
    expect(planRow({ ...row, email: 'a@example.com' }, entry(), TODAY)).toEqual({ outcome: 'updated', updateResident: true, putEntry: true });
    expect(planRow({ ...row, moveOutDate: '2027-01-01' }, entry(), TODAY)).toEqual({ outcome: 'updated', updateResident: false, putEntry: true });
    expect(planRow({ ...row, unit: '5C' }, entry(), TODAY)).toEqual({ outcome: 'updated', moveOut: true, moveIn: true, putEntry: true });
    expect(planRow({ ...row, unit: '4b' }, entry(), TODAY)).toEqual({ outcome: 'updated', updateResident: true, putEntry: true });
  });

  it('missing, or moveOutDate today or before: moved out; a waiting move-in is cancelled or comes due', () => {
    expect(planRow(undefined, entry(), TODAY)).toEqual({ outcome: 'movedOut', moveOut: true, removeEntry: true });
    expect(planRow({ ...row, moveOutDate: TODAY }, entry(), TODAY)).toEqual({ outcome: 'movedOut', moveOut: true, removeEntry: true });
    const waiting = entry({ residentId: undefined, moveInDate: TODAY });
    expect(planRow(undefined, waiting, TODAY)).toEqual({ outcome: 'movedOut', moveOut: false, removeEntry: true });
    expect(planRow({ ...row, moveInDate: TODAY }, waiting, TODAY)).toEqual({ outcome: 'added', moveIn: true, putEntry: true });
    expect(planRow({ ...row, moveInDate: TODAY }, waiting, '2026-11-30')).toEqual({ outcome: 'unchanged' });
  });
});

describe("roster dates in the property's time zone", () => {
  it('a day starts at local midnight, across DST changes', () => {
    expect(startOfLocalDate('2026-12-01', 'America/New_York')).toBe('2026-12-01T05:00:00.000Z');
    expect(startOfLocalDate('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(startOfLocalDate('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z'); // DST starts at 02:00 that day
    expect(startOfLocalDate('2026-12-01', 'Asia/Tokyo')).toBe('2026-11-30T15:00:00.000Z');
    expect(startOfLocalDate('2026-12-01', 'UTC')).toBe('2026-12-01T00:00:00.000Z');
    // Chile's DST begins at midnight: 2026-09-06 starts at 01:00 local time.
    expect(localDate(new Date(startOfLocalDate('2026-09-06', 'America/Santiago')), 'America/Santiago')).toBe('2026-09-06');
  });

  it("today is the property's date, not UTC's", () => {
    const lateEvening = new Date('2026-12-02T03:00:00Z'); // 22:00 on Dec 1 in New York
    expect(localDate(lateEvening, 'America/New_York')).toBe('2026-12-01');
    expect(localDate(lateEvening, 'UTC')).toBe('2026-12-02');
  });
});

describe('roster limits', () => {
  it("at most 2,000 rows; the largest valid roster fits the route's body limit, which is below the Lambda (6 MB) and API Gateway (10 MB) payload limits", () => {
    expect(MAX_ROSTER_ROWS).toBeLessThanOrEqual(2000);
    const largest = {
      externalId: 'x'.repeat(64),
      name: 'n'.repeat(120),
      unit: `9${'9'.repeat(18)}9`,
      email: `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(57)}.com`,
      phone: '+123456789012345',
      moveInDate: '2026-01-01',
      moveOutDate: '2027-01-01',
    };
    expect(rosterRow.safeParse(largest).success).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify({ residents: Array.from({ length: MAX_ROSTER_ROWS }, () => largest) }));
    expect(bytes).toBeLessThan(ROSTER_MAX_BODY_BYTES);
    expect(ROSTER_MAX_BODY_BYTES).toBeLessThan(6 * 1024 * 1024);
  });

  it('rows are checked strictly: real dates, unit numbers, E.164, no unknown fields, moveOutDate not before moveInDate', () => {
    for (const bad of [
      { moveInDate: '2026-02-30' },
      { moveInDate: '01/12/2026' },
      { unit: '4B#' },
      { unit: ' 4B' },
      { phone: '555-0123' },
      { moveOutDate: '2026-10-01' },
      { floor: 3 },
      { externalId: 'has space' },
      { name: '' },
    ]) {
      expect(rosterRow.safeParse({ ...row, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(rosterRow.safeParse({ ...row, email: null, phone: null, moveOutDate: null }).success).toBe(true);
    expect(rosterRow.safeParse({ ...row, unit: 'PH-2/A' }).success).toBe(true);
  });
});
