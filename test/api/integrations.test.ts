import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MAX_INTEGRATIONS_PER_PROPERTY } from '../../functions/domain/integrations.ts';
import { localIssuer, PERSON_CLIENTS } from '../../local/jwt.ts';
import { layout } from '../../local/paths.ts';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { call, expectOk, newProperty, stack, type TestProperty } from '../support/api.ts';
import type { Page, Resident } from '../support/contract.ts';

/**
 * Integration clients (OAuth 2.0 client credentials) end to end on the local stack: an admin
 * creates one, it exchanges its secret at the token URL (the Cognito stand-in, plain fetch with a
 * form and HTTP Basic), and the API's Lambda authorizer admits its token only to routes of its
 * scopes at its own property, until it is deleted.
 */
interface CreatedIntegration {
  id: string;
  name: string;
  scopes: string[];
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  createdAt: string;
  createdBy: string;
}

let p: TestProperty;
let other: TestProperty;
beforeAll(async () => {
  [p, other] = await Promise.all([newProperty('Integration Tower'), newProperty('Other Tower')]);
});

const create = (token: string, body: unknown, property = p) => call<CreatedIntegration>('POST', `/properties/${property.id}/integrations`, { token, body });

async function exchange(clientId: string, secret: string, form: Record<string, string> = { grant_type: 'client_credentials' }) {
  const res = await fetch(stack().tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; token_type?: string; expires_in?: number; error?: string } };
}

async function tokenOf(integration: CreatedIntegration): Promise<string> {
  const reply = await exchange(integration.clientId, integration.clientSecret);
  expect(reply.status).toBe(200);
  return reply.body.access_token!;
}

