import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';

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

export const userId = schemaOnFirstUse(() => z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'must be 1-128 letters, digits or ._:@+-'));

/** Any id in a path (property, PIN, pass, panel, command...): the same safe charset, so no key separator (#) or oversized key reaches the table. */
export const pathId = schemaOnFirstUse(() => z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'must be 1-128 letters, digits or ._:@+-'));

/** Keypad codes are strings: leading zeros matter. The length rule is per property. */
export const keypadCode = schemaOnFirstUse(() => z.string().regex(/^[0-9]{4,8}$/, 'must be a string of digits'));

// Schedules are part of the panel protocol (credential entries carry them): defined there. Only the
// type is re-exported: the schema module builds its schemas at load, and most functions never parse one.
export type { Schedule } from '../../iot/protocol/schedule.ts';

export const timezone = schemaOnFirstUse(() =>
  z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz.includes('/') || tz === 'UTC';
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as America/New_York'),
);

export const listQuery = schemaOnFirstUse(() =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  }),
);

/*
 * Response schemas. Each route names its success body (routes/<fn>.ts `response`) as a schema
 * built on first call: routes only point at it, so no Lambda builds one at init; the OpenAPI
 * document (built at bundle time) and the contract test (test/support/contract-check.ts) call it.
 * Strict objects: a field a handler sends but the schema lacks fails the contract test.
 * `.meta({ id })` names a schema: it becomes #/components/schemas/<id> in the document.
 */
export function lazy<S extends z.ZodType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
}

/** A time the API writes (ISO-8601; the API's own clock writes UTC). Documented, not parsed: only the contract test checks it. */
export const instant = () => z.string().meta({ format: 'date-time' });

/** One page of a list: `nextCursor` goes back as `cursor` for the next page. */
export const page = <S extends z.ZodType>(item: S, id: string) =>
  z
    .strictObject({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Opaque; send it back as `cursor` for the next page. null on the last page.'),
    })
    .meta({ id });

const syncStates = ['setting', 'set', 'removing', 'removed'] as const;

/** "Is it on the doors yet?", on every credential's GET. */
export const credentialSync = lazy(() =>
  z
    .strictObject({
      state: z.enum(syncStates),
      claimedInCloud: z.boolean().optional().describe('A single-use code redeemed in the cloud: nothing left to send to panels.'),
      panels: z.array(
        z.strictObject({
          panelId: z.string(),
          state: z.enum([...syncStates, 'offline']),
          since: instant().nullable().describe('When the change was made, or the heartbeat that confirmed it.'),
        }),
      ),
    })
    .meta({ id: 'CredentialSync' }),
);
