/** One field of the input that broke a rule, named by its path in the input (e.g. `endsAt`, `cursor`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * What the domain refuses, as the domain sees it:
 * - `invalid`: the input breaks a rule the schema cannot express (with the fields at fault);
 * - `not-found`: no such thing, or the caller may not know it exists;
 * - `forbidden`: the caller may see it but not do this;
 * - `conflict`: the state does not allow it now (`slug` says which state, e.g. `last-admin`).
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'forbidden' | 'conflict';

/**
 * A rule of the domain said no. The domain does not know who asked: the HTTP shell
 * maps it to an RFC 9457 problem (functions/http/problem.ts), an IoT-rule Lambda logs
 * and drops the message. `message` is written for the caller and never quotes a code.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Which conflict, for a client to act on; `conflict` when nothing more specific fits. */
    readonly slug: string = kind,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
  }
}

export const invalid = (detail: string, fieldErrors?: FieldError[]) => new DomainError('invalid', detail, 'validation', fieldErrors);
export const notFound = (detail: string) => new DomainError('not-found', detail);
export const forbidden = (detail: string) => new DomainError('forbidden', detail);
export const conflict = (detail: string, slug = 'conflict') => new DomainError('conflict', detail, slug);
