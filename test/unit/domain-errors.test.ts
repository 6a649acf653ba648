import { describe, expect, it } from 'vitest';
import { conflict, type DomainError, forbidden, invalid, notFound } from '../../functions/domain/errors.ts';
import { knownProblem, problemFromDomain } from '../../functions/http/problem.ts';
import { problemResponse } from '../../functions/http/handler.ts';

/**
 * The domain throws DomainError; the HTTP shell answers the same RFC 9457 problems the
 * API sent when the domain threw HTTP problems itself (status, type, title, detail,
 * extensions, headers: byte for byte).
 */
const rendered = (error: DomainError) => {
  const response = problemResponse(problemFromDomain(error)) as { statusCode: number; headers: Record<string, string>; body: string };
  return { status: response.statusCode, headers: response.headers, body: response.body };
};
const headers = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };

describe('domain errors as HTTP problems', () => {
  it('invalid: 400 validation with the field errors', () => {
    expect(rendered(invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]))).toEqual({
      status: 400,
      headers,
      body: '{"type":"urn:lobby:problem:validation","title":"Your request is not valid","status":400,"detail":"to is before from","errors":[{"path":"to","message":"must not be before from"}]}',
    });
    expect(rendered(invalid('cursor is not valid')).body).toBe(
      '{"type":"urn:lobby:problem:validation","title":"Your request is not valid","status":400,"detail":"cursor is not valid"}',
    );
  });

  it('not-found: 404, forbidden: 403', () => {
    expect(rendered(notFound('No such property'))).toEqual({
      status: 404,
      headers,
      body: '{"type":"urn:lobby:problem:not-found","title":"Not found","status":404,"detail":"No such property"}',
    });
    expect(rendered(forbidden('Only operators create properties'))).toEqual({
      status: 403,
      headers,
      body: '{"type":"urn:lobby:problem:forbidden","title":"Forbidden","status":403,"detail":"Only operators create properties"}',
    });
  });

  it('conflict: 409 with its slug as the type; too-many-passes keeps its own title', () => {
    expect(rendered(conflict('The pass changed meanwhile; try again'))).toEqual({
      status: 409,
      headers,
      body: '{"type":"urn:lobby:problem:conflict","title":"Conflict","status":409,"detail":"The pass changed meanwhile; try again"}',
    });
    expect(rendered(conflict('This is the last admin of the property', 'last-admin')).body).toBe(
      '{"type":"urn:lobby:problem:last-admin","title":"Conflict","status":409,"detail":"This is the last admin of the property"}',
    );
    expect(rendered(conflict('A resident may have at most 5 active passes at this property; cancel one first', 'too-many-passes')).body).toBe(
      '{"type":"urn:lobby:problem:too-many-passes","title":"Too many active passes","status":409,"detail":"A resident may have at most 5 active passes at this property; cancel one first"}',
    );
  });

  it("only Problems and DomainErrors are known; anything else is the shell's 500/503 to decide", () => {
    expect(knownProblem(notFound('x'))?.status).toBe(404);
    expect(knownProblem(new Error('boom'))).toBeUndefined();
    expect(knownProblem({ kind: 'not-found', message: 'x' })).toBeUndefined();
  });
});
