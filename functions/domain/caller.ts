import type { IntegrationScope } from '../shared/integration-scopes.ts';

/**
 * Who is asking. Only identity: what the caller may do at a property comes from
 * membership records for a person, from its record and scopes for an integration
 * (see access.ts). Operators run the platform: a platform role, not a property role.
 * The HTTP shell builds it from what the API's authorizer verified (functions/http/caller.ts).
 */
export type Caller = PersonCaller | IntegrationCaller;

/** A person signed in through a person app client (the admin tools, the console). */
export interface PersonCaller {
  kind?: 'person';
  userId: string;
  operator: boolean;
}

/**
 * A property-management system or partner app with a client-credentials token: it acts at its
 * own property only, on routes that list one of its scopes. `userId` is its actor id in audit
 * records and in what it creates (`integration:<id>`), never a person's id.
 */
export interface IntegrationCaller {
  kind: 'integration';
  userId: string;
  operator: false;
  integrationId: string;
  propertyId: string;
  scopes: readonly IntegrationScope[];
}

export const integrationActor = (integrationId: string) => `integration:${integrationId}`;
