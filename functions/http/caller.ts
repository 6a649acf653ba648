import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Caller } from '../domain/caller.ts';

export type { Caller };

/** The Cognito group whose members are operators (a platform role, see domain/caller.ts). */
export const OPERATORS_GROUP = 'operators';

/** HTTP API flattens array claims to strings like "[a b]"; accept both forms. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string')
    return claim
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

/** Who is calling, from the claims the API's JWT authorizer verified. */
export function callerFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  return { userId: sub, operator: groupsOf(claims['cognito:groups']).includes(OPERATORS_GROUP) };
}
