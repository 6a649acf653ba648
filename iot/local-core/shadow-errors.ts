/**
 * Shadow service failures, with the HTTP codes and messages AWS documents
 * ("Device Shadow error messages"). The same error becomes an MQTT `/rejected` document or an
 * HTTP error response of the data-plane API.
 */
export type ShadowErrorCode = 400 | 404 | 409 | 413;

export class ShadowError extends Error {
  constructor(
    readonly code: ShadowErrorCode,
    message: string,
    /** echoed in the `/rejected` document when the request carried one */
    readonly clientToken?: string,
  ) {
    super(message);
    this.name = 'ShadowError';
  }
}

export const ShadowErrors = {
  invalidJson: () => new ShadowError(400, 'Invalid JSON'),
  missingState: (token?: string) => new ShadowError(400, 'Missing required node: state', token),
  stateNotObject: (token?: string) => new ShadowError(400, 'State node must be an object', token),
  sectionNotObject: (section: 'desired' | 'reported', token?: string) => new ShadowError(400, `${section === 'desired' ? 'Desired' : 'Reported'} node must be an object`, token),
  invalidVersion: (token?: string) => new ShadowError(400, 'Invalid version', token),
  invalidClientToken: () => new ShadowError(400, 'Invalid clientToken'),
  tooDeep: (token?: string) => new ShadowError(400, 'JSON contains too many levels of nesting; maximum is 6', token),
  invalidNode: (token?: string) => new ShadowError(400, 'State contains an invalid node', token),
  notFound: (name: string, token?: string) => new ShadowError(404, `No shadow exists with name: '${name}'`, token),
  versionConflict: (token?: string) => new ShadowError(409, 'Version conflict', token),
  tooLarge: (token?: string) => new ShadowError(413, 'The payload exceeds the maximum size allowed', token),
};

/** The error response document: `{ code, message, timestamp, clientToken? }`. */
export function errorDocument(error: ShadowError, timestamp: number) {
  return {
    code: error.code,
    message: error.message,
    timestamp,
    ...(error.clientToken !== undefined && { clientToken: error.clientToken }),
  };
}
