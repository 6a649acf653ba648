import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

/**
 * Who is calling, from the claims the API's JWT authorizer verified. Only identity
 * comes from the token; what the caller may do at a property comes from membership
 * records (see domain/access.ts). Operators are a Cognito group: a platform role,
 * not a property role.
 */
export interface Caller {
  userId: string;
  operator: boolean;
}

export const OPERATORS_GROUP = 'operators';

/** HTTP API flattens array claims to strings like "[a b]"; accept both forms. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string') return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

export function callerFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  return { userId: sub, operator: groupsOf(claims['cognito:groups']).includes(OPERATORS_GROUP) };
}
