/**
 * The OAuth scopes an integration (OAuth 2.0 client credentials) may be granted, as Cognito
 * names them: `<resource server>/<scope>`. CDK makes them the `lobby` resource server's custom
 * scopes (lib/auth.ts); routes list the ones that admit integrations (http/route.ts `scopes`).
 * No imports: every route module reads this.
 */
export const RESOURCE_SERVER = 'lobby';

export const INTEGRATION_SCOPES = [
  'lobby/residents.read',
  'lobby/residents.write',
  'lobby/visitor-passes.write',
  'lobby/delivery-pins.write',
  'lobby/events.read',
  'lobby/webhooks.write',
] as const;

export type IntegrationScope = (typeof INTEGRATION_SCOPES)[number];

/** What each scope lets an integration do (the resource server's scope descriptions, the OpenAPI document). */
export const SCOPE_DESCRIPTIONS: Record<IntegrationScope, string> = {
  'lobby/residents.read': 'List residents',
  'lobby/residents.write': 'Move residents in and out, sync the roster',
  'lobby/visitor-passes.write': 'Create and list visitor passes',
  'lobby/delivery-pins.write': 'Manage delivery PINs',
  'lobby/events.read': 'Read access events',
  'lobby/webhooks.write': 'Manage webhook subscriptions',
};

export const isIntegrationScope = (scope: string): scope is IntegrationScope => (INTEGRATION_SCOPES as readonly string[]).includes(scope);
