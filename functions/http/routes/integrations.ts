import { createdIntegration, createIntegrationBody, integrationsPage, integrationView } from '../../schemas/integrations.ts';
import { r, type Route } from '../route.ts';

/** The integrations function's routes (the whole table: ../routes.ts). Admins (people) only: no `scopes`, so no integration is admitted. */
export const integrationsRoutes = [
  r({
    method: 'POST',
    path: '/properties/{propertyId}/integrations',
    fn: 'integrations',
    operationId: 'createIntegration',
    summary: 'Create an integration client: OAuth client credentials with scopes; the secret is shown once (admin)',
    auth: 'jwt',
    body: createIntegrationBody,
    status: 201,
    response: createdIntegration,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/integrations',
    fn: 'integrations',
    operationId: 'listIntegrations',
    summary: 'Integration clients, without secrets (admin)',
    auth: 'jwt',
    status: 200,
    response: integrationsPage,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/integrations/{integrationId}',
    fn: 'integrations',
    operationId: 'getIntegration',
    summary: 'One integration client (admin)',
    auth: 'jwt',
    status: 200,
    response: integrationView,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/integrations/{integrationId}',
    fn: 'integrations',
    operationId: 'deleteIntegration',
    summary: 'Delete an integration client: its tokens are refused at once and no new ones are issued (admin)',
    auth: 'jwt',
    status: 204,
  }),
] as const satisfies readonly Route[];
