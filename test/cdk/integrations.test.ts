import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_SCOPES } from '../../functions/shared/integration-scopes.ts';
import { MAX_INTEGRATIONS_PER_PROPERTY } from '../../functions/domain/integrations.ts';
import { routes } from '../../functions/http/routes.ts';
import { buildApp } from '../../lib/app.ts';
import { type Json, referencedIds } from './template-json.ts';

/**
 * Integrations in CDK (lib/auth.ts, lib/api.ts): the `lobby` resource server with the custom
 * scopes, the user pool domain whose /oauth2/token is the `TokenUrl` output, and the HTTP API's
 * Lambda authorizer (simple responses, no result cache) on every `auth: 'jwt'` route, reading the
 * person app clients from its environment. cdk-nag AwsSolutions stays clean. IAM of the
 * integrations function and the authorizer: test/cdk/capabilities.test.ts (app-clients, table-get).
 */
const STACK = 'Lobby-dev';
const BASE = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] };
let outdir = '';
let resources: Record<string, Json>;
let outputs: Record<string, Json>;
let synthError: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-integrations-'));
  const { app } = buildApp({ outdir, context: BASE });
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const json = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'));
  resources = json.Resources;
  outputs = json.Outputs;
}, 180_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const atPath = (suffix: string) => {
  const found = Object.entries(resources).filter(([, r]) => String(r.Metadata?.['aws:cdk:path'] ?? '').endsWith(suffix));
  expect(found, suffix).toHaveLength(1);
  return found[0]!;
};

describe('integrations in CDK', () => {
  it('synthesizes with cdk-nag clean', () => {
    expect(synthError).toBeUndefined();
  });

  it('has the lobby resource server with exactly the custom scopes the routes use', () => {
    const servers = ofType('AWS::Cognito::UserPoolResourceServer');
    expect(servers).toHaveLength(1);
    const server = servers[0]![1].Properties;
    expect(server.Identifier).toBe('lobby');
    expect(server.Scopes.map((s: Json) => `lobby/${s.ScopeName}`).sort()).toEqual([...INTEGRATION_SCOPES].sort());
    const used = new Set(routes.flatMap((r) => r.scopes ?? []));
    for (const scope of used) expect(INTEGRATION_SCOPES).toContain(scope);
    // Cognito quotas: 100 custom scopes per resource server, 50 scopes per app client.
    expect(INTEGRATION_SCOPES.length).toBeLessThanOrEqual(50);
  });

  it('has a user pool domain (prefix lobby-<stage>-<account>) and outputs its /oauth2/token as TokenUrl', () => {
    const [, domain] = atPath('/Auth/UserPool/Domain/Resource');
    expect(domain.Type).toBe('AWS::Cognito::UserPoolDomain');
    expect(JSON.stringify(domain.Properties.Domain)).toContain('lobby-dev-');
    expect(JSON.stringify(domain.Properties.Domain)).toContain('AWS::AccountId');
    const tokenUrl = JSON.stringify(outputs.TokenUrl.Value);
    expect(tokenUrl).toContain('.auth.');
    expect(tokenUrl).toContain('.amazoncognito.com/oauth2/token');
    expect(referencedIds(outputs.TokenUrl.Value).has(atPath('/Auth/UserPool/Domain/Resource')[0])).toBe(true);
  });

  it('puts one Lambda authorizer (payload 2.0, simple responses, no result cache) on every jwt route and none on public routes', () => {
    expect(ofType('AWS::ApiGatewayV2::Authorizer').filter(([, r]) => r.Properties.AuthorizerType === 'JWT')).toHaveLength(0);
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: ['$request.header.Authorization'],
    });
    const [fnId] = atPath('/Api/Authorizer/Function/Resource');
    expect(referencedIds(authorizer.Properties.AuthorizerUri).has(fnId)).toBe(true);
    const apiRoutes = ofType('AWS::ApiGatewayV2::Route');
    expect(apiRoutes).toHaveLength(routes.length);
    for (const [, route] of apiRoutes) {
      const entry = routes.find((r) => `${r.method} ${r.path}` === route.Properties.RouteKey);
      expect(entry, route.Properties.RouteKey).toBeDefined();
      if (entry!.auth === 'jwt') {
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('CUSTOM');
        expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('NONE');
      }
    }
  });

  it("gives the authorizer the pool's issuer and the person app clients, and the integrations function the pool and token URL", () => {
    const [, authorizerFn] = atPath('/Api/Authorizer/Function/Resource');
    const env = authorizerFn.Properties.Environment.Variables;
    const [adminClientId] = atPath('/Auth/UserPool/AdminClient/Resource');
    expect(referencedIds(env.LOBBY_PERSON_CLIENT_IDS).has(adminClientId)).toBe(true);
    // https:// + the pool's ProviderURL (cognito-idp.<region>.amazonaws.com/<pool id>): the iss of its tokens.
    expect(env.LOBBY_JWT_ISSUER).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [atPath('/Auth/UserPool/Resource')[0], 'ProviderURL'] }]] });
    expect(env.LOBBY_TABLE).toBeDefined();
    const [, integrationsFn] = atPath('/Api/Integrations/Function/Resource');
    const vars = integrationsFn.Properties.Environment.Variables;
    expect(referencedIds(vars.LOBBY_USER_POOL_ID).has(atPath('/Auth/UserPool/Resource')[0])).toBe(true);
    expect(JSON.stringify(vars.LOBBY_TOKEN_URL)).toContain('/oauth2/token');
  });

  it('keeps the per-property cap far below the pool quota of app clients (1,000, adjustable)', () => {
    const staticClients = ofType('AWS::Cognito::UserPoolClient').length;
    expect(MAX_INTEGRATIONS_PER_PROPERTY + staticClients).toBeLessThanOrEqual(1000);
    // Past the pool's quota Cognito says LimitExceededException: the API answers 409 integration-quota (adapters/cognito-clients.ts).
  });
});
