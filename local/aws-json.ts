import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, type SigV4Verifier } from './sigv4.ts';

/**
 * The AWS JSON protocol (1.0 and 1.1) that the Cognito and End User Messaging SMS stand-ins
 * speak: one POST, SigV4-signed, the operation named by X-Amz-Target, a JSON object in and out,
 * errors as `{ __type, message, ...extra }` with x-amzn-errortype.
 */
export type AwsJsonOperations = Record<string, (input: Record<string, unknown>) => Promise<unknown>>;

export interface AwsJsonService {
  verifier: SigV4Verifier;
  /** e.g. 'AWSCognitoIdentityProviderService.' */
  targetPrefix: string;
  operations: AwsJsonOperations;
  jsonVersion: '1.0' | '1.1';
  maxRequestBytes: number;
  /** the service's own error for an oversized request */
  tooLarge: () => AwsError;
  /** the service's code for an unexpected failure (InternalErrorException, InternalServerException) */
  internalErrorCode: string;
}

/** The request body, refused past `maxBytes` with the service's own error. */
export async function readLimitedBody(req: IncomingMessage, maxBytes: number, tooLarge: () => AwsError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, version: '1.0' | '1.1', status: number, body: unknown, errorType?: string) {
  res.writeHead(status, { 'content-type': `application/x-amz-json-${version}`, ...(errorType ? { 'x-amzn-errortype': errorType } : {}), 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

/** Verifies, dispatches and answers one call; every failure becomes the service's error shape. */
export async function serveAwsJson(req: IncomingMessage, res: ServerResponse, service: AwsJsonService): Promise<void> {
  try {
    const body = await readLimitedBody(req, service.maxRequestBytes, service.tooLarge);
    await service.verifier.verifyIncoming(req, body);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(service.targetPrefix) ? target.slice(service.targetPrefix.length) : '';
    const run = Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
    if (!run) throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${target || '(none)'}`);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw new AwsError(400, 'SerializationException', 'Could not parse the request body as JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsError(400, 'SerializationException', 'The request body must be a JSON object');
    answer(res, service.jsonVersion, 200, await run(input as Record<string, unknown>));
  } catch (error) {
    const e = error instanceof AwsError ? error : new AwsError(500, service.internalErrorCode, (error as Error).message);
    const extra = (e as AwsError & { extra?: Record<string, unknown> }).extra ?? {};
    answer(res, service.jsonVersion, e.status, { __type: e.code, message: e.message, ...extra }, e.code);
  }
}