async function auditActions(propertyId: string): Promise<Array<{ action: string; actor: string; target: { id: string } }>> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack().dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
  );
  const out = await client.send(
    new QueryCommand({
      TableName: stack().tables.lobby,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': `PROP#${propertyId}`, ':a': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  client.destroy();
  return (out.Items ?? []) as Array<{ action: string; actor: string; target: { id: string } }>;
}

describe('integration clients: admins create, list, get and delete them', () => {
  it('creates one with its secret once, lists and gets it without, records it in the audit trail', async () => {
    const created = await create(p.tokens.admin, { name: 'PMS sync', scopes: ['lobby/residents.read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'PMS sync', scopes: ['lobby/residents.read'], tokenUrl: stack().tokenUrl, createdBy: p.users.admin });
    expect(created.body.clientSecret.length).toBeGreaterThan(20);
    const listed = await expectOk(call<Page<Omit<CreatedIntegration, 'clientSecret'>>>('GET', `/properties/${p.id}/integrations`, { token: p.tokens.admin }));
    const item = listed.body.items.find((i) => i.id === created.body.id);
    expect(item).toMatchObject({ clientId: created.body.clientId });
    expect(item).not.toHaveProperty('clientSecret');
    const got = await expectOk(call<Record<string, unknown>>('GET', `/properties/${p.id}/integrations/${created.body.id}`, { token: p.tokens.admin }));
    expect(got.body).not.toHaveProperty('clientSecret');
    expect((await auditActions(p.id)).some((a) => a.action === 'integration.created' && a.target.id === created.body.id && a.actor === p.users.admin)).toBe(true);
  });

  it('refuses staff, residents and admins of another property', async () => {
    const body = { name: 'Nope', scopes: ['lobby/residents.read'] };
    expect((await create(p.tokens.staff, body)).status).toBe(403);
    expect((await create(p.tokens.resident, body)).status).toBe(403);
    expect((await create(other.tokens.admin, body)).status).toBe(404);
    expect((await call('GET', `/properties/${p.id}/integrations`, { token: p.tokens.staff })).status).toBe(403);
  });

  it('refuses an unknown scope or an empty list with 400 problem+json and creates nothing', async () => {
    const before = (await expectOk(call<Page<unknown>>('GET', `/properties/${p.id}/integrations`, { token: p.tokens.admin }))).body.items.length;
    for (const scopes of [['lobby/everything'], [], ['aws.cognito.signin.user.admin']]) {
      const reply = await create(p.tokens.admin, { name: 'Bad', scopes });
      expect(reply.status, JSON.stringify(scopes)).toBe(400);
      expect(reply.contentType).toBe('application/problem+json');
    }
    expect((await expectOk(call<Page<unknown>>('GET', `/properties/${p.id}/integrations`, { token: p.tokens.admin }))).body.items.length).toBe(before);
  });
});

describe('the per-property cap (app clients are a pool-wide Cognito quota)', () => {
  it(`refuses a live integration past ${MAX_INTEGRATIONS_PER_PROPERTY} with 409 integration-limit; a deleted one frees its place`, async () => {
    const q = await newProperty('Cap Tower');
    const ids: string[] = [];
    for (let i = 0; i < MAX_INTEGRATIONS_PER_PROPERTY; i++) ids.push((await expectOk(create(q.tokens.admin, { name: `PMS ${i}`, scopes: ['lobby/events.read'] }, q))).body.id);
    const refused = await create(q.tokens.admin, { name: 'One too many', scopes: ['lobby/events.read'] }, q);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: expect.stringContaining('integration-limit') });
    expect((await call('DELETE', `/properties/${q.id}/integrations/${ids[0]}`, { token: q.tokens.admin })).status).toBe(204);
    expect((await create(q.tokens.admin, { name: 'Now it fits', scopes: ['lobby/events.read'] }, q)).status).toBe(201);
  });
});

describe('the token endpoint (client credentials, Cognito shapes)', () => {
  let integration: CreatedIntegration;
  beforeAll(async () => {
    integration = (await expectOk(create(p.tokens.admin, { name: 'Token tests', scopes: ['lobby/residents.read', 'lobby/events.read'] }))).body;
  });

  it('exchanges the secret for a short-lived Bearer access token holding the granted scopes', async () => {
    const reply = await exchange(integration.clientId, integration.clientSecret, { grant_type: 'client_credentials', scope: 'lobby/residents.read' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = JSON.parse(Buffer.from(reply.body.access_token!.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: integration.clientId, client_id: integration.clientId, token_use: 'access', scope: 'lobby/residents.read', version: 2 });
    expect(claims).not.toHaveProperty('aud');
    expect(claims).not.toHaveProperty('username');
  });

  it('answers a wrong secret with 401 invalid_client, a scope it was not given with invalid_scope, another grant with unsupported_grant_type', async () => {
    expect(await exchange(integration.clientId, `${integration.clientSecret}x`)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await exchange('nosuchclient', integration.clientSecret)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await exchange(integration.clientId, integration.clientSecret, { grant_type: 'client_credentials', scope: 'lobby/delivery-pins.write' })).toEqual({
      status: 400,
      body: { error: 'invalid_scope' },
    });
    expect(await exchange(integration.clientId, integration.clientSecret, { grant_type: 'password' })).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
  });
});

describe('what an integration token may do', () => {
  let reader: CreatedIntegration;
  let token: string;
  beforeAll(async () => {
    reader = (await expectOk(create(p.tokens.admin, { name: 'Resident reader', scopes: ['lobby/residents.read', 'lobby/visitor-passes.write'] }))).body;
    token = await tokenOf(reader);
  });

  it('lists the residents of its property (residents.read)', async () => {
    const reply = await call<Page<Resident>>('GET', `/properties/${p.id}/residents`, { token });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((r) => r.id)).toContain(p.residentId);
  });

  it('creates a visitor pass (visitor-passes.write), fenced on its record and audited under its own actor id', async () => {
    const reply = await call<{ id: string; createdBy: string }>('POST', `/properties/${p.id}/visitor-passes`, {
      token,
      body: { visitorName: 'Vic Visitor', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.createdBy).toBe(`integration:${reader.id}`);
    expect((await auditActions(p.id)).some((a) => a.action === 'visitor-pass.created' && a.actor === `integration:${reader.id}`)).toBe(true);
  });

  it('is refused routes outside its scopes with 403', async () => {
    expect((await call('POST', `/properties/${p.id}/residents`, { token, body: { userId: `u-${randomUUID().slice(0, 8)}`, name: 'New Person', unit: '1A' } })).status).toBe(403);
    expect((await call('GET', `/properties/${p.id}/delivery-pins`, { token })).status).toBe(403);
    expect((await call('GET', `/properties/${p.id}/access-events`, { token })).status).toBe(403);
  });

  it('is refused admin-only routes (integrations, members) and routes without scopes', async () => {
    expect((await call('GET', `/properties/${p.id}/integrations`, { token })).status).toBe(403);
    expect((await create(token, { name: 'Self-made', scopes: ['lobby/residents.write'] })).status).toBe(403);
    expect((await call('GET', `/properties/${p.id}/members`, { token })).status).toBe(403);
    expect((await call('PUT', `/properties/${p.id}/members/someone`, { token, body: { role: 'admin' } })).status).toBe(403);
    expect((await call('GET', `/properties/${p.id}`, { token })).status).toBe(403);
  });

  it('is refused another property with 403, even on a route of its scope', async () => {
    expect((await call('GET', `/properties/${other.id}/residents`, { token })).status).toBe(403);
  });

  it('gets only the scopes its record grants, whatever the token claims', async () => {
    // A token the issuer signed with a wider scope than the integration was given (as a misconfigured app client could get).
    const issuer = await localIssuer(layout(inject('testHome')).jwtPrivateKey);
    const wide = await issuer.signClientCredentials(reader.clientId, 'lobby/residents.read lobby/delivery-pins.write', 600);
    expect((await call('GET', `/properties/${p.id}/residents`, { token: wide })).status).toBe(200);
    expect((await call('GET', `/properties/${p.id}/delivery-pins`, { token: wide })).status).toBe(403);
  });
});

describe('people and integrations never pass for each other', () => {
  it('a person token carrying lobby scopes gets no integration rights', async () => {
    const issuer = await localIssuer(layout(inject('testHome')).jwtPrivateKey);
    // A stranger (not a member) with every integration scope in the claim: still a person, still nobody here.
    const stranger = await issuer.sign(`stranger-${randomUUID().slice(0, 8)}`, { clientId: PERSON_CLIENTS[0], scope: 'lobby/residents.read lobby/residents.write' });
    expect((await call('GET', `/properties/${p.id}/residents`, { token: stranger })).status).toBe(404);
    // A resident with the same claim stays a resident (residents may not list residents).
    const resident = await issuer.sign(p.users.resident, { clientId: PERSON_CLIENTS[0], scope: 'lobby/residents.read' });
    expect((await call('GET', `/properties/${p.id}/residents`, { token: resident })).status).toBe(403);
  });

  it("a user token minted for an integration's client id is refused (401)", async () => {
    const integration = (await expectOk(create(p.tokens.admin, { name: 'Borrowed', scopes: ['lobby/residents.read'] }))).body;
    const issuer = await localIssuer(layout(inject('testHome')).jwtPrivateKey);
    const borrowed = await issuer.sign(p.users.admin, { clientId: integration.clientId, scope: 'lobby/residents.read' });
    expect((await call('GET', `/properties/${p.id}/residents`, { token: borrowed })).status).toBe(401);
    // Positive control: the integration's own token passes.
    expect((await call('GET', `/properties/${p.id}/residents`, { token: await tokenOf(integration) })).status).toBe(200);
  });
});

describe('deleting an integration revokes it at once', () => {
  it('refuses its live token (401) and new tokens (invalid_client), is gone from the list, and is audited', async () => {
    const integration = (await expectOk(create(p.tokens.admin, { name: 'Short-lived', scopes: ['lobby/residents.read'] }))).body;
    const token = await tokenOf(integration);
    expect((await call('GET', `/properties/${p.id}/residents`, { token })).status).toBe(200);
    expect((await call('DELETE', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.staff })).status).toBe(403);
    expect((await call('DELETE', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call('GET', `/properties/${p.id}/residents`, { token })).status).toBe(401);
    expect(await exchange(integration.clientId, integration.clientSecret)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect((await call('GET', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.admin })).status).toBe(404);
    const listed = await expectOk(call<Page<{ id: string }>>('GET', `/properties/${p.id}/integrations`, { token: p.tokens.admin }));
    expect(listed.body.items.map((i) => i.id)).not.toContain(integration.id);
    expect((await auditActions(p.id)).some((a) => a.action === 'integration.deleted' && a.target.id === integration.id)).toBe(true);
    // A retried delete is fine.
    expect((await call('DELETE', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.admin })).status).toBe(204);
  });
});

describe('secrets stay out of the logs', () => {
  it('no client secret or integration access token appears in any log line the stack wrote', async () => {
    const integration = (await expectOk(create(p.tokens.admin, { name: 'Log check', scopes: ['lobby/residents.read'] }))).body;
    const token = await tokenOf(integration);
    await expectOk(call('GET', `/properties/${p.id}/residents`, { token }));
    await exchange(integration.clientId, `${integration.clientSecret}x`);
    await call('DELETE', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.admin });
    await call('GET', `/properties/${p.id}/residents`, { token });
    const log = await readFile(inject('stackLog'), 'utf8');
    expect(log).toContain('"route"');
    expect(log).not.toContain(integration.clientSecret);
    expect(log).not.toContain(token.split('.')[2]);
  });
});

describe('the app client behind an integration (the Cognito stand-in, as the SDK sees it)', () => {
  const cognito = (credentials = LOCAL_CREDENTIALS) => new CognitoIdentityProviderClient({ endpoint: stack().cognitoEndpoint, region: 'us-east-1', credentials });

  it('is a confidential client for client credentials only, with exactly its scopes and hour-long tokens; deleted with the integration', async () => {
    const integration = (await expectOk(create(p.tokens.admin, { name: 'Described', scopes: ['lobby/events.read', 'lobby/residents.read'] }))).body;
    const client = cognito();
    const { UserPoolClient } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: 'us-east-1_LobbyLocal', ClientId: integration.clientId }));
    expect(UserPoolClient).toMatchObject({
      ClientId: integration.clientId,
      ClientSecret: integration.clientSecret,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
    });
    expect(UserPoolClient?.AllowedOAuthScopes?.sort()).toEqual(['lobby/events.read', 'lobby/residents.read']);
    await expectOk(call('DELETE', `/properties/${p.id}/integrations/${integration.id}`, { token: p.tokens.admin }));
    await expect(client.send(new DescribeUserPoolClientCommand({ UserPoolId: 'us-east-1_LobbyLocal', ClientId: integration.clientId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    client.destroy();
  });

  it('refuses a request signed with another secret key', async () => {
    const client = cognito({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-key' });
    await expect(client.send(new DescribeUserPoolClientCommand({ UserPoolId: 'us-east-1_LobbyLocal', ClientId: 'x' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    client.destroy();
  });
});
