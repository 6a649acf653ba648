import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { AppClientQuotaError, type AppClients } from '../domain/integrations.ts';
import type { IntegrationScope } from '../shared/integration-scopes.ts';

/**
 * Integrations' app clients in the Cognito user pool (locally the stand-in in local/cognito,
 * through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER). The pool id and the token URL come from
 * CDK through the environment (LOBBY_USER_POOL_ID, LOBBY_TOKEN_URL). The SDK is imported on
 * first use: only the integrations function ever calls it.
 */
export const INTEGRATION_TOKEN_MINUTES = 60;

let client: CognitoIdentityProviderClient | undefined;
async function cognito() {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  client ??= new sdk.CognitoIdentityProviderClient({});
  return { sdk, client };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function cognitoAppClients(): AppClients {
  return {
    get tokenUrl() {
      return required('LOBBY_TOKEN_URL');
    },
    async create(name, scopes: readonly IntegrationScope[]) {
      const { sdk, client } = await cognito();
      try {
        const out = await client.send(
          new sdk.CreateUserPoolClientCommand({
            UserPoolId: required('LOBBY_USER_POOL_ID'),
            ClientName: name,
            GenerateSecret: true,
            AllowedOAuthFlows: ['client_credentials'],
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthScopes: [...scopes],
            // Tokens live an hour; deleting the integration refuses them at once anyway (the authorizer reads its record).
            AccessTokenValidity: INTEGRATION_TOKEN_MINUTES,
            TokenValidityUnits: { AccessToken: 'minutes' },
            ExplicitAuthFlows: [],
            PreventUserExistenceErrors: 'ENABLED',
            EnableTokenRevocation: true,
          }),
        );
        const created = out.UserPoolClient;
        if (!created?.ClientId || !created.ClientSecret) throw new Error('CreateUserPoolClient returned no client id or secret');
        return { clientId: created.ClientId, clientSecret: created.ClientSecret };
      } catch (error) {
        if ((error as Error).name === 'LimitExceededException') throw new AppClientQuotaError('app clients per user pool');
        throw error;
      }
    },
    async remove(clientId) {
      const { sdk, client } = await cognito();
      try {
        await client.send(new sdk.DeleteUserPoolClientCommand({ UserPoolId: required('LOBBY_USER_POOL_ID'), ClientId: clientId }));
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
    },
  };
}
