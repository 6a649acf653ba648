import { cognitoAppClients } from '../adapters/cognito-clients.ts';
import { createIntegration, deleteIntegration, getIntegration, listIntegrations } from '../domain/integrations.ts';
import { httpHandler } from '../http/handler.ts';
import { integrationsRoutes } from '../http/routes/integrations.ts';

const clients = cognitoAppClients();

export const handler = httpHandler('integrations', integrationsRoutes, {
  createIntegration: async ({ stores, caller, params, body }) => ({ status: 201, body: await createIntegration(stores, clients, caller, params.propertyId, body) }),
  listIntegrations: async ({ stores, caller, params }) => ({ status: 200, body: await listIntegrations(stores, caller, params.propertyId) }),
  getIntegration: async ({ stores, caller, params }) => ({ status: 200, body: await getIntegration(stores, caller, params.propertyId, params.integrationId) }),
  deleteIntegration: async ({ stores, caller, params }) => {
    await deleteIntegration(stores, clients, caller, params.propertyId, params.integrationId);
    return { status: 204 };
  },
});
