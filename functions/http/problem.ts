import { DomainError } from '../domain/errors.ts';

/** RFC 9457 problem details. The HTTP shell throws and renders them; the domain throws DomainError (see fromDomain). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that go with the problem (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toBody(): ProblemBody {
    return { type: `urn:lobby:problem:${this.slug}`, title: this.title, status: this.status, detail: this.detail, ...this.extensions };
  }
}

export const badRequest = (detail: string, errors?: ProblemBody['errors']) => new Problem(400, 'validation', 'Your request is not valid', detail, errors ? { errors } : {});
export const unauthorized = (detail = 'A valid bearer token is required') => new Problem(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail: string) => new Problem(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string, slug = 'conflict') => new Problem(409, slug, 'Conflict', detail);

/** Conflicts whose problem type has a title of its own (API.md); the rest are titled `Conflict`. */
const conflictTitles: Record<string, string> = { 'too-many-passes': 'Too many active passes' };

/** The problem the API answers for a domain refusal (the same status, type, title and detail API.md lists). */
export function problemFromDomain(error: DomainError): Problem {
  switch (error.kind) {
    case 'invalid':
      return badRequest(error.message, error.fieldErrors);
    case 'not-found':
      return notFound(error.message);
    case 'forbidden':
      return forbidden(error.message);
    case 'conflict':
      return new Problem(409, error.slug, conflictTitles[error.slug] ?? 'Conflict', error.message);
  }
}

/** A Problem as it is, a DomainError as its problem; anything else is not ours to render (undefined). */
export function knownProblem(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof DomainError) return problemFromDomain(error);
  return undefined;
}
