import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../local/jwt.ts';
import { layout } from '../../local/paths.ts';
import { call, newProperty, type TestProperty } from '../support/api.ts';

/**
 * The local API Gateway checks JWTs as strictly as API Gateway's HTTP API JWT
 * authorizer over a Cognito user pool: every case below is signed with the stack's
 * own key unless it says otherwise, so only the named defect makes it fail.
 */
let p: TestProperty;
let jwk: JWK;
beforeAll(async () => {
  p = await newProperty('Gateway Tower');
  jwk = JSON.parse(await readFile(layout(inject('testHome')).jwtPrivateKey, 'utf8')) as JWK;
});

const now = () => Math.floor(Date.now() / 1000);

/** A Cognito-style access token for the property's admin; `claims` and `header` override or (undefined) remove fields. */
async function mint(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    sub: p.users.admin,
    iss: LOCAL_ISSUER,
    client_id: LOCAL_AUDIENCE,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    username: p.users.admin,
    iat: now(),
    exp: now() + 3600,
    ...claims,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const protectedHeader: Record<string, unknown> = { alg: 'RS256', kid: jwk.kid, ...header };
  for (const [k, v] of Object.entries(protectedHeader)) if (v === undefined) delete protectedHeader[k];
  const key = await importJWK(jwk, 'RS256');
  return new SignJWT(payload as JWTPayload).setProtectedHeader(protectedHeader as { alg: string }).sign(key);
}

const getProperty = (authorization: string | undefined) => call('GET', `/properties/${p.id}`, { headers: authorization === undefined ? {} : { authorization } });

async function expectStatus(authorization: string, status: number) {
  const reply = await getProperty(authorization);
  expect(reply.status).toBe(status);
  if (status === 401) expect(reply.body).toEqual({ message: 'Unauthorized' });
}

/** The variant is refused while the same token without the defect is accepted, so only the named defect can make it 401. */
async function expectOnlyDefectRefused(variant: string) {
  await expectStatus(`Bearer ${await mint()}`, 200);
  await expectStatus(`Bearer ${variant}`, 401);
}

describe('local JWT authorizer', () => {
  it('accepts a Cognito access token: client_id is the app client, no aud', async () => {
    await expectStatus(`Bearer ${await mint()}`, 200);
  });

  it('accepts the tokens the test support mints (npm run token and the seed share the minting)', async () => {
    await expectStatus(`Bearer ${p.tokens.admin}`, 200);
    const payload = JSON.parse(Buffer.from(p.tokens.admin.split('.')[1]!, 'base64url').toString('utf8'));
    expect(payload).toMatchObject({ client_id: LOCAL_AUDIENCE, token_use: 'access' });
    expect(payload.aud).toBeUndefined();
  });

  it('accepts an ID-token shape whose aud is the app client (API Gateway evaluates aud first)', async () => {
    await expectStatus(`Bearer ${await mint({ aud: LOCAL_AUDIENCE, client_id: undefined, token_use: 'id' })}`, 200);
  });

  it('rejects an aud that is not the app client even when client_id is', async () => {
    await expectOnlyDefectRefused(await mint({ aud: 'some-other-client' }));
  });

  it('rejects a client_id that is not the app client when there is no aud', async () => {
    await expectOnlyDefectRefused(await mint({ client_id: 'some-other-client' }));
  });

  it('rejects a token without exp', async () => {
    await expectOnlyDefectRefused(await mint({ exp: undefined }));
  });

  it('rejects an expired token', async () => {
    await expectOnlyDefectRefused(await mint({ iat: now() - 7200, exp: now() - 60 }));
  });

  it('rejects an iat in the future (beyond a small clock skew)', async () => {
    await expectOnlyDefectRefused(await mint({ iat: now() + 3600 }));
  });

  it('rejects an nbf in the future', async () => {
    await expectOnlyDefectRefused(await mint({ nbf: now() + 3600 }));
  });

  it('rejects a token without kid', async () => {
    await expectOnlyDefectRefused(await mint({}, { kid: undefined }));
  });

  it('rejects an unknown kid', async () => {
    await expectOnlyDefectRefused(await mint({}, { kid: 'local-0' }));
  });

  it('rejects another issuer', async () => {
    await expectOnlyDefectRefused(await mint({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' }));
  });

  it('rejects a wrong alg: HS256 and none', async () => {
    const hs = await new SignJWT({ sub: p.users.admin, iss: LOCAL_ISSUER, client_id: LOCAL_AUDIENCE, token_use: 'access', iat: now(), exp: now() + 3600 })
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
      .sign(randomBytes(32));
    await expectOnlyDefectRefused(hs);
    const valid = await mint();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: jwk.kid })).toString('base64url')}.${valid.split('.')[1]}.`;
    await expectOnlyDefectRefused(none);
  });

  it('rejects an Authorization header that is not exactly "Bearer <token>"', async () => {
    const token = await mint();
    await expectStatus(`Bearer ${token}`, 200); // positive control
    await expectStatus(`Bearer ${token} extra`, 401);
    await expectStatus(`Bearer ${token} ${token}`, 401);
    await expectStatus(`Bearer  ${token}`, 401);
    await expectStatus(`Basic ${token}`, 401);
    await expectStatus(`Bearer`, 401);
    expect((await getProperty(undefined)).status).toBe(401);
  });
});

describe('local API Gateway path decoding', () => {
  it('answers a malformed %-escape in a path parameter with 400 problem+json', async () => {
    for (const path of [`/properties/%E0%A4%A/delivery-pins`, `/properties/${p.id}/delivery-pins/%`, `/properties/%ZZ`]) {
      const reply = await call('GET', path, { token: p.tokens.admin });
      expect(reply.status, path).toBe(400);
      expect(reply.contentType, path).toBe('application/problem+json');
      expect(reply.body, path).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 400, detail: expect.stringMatching(/%/) });
    }
  });

  it('still decodes a well-formed escape (positive control)', async () => {
    const reply = await call('GET', `/properties/${encodeURIComponent(p.id)}`, { token: p.tokens.admin });
    expect(reply.status).toBe(200);
  });
});
