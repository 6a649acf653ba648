import * as z from 'zod';
import { INTEGRATION_SCOPES } from '../shared/integration-scopes.ts';
import { displayText, instant, lazy, page } from './common.ts';
import { schemaOnFirstUse } from './on-first-use.ts';

const scopes = () =>
  z.array(z.enum(INTEGRATION_SCOPES)).min(1).max(INTEGRATION_SCOPES.length).describe('OAuth scopes the integration may request: each admits it to the routes that list it.');

export const createIntegrationBody = schemaOnFirstUse(() => z.strictObject({ name: displayText(80), scopes: scopes() }));

// Responses (built on first use: common.ts `lazy`).
const fields = () => ({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(INTEGRATION_SCOPES)),
  clientId: z.string().describe('The OAuth client id (HTTP Basic user name at the token URL).'),
  createdAt: instant(),
  createdBy: z.string(),
});
export const integrationView = lazy(() => z.strictObject(fields()).meta({ id: 'Integration' }));
export const integrationsPage = lazy(() => page(integrationView(), 'IntegrationPage'));
/** POST: the secret, once (it is not stored in Lobby; lost, delete the integration and create another). */
export const createdIntegration = lazy(() =>
  z
    .strictObject({
      ...fields(),
      clientSecret: z.string().describe('Shown once.'),
      tokenUrl: z.string().describe('POST grant_type=client_credentials here (HTTP Basic clientId:clientSecret) for an access token.'),
    })
    .meta({ id: 'CreatedIntegration' }),
);
