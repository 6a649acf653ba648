import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Caller, integrationActor } from '../domain/caller.ts';
import { isIntegrationScope } from '../shared/integration-scopes.ts';

export type { Caller };

/**
 * What the API's Lambda authorizer (handlers/authorizer.ts) hands the functions, as
 * requestContext.authorizer.lambda (simple responses: flat string values).
 */
export type AuthorizerContext =
  | { kind: 'person'; sub: string; groups: string }
  | { kind: 'integration'; integrationId: string; propertyId: string; clientId: string; scopes: string };

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

/**
 * Who is calling: from the Lambda authorizer's context (a person or an integration), or from
 * the claims of a JWT authorizer (a person; tests that build events by hand).
 */
export function callerFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined {
  const lambda = (event.requestContext?.authorizer as { lambda?: Partial<AuthorizerContext> } | undefined)?.lambda;
  if (lambda?.kind === 'integration') {
    const { integrationId, propertyId, scopes } = lambda as Partial<Extract<AuthorizerContext, { kind: 'integration' }>>;
    if (!integrationId || !propertyId) return undefined;
    return {
      kind: 'integration',
      userId: integrationActor(integrationId),
      operator: false,
      integrationId,
      propertyId,
      scopes: (scopes ?? '').split(' ').filter(isIntegrationScope),
    };
  }
  if (lambda?.kind === 'person') {
    const { sub, groups } = lambda as Partial<Extract<AuthorizerContext, { kind: 'person' }>>;
    if (typeof sub !== 'string' || sub.length === 0) return undefined;
    return { userId: sub, operator: groupsOf(groups).includes(OPERATORS_GROUP) };
  }
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  return { userId: sub, operator: groupsOf(claims['cognito:groups']).includes(OPERATORS_GROUP) };
}
