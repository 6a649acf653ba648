import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { displayText, lazy } from './common.ts';

/**
 * Rows per PUT .../roster. A cold 300-row sync takes a few seconds on the local stack (bench/roster.ts),
 * so 2,000 rows stay well inside API Gateway's 30 s integration timeout at the function's concurrency,
 * and 2,000 rows of the largest allowed fields (~0.6 KB each) are ~1.2 MB, far below the 10 MB payload limit.
 */
export const MAX_ROSTER_ROWS = 2000;
/** The roster route's body limit (the shell's default is 64 KB): MAX_ROSTER_ROWS rows of the largest allowed fields fit. */
export const ROSTER_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** A calendar date, YYYY-MM-DD, that exists (no 2026-02-30). */
const calendarDate = () =>
  z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date, YYYY-MM-DD')
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
    }, 'must be a real calendar date');

/** The PMS's own id of the resident: the key the roster is matched by. */
export const externalIdPattern = /^[A-Za-z0-9._:@+-]{1,64}$/;

/** One row of the roster. Empty optional fields may come as null (PMS exports do that). */
export const rosterRow = schemaOnFirstUse(() =>
  z
    .strictObject({
      externalId: z.string().regex(externalIdPattern, 'must be 1-64 letters, digits or ._:@+-'),
      name: displayText(120),
      // Unit numbers as the panel's keypad and directory show them: letters, digits and inner space . / -
      unit: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9 ./-]{0,18}[A-Za-z0-9])?$/, 'must be a unit number: 1-20 letters or digits (inner space . / - allowed)'),
      email: z.email().max(254).nullish(),
      phone: z
        .string()
        .regex(/^\+[1-9][0-9]{6,14}$/, 'must be E.164, e.g. +15555550123')
        .nullish(),
      moveInDate: calendarDate(),
      moveOutDate: calendarDate().nullish(),
    })
    .refine((row) => !row.moveOutDate || row.moveOutDate >= row.moveInDate, { path: ['moveOutDate'], message: 'must not be before moveInDate' }),
);

/**
 * The body: rows are checked one by one in the domain (a bad row is reported in `errors` and
 * skipped, the others apply), so the payload schema takes any row and the document describes
 * a row's shape (RosterRow) in its place.
 */
export const rosterBody = schemaOnFirstUse(() => {
  const { $schema: _, ...row } = z.toJSONSchema(rosterRow, { io: 'input' }) as Record<string, unknown>;
  return z.strictObject({
    residents: z
      .array(z.unknown().meta({ ...row, description: 'One resident (RosterRow). Checked row by row: a bad row is reported in `errors` and skipped whole.' }))
      .max(MAX_ROSTER_ROWS, `must have at most ${MAX_ROSTER_ROWS} rows`),
    dryRun: z.boolean().optional(),
  });
});

// Responses (built on first use: common.ts `lazy`).
const externalIds = (what: string) => z.array(z.string()).describe(what);

export const rosterResult = lazy(() =>
  z
    .strictObject({
      dryRun: z.boolean().describe('true: nothing was written; the lists say what the same PUT without dryRun would do now'),
      added: externalIds('New to Lobby: moved in now, or (see `scheduled`) waiting for their moveInDate'),
      updated: externalIds('Changed name, unit, email, phone or dates. A unit change moves the resident out of the old unit and in to the new one (new residentId)'),
      movedOut: externalIds('Moved out now (everything revoked): missing from the roster, or their moveOutDate has come; or a scheduled move-in cancelled'),
      unchanged: externalIds('Nothing to do (a past resident Lobby never had is unchanged too)'),
      scheduled: z
        .array(
          z
            .strictObject({ externalId: z.string(), change: z.enum(['move-in', 'move-out']), date: z.string().describe('YYYY-MM-DD in the property time zone') })
            .meta({ id: 'RosterScheduledChange' }),
        )
        .describe("Rows of this roster with a change still to come on its date (applied by the schedule in the property's time zone)"),
      held: externalIds(
        'Missing from the roster but NOT moved out this time: some rows had no readable externalId (they might be these residents), or the sync ran out of time (send it again)',
      ).optional(),
      errors: z
        .array(
          z
            .strictObject({
              index: z.int().describe('The row (0-based) in `residents`'),
              externalId: z.string().optional(),
              field: z.string().optional().describe('The field at fault, when one is'),
              detail: z.string(),
            })
            .meta({ id: 'RosterRowError' }),
        )
        .describe('Rows skipped whole (never half-applied); every other row was applied'),
    })
    .meta({ id: 'RosterSyncResult' }),
);
