/** RFC 9457 problem details. Throw a Problem anywhere; the HTTP layer renders it. */
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

export const badRequest = (detail: string, errors?: ProblemBody['errors']) =>
  new Problem(400, 'validation', 'Your request is not valid', detail, errors ? { errors } : {});
export const unauthorized = (detail = 'A valid bearer token is required') =>
  new Problem(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail: string) => new Problem(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string, slug = 'conflict') => new Problem(409, slug, 'Conflict', detail);
