import * as z from 'zod';

/**
 * Protocol versions are "MAJOR.MINOR". A minor version only adds optional fields, and every
 * receiver drops fields it does not know (the schemas strip them), so both ends keep working
 * across minors. A different major is refused, never guessed at: the cloud answers a request
 * with `unsupported-protocol-version` and drops other messages with a warning; a panel logs an
 * error, ignores the message (it keeps deciding from the set it holds) and shows the refused
 * version in its status. A message without the field predates versioning: it is 1.0.
 */
export const PROTOCOL_VERSION = '1.2';
/**
 * 1.1 added calls (call.start, call.timeout, call.end, directory.sync, call state, an unlock's callId).
 * 1.2 adds the package room: an access event's `delivery` and `pickup`; resident door PINs and
 * per-door limits in the credential set.
 */
const UNVERSIONED = '1.0';
const VERSION_FORMAT = /^(\d{1,4})\.(\d{1,4})$/;

export const protocolVersion = z.string().regex(VERSION_FORMAT, 'must be MAJOR.MINOR').default(UNVERSIONED);

export const majorOf = (version: string): number => Number(VERSION_FORMAT.exec(version)?.[1] ?? Number.NaN);

/** Both ends speak the same major. */
export const compatibleVersion = (version: string): boolean => majorOf(version) === majorOf(PROTOCOL_VERSION);

export type ReadResult<T> =
  | { ok: true; message: T }
  /** a message of another major: refuse it, say so */
  | { ok: false; reason: 'unsupported-version'; version: string }
  /** not a message of this kind; `issues` are paths and messages only, never values (codes must not reach logs) */
  | { ok: false; reason: 'invalid'; issues: string[] };

/** Parses one received message: the version first (another major is refused), then the schema. */
export function readMessage<S extends z.ZodType>(schema: S, raw: unknown): ReadResult<z.output<S>> {
  const version = typeof raw === 'object' && raw !== null ? (raw as { protocolVersion?: unknown }).protocolVersion : undefined;
  if (typeof version === 'string' && VERSION_FORMAT.test(version) && !compatibleVersion(version)) return { ok: false, reason: 'unsupported-version', version };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid', issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`) };
  return { ok: true, message: parsed.data };
}
