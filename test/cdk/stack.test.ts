import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, type Json, referencedIds } from './template-json.ts';
import { tableDefinitions } from '../../functions/adapters/table-definitions.ts';
import { OPERATORS_GROUP } from '../../functions/http/caller.ts';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { routeKey, routes } from '../../functions/http/routes.ts';
import { CREDENTIAL_TYPES } from '../../functions/shared/credential-types.ts';
import { panelRulesFor, presenceRule, presenceRuleSql, ruleSql } from '../../functions/iot/rules.ts';
import { CLIENT_ID_VARIABLE, panelPolicyDocument, THING_NAME_VARIABLE } from '../../iot/policy/panel-policy.ts';
import { panelTopicRoot } from '../../iot/protocol/topics.ts';
import { buildApp } from '../../lib/app.ts';
import { LAMBDA_RUNTIME } from '../../lib/lobby-function.ts';
import { IOT_DATA_ENDPOINT_VARIABLE } from '../../lib/panels.ts';
import { capabilitiesOf } from '../../functions/capabilities.ts';
import type { FunctionName } from '../../functions/http/routes.ts';

/** What each API function does with IoT, read from the capability table (functions/capabilities.ts). */
const API_IOT_ACCESS: Partial<Record<FunctionName, { provision: boolean; commands: boolean; calls: boolean; shadows: boolean }>> = Object.fromEntries(
  [...new Set(routes.map((route) => route.fn))].flatMap((fn) => {
    const caps = capabilitiesOf(fn);
    const access = {
      provision: caps.includes('provision-panels'),
      commands: caps.includes('publish-commands'),
      calls: caps.includes('publish-calls'),
      shadows: caps.includes('credentials-shadow'),
    };
    return access.provision || access.commands || access.calls || access.shadows ? [[fn, access]] : [];
  }),
);

/** The default stage (lobby:stage unset): stack Lobby-dev, topic root lobby-dev/panels. */
const STACK = 'Lobby-dev';
const TOPIC_ROOT = panelTopicRoot('dev');
const panelRules = panelRulesFor(TOPIC_ROOT, 'dev');

/**
 * The Lobby stack, synthesized once for the whole file exactly as `cdk synth` does it:
 * every handler bundled by esbuild, the built-in CloudFormation validation and
 * cdk-nag's AwsSolutions pack on. The template assertions read the template that
 * synthesis wrote (it is written before validation runs, so it exists even when
 * cdk-nag fails the synth; that failure is reported by its own test below).
 *
 * LOBBY_CDK_TEST_BUNDLING=0 skips the esbuild bundling (~15-20 s) for a faster loop.
 */

/** What `cdk synth` adds by default: construct paths and asset paths in the template metadata. */
const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };
const bundle = process.env.LOBBY_CDK_TEST_BUNDLING !== '0';
let outdir = '';
let app: App;
let synthError: unknown;
let template: Template;
let resources: Record<string, Json>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-'));
  ({ app } = buildApp({ outdir, context: { ...CLI_CONTEXT, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } }));
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const templateFile = join(outdir, `${STACK}.template.json`);
  if (!existsSync(templateFile)) throw synthError ?? new Error(`no template at ${templateFile}`);
  const json = JSON.parse(readFileSync(templateFile, 'utf8'));
  template = Template.fromJSON(json);
  resources = json.Resources;
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

// ---- helpers -------------------------------------------------------------------

const pathOf = (resource: Json): string | undefined => resource?.Metadata?.['aws:cdk:path'];

/** Logical id of the resource synthesized at a construct path (".../Resource" is added). */
function idAt(path: string): string {
  const full = path.endsWith('/Resource') ? path : `${path}/Resource`;
  const found = Object.entries(resources).filter(([, r]) => pathOf(r) === `${STACK}/${full}`);
  expect(found, `resource at ${STACK}/${full}`).toHaveLength(1);
  return found[0]![0];
}

/** Logical id of an L1 construct created directly (no "/Resource" child), by its exact path. */
function cfnAt(path: string): string {
  const found = Object.entries(resources).filter(([, r]) => pathOf(r) === `${STACK}/${path}`);
  expect(found, `resource at ${STACK}/${path}`).toHaveLength(1);
  return found[0]![0];
}

function ofType(type: string): Array<[string, Json]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

const fnNames = [...new Set(routes.map((route) => route.fn))];
/** 'delivery-pins' -> 'DeliveryPins' (the construct id lib/api.ts uses). */
const constructId = (fn: string) =>
  fn
    .split('-')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

const functionId = (fn: string) => idAt(`Api/${constructId(fn)}/Function`);
const roleId = (fn: string) => idAt(`Api/${constructId(fn)}/Role`);

/** `Stack.formatArn({ service: 'iot', resource })` as synthesized for an environment-agnostic stack. */
const iotArn = (resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});
/** The IoT data endpoint URL every IoT-talking function gets. */
const dataEndpointUrl = () => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [cfnAt('Panels/DataEndpoint/Resource/Default'), 'endpointAddress'] }]] });
/** Acknowledgement metadata keys carry the plugin's prefix ("Annotation::AwsSolutions-IAM5[...]"). */
const ruleId = (key: string) => key.replace(/^Annotation::/, '');

/** A statement as a comparable string: sorted actions -> resource(s). */
/** A statement's Resource as CloudFormation writes it: one resource alone, several as a list. */
const oneOrMany = (resources: Json[]): Json => (resources.length === 1 ? resources[0] : resources);
const statementKey = (s: Json) => `${asArray<string>(s.Action).sort().join(',')} -> ${JSON.stringify(s.Resource)}`;

function statementsOf(role: string): Json[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => referencedIds(policy.Properties.Roles).has(role))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

// ---- data ----------------------------------------------------------------------

describe('tables', () => {
  it.each(tableDefinitions.map((def) => [def.id, def] as const))('%s: on-demand, PITR, deletion protection, retained, keys/TTL/GSIs/stream as defined', (_id, def) => {
    const table = resources[idAt(`Data/${def.id}Table`)];
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const props = table.Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.DeletionProtectionEnabled).toBe(true);
    expect(props.KeySchema).toEqual([{ AttributeName: def.partitionKey, KeyType: 'HASH' }, ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : [])]);
    if (def.timeToLiveAttribute) expect(props.TimeToLiveSpecification).toEqual({ AttributeName: def.timeToLiveAttribute, Enabled: true });
    expect((props.GlobalSecondaryIndexes ?? []).map((g: Json) => g.IndexName)).toEqual((def.globalSecondaryIndexes ?? []).map((g) => g.indexName));
    if (def.stream) expect(props.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    else expect(props.StreamSpecification).toBeUndefined();
  });

  it('the code secret is generated by CloudFormation: 64 characters, no punctuation, retained', () => {
    const secret = resources[idAt('Data/CodeSecret')];
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.DeletionPolicy).toBe('Retain');
  });
});

// ---- photos --------------------------------------------------------------------

describe('photos bucket', () => {
  it('blocks public access, encrypts (SSE-S3), is versioned, logs access to the log bucket, is retained', () => {
    const bucket = resources[idAt('Photos/Bucket')];
    const logBucketId = idAt('Photos/AccessLogs');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(resources[logBucketId].DeletionPolicy).toBe('Retain');
    for (const props of [bucket.Properties, resources[logBucketId].Properties]) {
      expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
      expect(props.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    }
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucketId });
  });

  it('expires objects after 90 days by default and noncurrent versions after a grace period', () => {
    const rules: Json[] = resources[idAt('Photos/Bucket')].Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
        expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
      ]),
    );
  });

  it('credential-set snapshots expire after a day (they are rebuilt on demand)', () => {
    const rules: Json[] = resources[idAt('Photos/Bucket')].Properties.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        Prefix: 'credential-sets/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      }),
    );
  });

  it('both buckets refuse requests without TLS', () => {
    for (const bucket of [idAt('Photos/Bucket'), idAt('Photos/AccessLogs')]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('the retention comes from context lobby:photoRetentionDays', () => {
    const { stack } = buildApp({
      outdir: join(outdir, 'retention'),
      builtinCloudFormationValidation: false,
      nag: false,
      context: { 'lobby:photoRetentionDays': 30, 'aws:cdk:bundling-stacks': [] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
  });
});

// ---- auth ----------------------------------------------------------------------

describe('user pool', () => {
  it('no self sign-up, strong passwords, optional TOTP MFA, the Lite plan by default (cost; lobby:cognitoFeaturePlan), retained', () => {
    const pool = resources[idAt('Auth/UserPool')];
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'LITE',
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.Properties.UserPoolAddOns).toBeUndefined();
    // No SES identity in context: Cognito's own sender (dev only, documented).
    expect(pool.Properties.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT').toBe('COGNITO_DEFAULT');
  });

  it(`has the "${OPERATORS_GROUP}" group and a public (secretless) app client`, () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: OPERATORS_GROUP, UserPoolId: { Ref: idAt('Auth/UserPool') } });
    const client = resources[idAt('Auth/UserPool/AdminClient')].Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });
});

// ---- API -----------------------------------------------------------------------

describe('HTTP API', () => {
  const apiRoutes = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  it('has exactly one route per route-table entry', () => {
    expect(
      apiRoutes()
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(routes.map(routeKey).sort());
  });

  const PUBLIC_ROUTES = ['GET /openapi.json', 'GET /', 'GET /health'];
  it('every route except GET /openapi.json, GET / and GET /health requires the Cognito JWT authorizer', () => {
    const authorizer = idAt('Api/HttpApi/LobbyAuthorizer');
    for (const route of apiRoutes()) {
      if (PUBLIC_ROUTES.includes(route.RouteKey)) {
        expect(route.AuthorizationType, route.RouteKey).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('CUSTOM');
        expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizer });
      }
    }
    expect(routes.filter((r) => r.auth === 'none').map(routeKey)).toEqual(PUBLIC_ROUTES);
  });

  // A Lambda authorizer (functions/handlers/authorizer.ts): a JWT authorizer's static audience cannot take integrations' tokens.
  it('the authorizer trusts only the user pool (issuer) and its person app clients; no result cache', () => {
    expect(resources[idAt('Api/HttpApi/LobbyAuthorizer')].Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: ['$request.header.Authorization'],
    });
    const env = resources[idAt('Api/Authorizer/Function')].Properties.Environment.Variables;
    expect(env.LOBBY_JWT_ISSUER).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [idAt('Auth/UserPool'), 'ProviderURL'] }]] });
    expect(referencedIds(env.LOBBY_PERSON_CLIENT_IDS).has(idAt('Auth/UserPool/AdminClient'))).toBe(true);
  });

  it('each route is integrated with the function of its `fn`', () => {
    const integrations = Object.fromEntries(ofType('AWS::ApiGatewayV2::Integration'));
    const byKey = new Map(apiRoutes().map((r) => [r.RouteKey, r]));
    for (const route of routes) {
      const target = byKey.get(routeKey(route))!.Target;
      const [integrationId] = [...referencedIds(target)];
      expect(referencedIds(integrations[integrationId!].Properties.IntegrationUri), routeKey(route)).toEqual(new Set([functionId(route.fn)]));
    }
  });

  it('the $default stage has JSON access logs (to a log group with retention) and throttling', () => {
    const stage = resources[idAt('Api/HttpApi/DefaultStage')].Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 });
    expect(stage.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [idAt('Api/AccessLogs'), 'Arn'] });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    expect(resources[idAt('Api/AccessLogs')].Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

// ---- functions -----------------------------------------------------------------

/** What every Lobby function gets (lib/lobby-stack.ts functionEnvironment + LobbyFunction). */
const baseEnvironment = () => ({
  LOBBY_TABLE: { Ref: idAt('Data/LobbyTable') },
  IDEMPOTENCY_TABLE: { Ref: idAt('Data/IdempotencyTable') },
  PHOTOS_BUCKET: { Ref: idAt('Photos/Bucket') },
  CODE_SECRET_ARN: { Ref: idAt('Data/CodeSecret') },
  LOBBY_STAGE: 'dev',
  // Where texts and phone calls may go (lobby:smsCountries, default +1).
  LOBBY_SMS_COUNTRIES: '["+1"]',
  POWERTOOLS_SERVICE_NAME: 'lobby',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // No NODE_OPTIONS: source maps are off unless lobby:sourceMaps (lib/bundling.ts says why).
});

describe('functions', () => {
  it('the API has one per distinct `fn` of the route table, nothing else', () => {
    const apiFunctions = ofType('AWS::Lambda::Function').filter(([, r]) => pathOf(r)?.startsWith(`${STACK}/Api/`));
    // ...and the API's authorizer.
    expect(apiFunctions.map(([id]) => id).sort()).toEqual([...fnNames.map(functionId), idAt('Api/Authorizer/Function')].sort());
  });

  it.each(fnNames)('%s: arm64, the chosen Node.js runtime, tracing, JSON logs to its own log group, config variables', (fn) => {
    const props = resources[functionId(fn)].Properties;
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Runtime).toBe(LAMBDA_RUNTIME.name);
    expect(props.Handler).toBe('index.handler');
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroup = idAt(`Api/${constructId(fn)}/Logs`);
    expect(props.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroup }, ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
    expect(resources[logGroup].Properties.RetentionInDays).toBeGreaterThan(0);
    const access = API_IOT_ACCESS[fn];
    expect(props.Environment.Variables).toEqual({
      ...baseEnvironment(),
      // Functions that talk to IoT reach the account's data endpoint; the provisioner
      // also needs the thing type and policy it creates panels with.
      ...(access ? { [IOT_DATA_ENDPOINT_VARIABLE]: dataEndpointUrl() } : {}),
      ...(access?.provision ? { PANEL_THING_TYPE: { Ref: cfnAt('Panels/ThingType') }, PANEL_POLICY_NAME: { Ref: cfnAt('Panels/Policy') } } : {}),
      // Integrations create their app clients in the pool and hand out its token URL.
      ...(fn === 'integrations' ? { LOBBY_USER_POOL_ID: { Ref: idAt('Auth/UserPool') }, LOBBY_TOKEN_URL: expect.anything() } : {}),
    });
  });

  it('the panels function gets PANEL_THING_TYPE and PANEL_POLICY_NAME (the provisioner reads them)', () => {
    expect(API_IOT_ACCESS.panels).toEqual({ provision: true, commands: true, calls: false, shadows: true });
    const variables = resources[functionId('panels')].Properties.Environment.Variables;
    expect(variables.PANEL_THING_TYPE).toEqual({ Ref: cfnAt('Panels/ThingType') });
    expect(variables.PANEL_POLICY_NAME).toEqual({ Ref: cfnAt('Panels/Policy') });
  });

  /** Every file of a function's asset (entry and chunks), relative to the asset directory. */
  const assetFiles = (id: string) => {
    const dir = join(outdir, resources[id].Metadata['aws:asset:path']);
    return { dir, files: readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(mjs|js|cjs|map|json)$/.test(f)) };
  };

  // Split by esbuild (lib/bundling.ts): the entry imports chunks, and what a function reaches
  // only through import() (the stores' wiring, the SDK clients) is a chunk of its own.
  const splitFunctions = fnNames.filter((fn) => fn !== 'openapi');
  it.runIf(bundle).each(splitFunctions)('%s: bundled as split ESM: entry and chunks, each with the createRequire banner, no source maps', (fn) => {
    const { dir, files } = assetFiles(functionId(fn));
    expect(files).toContain('index.mjs');
    const chunks = files.filter((f) => /^chunks\/.+\.mjs$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    expect(files.filter((f) => f !== 'index.mjs' && !chunks.includes(f))).toEqual([]);
    for (const file of ['index.mjs', ...chunks]) {
      const code = readFileSync(join(dir, file), 'utf8');
      expect(code.startsWith("import { createRequire as __lobbyCreateRequire } from 'node:module';"), file).toBe(true);
      expect(code, file).not.toMatch(/sourceMappingURL/);
    }
    // The entry loads its chunks: by relative static imports and at least one import().
    const entry = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(entry).toMatch(/from"\.\/chunks\/[\w-]+\.mjs"/);
    expect(`${entry}${chunks.map((c) => readFileSync(join(dir, c), 'utf8')).join('')}`).toMatch(/import\("\.\/[\w-]+\.mjs"\)|import\("\.\/chunks\/[\w-]+\.mjs"\)/);
  });

  // The document is built at bundle time: the asset is one module that serves exactly what
  // functions/http/openapi.ts builds from the route table, and loads nothing else.
  it.runIf(bundle)('openapi: one module that serves the document built at bundle time', async () => {
    const { dir, files } = assetFiles(functionId('openapi'));
    expect(files).toEqual(['index.mjs']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/\bimport\(/);
    const { handler } = await import(pathToFileURL(join(dir, 'index.mjs')).href);
    const reply = await handler({ routeKey: 'GET /openapi.json' });
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual(openApiDocument());
    expect((await handler({ routeKey: 'GET /nothing' })).statusCode).toBe(404);
  });

  // The local stack's certificate authority (iot/local-core/local-ca.ts, with its openssl spawn) once
  // shipped in the panels bundle: nothing under local/ or iot/local-core/ may reach a Lambda bundle.
  // Every file of the asset is read: the entry and every chunk (and source maps when shipped).
  it.runIf(bundle).each([...fnNames, ...panelFunctions])('%s: its bundle holds no local-stack code', (fn) => {
    const id = (fnNames as string[]).includes(fn) ? functionId(fn) : panelFunctionId(fn);
    const { dir, files } = assetFiles(id);
    expect(files.filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(fn === 'openapi' ? 0 : 1);
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      if (file.endsWith('.map')) {
        const sources: string[] = JSON.parse(text).sources;
        expect(
          sources.filter((s) => /(^|\/)(local|iot\/local-core)\//.test(s)),
          file,
        ).toEqual([]);
      } else {
        for (const marker of ['Lobby local IoT', 'issueThingCertificate', 'LOCAL_IOT_DATA_DIR']) expect(text.includes(marker), `${file} holds ${marker}`).toBe(false);
      }
    }
  });
});

// ---- least privilege -----------------------------------------------------------

describe('IAM: each function gets only what its handler needs', () => {
  const lobbyTable = () => idAt('Data/LobbyTable');
  const idempotencyTable = () => idAt('Data/IdempotencyTable');
  const secret = () => idAt('Data/CodeSecret');
  const photos = () => idAt('Photos/Bucket');

  it('no role has an AWS managed policy', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });

  it.each(fnNames)('%s', (fn) => {
    const statements = statementsOf(roleId(fn));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    const touching = (service: string) => statements.filter((s) => asArray<string>(s.Action).some((a) => a.startsWith(`${service}:`)));

    // Only these services (IoT only for the functions of API_IOT_ACCESS), and nothing on
    // Resource "*" but X-Ray and the two IoT actions without resource-level permissions.
    const access = API_IOT_ACCESS[fn];
    const unscoped = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', ...(access?.provision ? ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'] : [])];
    for (const s of statements) {
      // kinesisvideo: the panels' signaling channels, exactly per capabilities.test.ts.
      for (const action of asArray<string>(s.Action))
        expect(
          ['logs', 'xray', 'dynamodb', 'secretsmanager', 's3', 'kinesisvideo', ...(access ? ['iot'] : []), ...(fn === 'integrations' ? ['cognito-idp'] : [])],
          action,
        ).toContain(action.split(':')[0]);
      if (asArray(s.Resource).includes('*'))
        expect(
          asArray<string>(s.Action).every((a) => unscoped.includes(a)),
          JSON.stringify(s),
        ).toBe(true);
    }
    const expectedIot = [
      ...(access?.provision
        ? [
            // create, and decommission (deactivate, detach, delete) panels
            { Action: ['iot:CreateThing', 'iot:ListThingPrincipals', 'iot:DetachThingPrincipal', 'iot:DeleteThing'], Resource: iotArn('thing/*') },
            {
              Action: ['iot:AttachPolicy', 'iot:AttachThingPrincipal', 'iot:UpdateCertificate', 'iot:DeleteCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy'],
              Resource: iotArn('cert/*'),
            },
            {
              Action: 'iot:DetachPolicy',
              Resource: {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':policy/', { Ref: cfnAt('Panels/Policy') }]],
              },
            },
            { Action: ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'], Resource: '*' },
          ]
        : []),
      // Publishing on two channels is one statement (CDK merges them): calls, then commands.
      ...(access?.commands || access?.calls
        ? [
            {
              Action: 'iot:Publish',
              Resource: oneOrMany([...(access.calls ? [iotArn(`topic/${TOPIC_ROOT}/*/calls`)] : []), ...(access.commands ? [iotArn(`topic/${TOPIC_ROOT}/*/commands`)] : [])]),
            },
          ]
        : []),
      ...(access?.shadows ? [{ Action: 'iot:UpdateThingShadow', Resource: iotArn('thing/*/credentials') }] : []),
    ];
    expect(touching('iot').map(statementKey).sort()).toEqual(expectedIot.map(statementKey).sort());
    // Logs: its own log group only.
    for (const s of touching('logs')) expect(referencedIds(s.Resource)).toEqual(new Set([idAt(`Api/${constructId(fn)}/Logs`)]));

    const needsData = fn !== 'openapi';
    const needsIdempotency = routes.some((r) => r.fn === fn && r.idempotent);
    const dynamo = touching('dynamodb');
    const tablesReferenced = new Set(dynamo.flatMap((s) => [...referencedIds(s.Resource)]));
    for (const s of dynamo) {
      expect(asArray(s.Resource), 'no wildcard table').not.toContain('*');
      expect(
        asArray<string>(s.Action).some((a) => a === 'dynamodb:*'),
        'no dynamodb:*',
      ).toBe(false);
      for (const resource of asArray<Json>(s.Resource)) {
        const ok =
          JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [lobbyTable(), 'Arn'] }) ||
          JSON.stringify(resource) === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [lobbyTable(), 'Arn'] }, '/index/*']] }) ||
          JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [idempotencyTable(), 'Arn'] });
        expect(ok, `unexpected DynamoDB resource ${JSON.stringify(resource)}`).toBe(true);
      }
    }
    expect(tablesReferenced).toEqual(new Set([...(needsData ? [lobbyTable()] : []), ...(needsIdempotency ? [idempotencyTable()] : [])]));

    const secrets = touching('secretsmanager');
    expect(secrets.flatMap((s) => asArray(s.Resource))).toEqual(needsData ? [{ Ref: secret() }] : []);
    for (const s of secrets) expect(asArray<string>(s.Action).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);

    const s3 = touching('s3');
    if (fn === 'access-events') {
      expect(s3).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [photos(), 'Arn'] }, '/photos/*']] } }]);
    } else {
      expect(s3).toEqual([]);
    }
  });
});

// ---- observability -------------------------------------------------------------

describe('alarms and dashboard', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it.each(fnNames)('%s: Errors and Throttles alarms', (fn) => {
    for (const metric of ['Errors', 'Throttles']) {
      expect(
        alarms().some(
          (a) =>
            a.Namespace === 'AWS/Lambda' && a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(fn) } }]),
        ),
        `${fn} ${metric}`,
      ).toBe(true);
    }
  });

  it('API 5xx alarm, DynamoDB throttle and system-error alarms per table, a dashboard', () => {
    expect(alarms().some((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx')).toBe(true);
    for (const def of tableDefinitions) {
      const table = idAt(`Data/${def.id}Table`);
      const onTable = alarms().filter((a) => referencedIds(a.Metrics).has(table));
      const metricNames = new Set(onTable.flatMap((a) => a.Metrics.map((m: Json) => m.MetricStat?.Metric.MetricName)).filter(Boolean));
      expect([...metricNames].sort(), def.id).toEqual(['ReadThrottleEvents', 'SystemErrors', 'WriteThrottleEvents']);
    }
    expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('outputs the API URL, user pool and client ids, table names, the IoT data endpoint, panel thing type and policy', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'LobbyTableName', 'IdempotencyTableName', 'IotDataEndpoint', 'PanelThingType', 'PanelPolicyName']),
    );
  });
});

// ---- panels: IoT Core ------------------------------------------------------------

const panelFunctions = ['panel-messages', 'panel-requests', 'panel-presence', 'credential-stream', 'reconcile'] as const;
const ruleDriven = ['panel-messages', 'panel-requests', 'panel-presence'] as const;
const panelFunctionId = (fn: string) => idAt(`Panels/${constructId(fn)}/Function`);
const panelRoleId = (fn: string) => idAt(`Panels/${constructId(fn)}/Role`);

/** A synthesized string back to text: Fn::Join flattened, pseudo parameters as REGION, ACCOUNT, PARTITION. */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  const pseudo: Record<string, string> = { 'AWS::Region': 'REGION', 'AWS::AccountId': 'ACCOUNT', 'AWS::Partition': 'PARTITION' };
  if (typeof value?.Ref === 'string' && pseudo[value.Ref]) return pseudo[value.Ref]!;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** EventBridge-style pattern match, for the subset Lambda filter criteria use here (nested keys, lists of literals). */
function matches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([key, want]) => (Array.isArray(want) ? want.includes(event?.[key]) : event?.[key] !== undefined && matches(want, event[key])));
}

describe('panels: IoT Core', () => {
  it('the thing type and the policy are retained (run-time things and certificates refer to them) and unnamed (a retained pair never blocks the next create)', () => {
    const thingType = resources[cfnAt('Panels/ThingType')];
    expect(thingType.Properties.ThingTypeName).toBeUndefined();
    expect(thingType.DeletionPolicy).toBe('Retain');
    const policy = resources[cfnAt('Panels/Policy')];
    expect(policy.Properties.PolicyName).toBeUndefined();
    expect(policy.DeletionPolicy).toBe('Retain');
    expect(ofType('AWS::IoT::Policy')).toHaveLength(1);
  });

  it("the IoT policy is panelPolicyDocument with the stack's region and account: the document the local broker enforces", () => {
    const document = resources[cfnAt('Panels/Policy')].Properties.PolicyDocument;
    const rendered = {
      ...document,
      Statement: document.Statement.map((s: Json) => ({
        ...s,
        Resource: Array.isArray(s.Resource) ? s.Resource.map(render) : render(s.Resource),
      })),
    };
    expect(rendered).toEqual(panelPolicyDocument({ region: 'REGION', account: 'ACCOUNT' }, { topicRoot: TOPIC_ROOT }));
    // Region and account are the stack's pseudo parameters, nothing else was substituted.
    expect(JSON.stringify(document)).not.toMatch(/Fn::Sub/);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test's name quotes IoT policy variables
  it('every policy resource is scoped to the connected thing (Connect by ${iot:Connection.Thing.ThingName}, the rest by ${iot:ClientId}, which Connect pins to it); no "*" resource or action', () => {
    const expected = panelPolicyDocument({ region: 'REGION', account: 'ACCOUNT' }, { topicRoot: TOPIC_ROOT });
    const statements: Json[] = resources[cfnAt('Panels/Policy')].Properties.PolicyDocument.Statement;
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of asArray<string>(s.Action)) expect(action, 'no action wildcard').not.toMatch(/\*/);
      for (const resource of asArray<Json>(s.Resource).map(render)) {
        expect(resource, 'no "*"-only resource').not.toBe('*');
        expect(resource).toMatch(/^arn:aws:iot:REGION:ACCOUNT:(client|topic|topicfilter)\//);
        expect(resource, `${resource} is scoped to the connected thing`).toContain(s.Action === 'iot:Connect' ? THING_NAME_VARIABLE : CLIENT_ID_VARIABLE);
      }
    }
    const actions = (doc: Json[]) => doc.flatMap((s) => asArray<string>(s.Action)).sort();
    expect(actions(statements)).toEqual(actions(expected.Statement));
  });

  it('one topic rule per panelRules entry of the stage, and the presence rule: its SQL, SQL version 2016-03-23, its function, failures logged', () => {
    const rules = ofType('AWS::IoT::TopicRule');
    const presence = presenceRule('dev');
    expect(rules.map(([, r]) => r.Properties.RuleName).sort()).toEqual([...panelRules.map((r) => r.name), presence.name].sort());
    const [, presenceTopicRule] = rules.find(([, r]) => r.Properties.RuleName === presence.name)!;
    expect(presenceTopicRule.Properties.TopicRulePayload.Sql).toBe(presenceRuleSql(presence));
    expect(presenceTopicRule.Properties.TopicRulePayload.Sql).toBe("SELECT * FROM '$aws/events/presence/+/+'");
    expect(presenceTopicRule.Properties.TopicRulePayload.Actions).toEqual([{ Lambda: { FunctionArn: { 'Fn::GetAtt': [panelFunctionId('panel-presence'), 'Arn'] } } }]);
    const errorLogs = idAt('Panels/RuleErrors');
    const errorRole = idAt('Panels/RuleErrorRole');
    for (const rule of panelRules) {
      const [, topicRule] = rules.find(([, r]) => r.Properties.RuleName === rule.name)!;
      const payload = topicRule.Properties.TopicRulePayload;
      expect(payload.Sql, rule.name).toBe(ruleSql(rule));
      expect(payload.AwsIotSqlVersion).toBe('2016-03-23');
      expect(payload.RuleDisabled).toBe(false);
      expect(payload.Actions, rule.name).toEqual([{ Lambda: { FunctionArn: { 'Fn::GetAtt': [panelFunctionId(rule.fn), 'Arn'] } } }]);
      expect(payload.ErrorAction).toEqual({ CloudwatchLogs: { LogGroupName: { Ref: errorLogs }, RoleArn: { 'Fn::GetAtt': [errorRole, 'Arn'] } } });
    }
  });

  it("IoT may invoke each rule's function only from that rule (source ARN and account)", () => {
    const iotPermissions = ofType('AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => p.Principal === 'iot.amazonaws.com');
    expect(iotPermissions).toHaveLength(panelRules.length + 1);
    for (const [ruleId, topicRule] of ofType('AWS::IoT::TopicRule')) {
      const rule = [...panelRules, presenceRule('dev')].find((r) => r.name === topicRule.Properties.RuleName)!;
      expect(iotPermissions).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [panelFunctionId(rule.fn), 'Arn'] },
        Principal: 'iot.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    }
  });

  it('the rule error role: assumed by IoT of this account only, writes only to the RuleErrors log group', () => {
    const role = resources[idAt('Panels/RuleErrorRole')].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'iot.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    ]);
    const statements = statementsOf(idAt('Panels/RuleErrorRole'));
    expect(statements.flatMap((s) => asArray<string>(s.Action)).sort()).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    for (const s of statements) expect([...referencedIds(s.Resource)].filter((id) => !id.startsWith('AWS::'))).toEqual([idAt('Panels/RuleErrors')]);
  });

  it('at most two functions read the Lobby table stream (DynamoDB Streams: no more than two readers per shard, or they are throttled)', () => {
    const tableStream = JSON.stringify({ 'Fn::GetAtt': [idAt('Data/LobbyTable'), 'StreamArn'] });
    const readers = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties.EventSourceArn) === tableStream);
    expect(readers.length).toBeGreaterThan(0);
    expect(readers.length).toBeLessThanOrEqual(2);
  });

  it('credential-stream reads the Lobby table stream from TRIM_HORIZON, bisects, reports batch item failures, retries, and parks failed batches (records included) in an encrypted TLS-only bucket before the stream trims them', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    const mapping = mappings.find((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: panelFunctionId('credential-stream') }));
    expect(mapping).toBeDefined();
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [idAt('Data/LobbyTable'), 'StreamArn'] });
    expect(mapping).toMatchObject({ StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: true, ParallelizationFactor: 1 });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.MaximumRetryAttempts).toBeGreaterThan(0);
    // Given up on (and parked) while the stream (24 h retention) still holds the records.
    expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(mapping.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
    expect(mapping.MetricsConfig).toEqual({ Metrics: ['EventCount'] });
    const bucket = idAt('Panels/StreamFailures');
    expect(resources[bucket].Type).toBe('AWS::S3::Bucket');
    expect(mapping.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [bucket, 'Arn'] } } });
    expect(resources[bucket].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(resources[bucket].Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('the stream filter lets through only credential items (new or old image) and removed access events', () => {
    const patterns: Json[] = resources[idAt('Panels/CredentialStream/Function/LobbyTableStream')].Properties.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern));
    const types = [...CREDENTIAL_TYPES];
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { type: { S: types } } } },
      { dynamodb: { OldImage: { type: { S: types } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { type: { S: ['access-event'] } } } },
    ]);
    const record = (eventName: string, image: 'NewImage' | 'OldImage' | 'both', type: string) => ({
      eventName,
      dynamodb: {
        ...(image !== 'OldImage' ? { NewImage: { type: { S: type } } } : {}),
        ...(image !== 'NewImage' ? { OldImage: { type: { S: type } } } : {}),
      },
    });
    const invokes = (r: Json) => patterns.some((p) => matches(p, r));
    for (const type of types) {
      expect(invokes(record('INSERT', 'NewImage', type)), `${type} created`).toBe(true);
      expect(invokes(record('MODIFY', 'both', type)), `${type} changed`).toBe(true);
      expect(invokes(record('REMOVE', 'OldImage', type)), `${type} deleted`).toBe(true);
    }
    expect(invokes(record('REMOVE', 'OldImage', 'access-event')), 'access event expired').toBe(true);
    expect(invokes(record('INSERT', 'NewImage', 'access-event')), 'access event recorded').toBe(false);
    expect(invokes(record('MODIFY', 'both', 'access-event')), 'access event updated').toBe(false);
    for (const other of ['panel', 'property', 'credential-set', 'credential-change', 'audit']) {
      expect(invokes(record('MODIFY', 'both', other)), other).toBe(false);
      expect(invokes(record('REMOVE', 'OldImage', other)), other).toBe(false);
    }
  });

  it('the IoT data endpoint comes from DescribeEndpoint(iot:Data-ATS), by a custom resource with a least-privilege role', () => {
    const lookup = resources[cfnAt('Panels/DataEndpoint/Resource/Default')];
    expect(lookup.Type).toBe('Custom::IotDataEndpoint');
    for (const call of [lookup.Properties.Create, lookup.Properties.Update]) {
      expect(JSON.parse(call)).toMatchObject({ service: 'Iot', action: 'describeEndpoint', parameters: { endpointType: 'iot:Data-ATS' } });
    }
    expect(lookup.Properties.InstallLatestAwsSdk).toBe(false);
    const role = idAt('Panels/DataEndpointRole');
    const provider = ofType('AWS::Lambda::Function').find(([, f]) => JSON.stringify(f.Properties.Role) === JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] }));
    expect(provider, 'the custom resource provider runs with DataEndpointRole').toBeDefined();
    expect(lookup.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [provider![0], 'Arn'] });
    expect(statementsOf(role).map(statementKey).sort()).toEqual(
      [
        statementKey({ Action: 'iot:DescribeEndpoint', Resource: '*' }),
        statementKey({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [idAt('Panels/DataEndpointLogs'), 'Arn'] } }),
      ].sort(),
    );
  });

  it.each(panelFunctions)('%s: arm64, the chosen runtime, tracing, its own log group, the config variables (+ the IoT endpoint when it talks to IoT)', (fn) => {
    const props = resources[panelFunctionId(fn)].Properties;
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Runtime).toBe(LAMBDA_RUNTIME.name);
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: idAt(`Panels/${constructId(fn)}/Logs`) }, ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
    expect(props.Environment.Variables).toEqual({
      ...baseEnvironment(),
      ...(fn === 'panel-messages' || fn === 'panel-presence' ? {} : { [IOT_DATA_ENDPOINT_VARIABLE]: dataEndpointUrl() }),
      ...(fn === 'reconcile' ? { LOBBY_PANEL_OFFLINE_MINUTES: '15' } : {}),
    });
  });

  it.each(panelFunctions)('%s: exactly the permissions its handler needs', (fn) => {
    const statements = statementsOf(panelRoleId(fn));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    const logs = idAt(`Panels/${constructId(fn)}/Logs`);
    const table = { 'Fn::GetAtt': [idAt('Data/LobbyTable'), 'Arn'] };
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [idAt('Photos/Bucket'), 'Arn'] }, `/${prefix}*`]] });
    const lobbyTableStatement = statements.find((s) => asArray<string>(s.Action).includes('dynamodb:PutItem'));
    expect(lobbyTableStatement?.Resource).toEqual([table, { 'Fn::Join': ['', [table, '/index/*']] }]);
    const common = [
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logs, 'Arn'] } },
      { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      lobbyTableStatement,
      { Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: idAt('Data/CodeSecret') } },
    ];
    // Lambda's on-failure destination sends with the function's role.
    const failureQueue = (f: string) => ({
      Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
      Resource: { 'Fn::GetAtt': [idAt(`Panels/${constructId(f)}Failures`), 'Arn'] },
    });
    const failureBucket = { 'Fn::GetAtt': [idAt('Panels/StreamFailures'), 'Arn'] };
    const specific: Record<(typeof panelFunctions)[number], Json[]> = {
      'panel-messages': [failureQueue('panel-messages')],
      'panel-presence': [failureQueue('panel-presence')],
      'panel-requests': [
        { Action: ['s3:PutObject', 's3:GetObject'], Resource: objects('credential-sets/') },
        { Action: 's3:PutObject', Resource: objects('photos/') },
        { Action: 'iot:Publish', Resource: [iotArn(`topic/${TOPIC_ROOT}/*/calls`), iotArn(`topic/${TOPIC_ROOT}/*/responses`)] },
        // call.start: the panel's MASTER session (and its channel, if it was provisioned before calls).
        {
          Action: [
            'kinesisvideo:ConnectAsMaster',
            'kinesisvideo:CreateSignalingChannel',
            'kinesisvideo:DescribeSignalingChannel',
            'kinesisvideo:GetIceServerConfig',
            'kinesisvideo:GetSignalingChannelEndpoint',
          ],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kinesisvideo:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':channel/lobby-dev-*/*']] },
        },
        failureQueue('panel-requests'),
      ],
      'credential-stream': [
        { Action: 'iot:UpdateThingShadow', Resource: iotArn('thing/*/credentials') },
        { Action: 's3:DeleteObject', Resource: objects('photos/') },
        { Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: { 'Fn::GetAtt': [idAt('Data/LobbyTable'), 'StreamArn'] } },
        { Action: 'dynamodb:ListStreams', Resource: '*' },
        { Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [failureBucket, '/*']] } },
        { Action: 's3:ListBucket', Resource: failureBucket },
      ],
      reconcile: [
        { Action: ['s3:PutObject', 's3:GetObject'], Resource: objects('credential-sets/') },
        { Action: 'iot:UpdateThingShadow', Resource: iotArn('thing/*/credentials') },
        // the missed-call sweep tells the panel
        { Action: 'iot:Publish', Resource: iotArn(`topic/${TOPIC_ROOT}/*/calls`) },
        { Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: { 'Fn::GetAtt': [idAt('Panels/ReconcileFailures'), 'Arn'] } },
      ],
    };
    expect(statements.map(statementKey).sort()).toEqual([...common, ...specific[fn]].map(statementKey).sort());
  });

  it('in every role this construct creates or extends, "*" resources sit in single-purpose policies with a written IAM5 acknowledgement', () => {
    const allowedUnscoped = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint', 'dynamodb:ListStreams']);
    const roles = new Set([
      ...ofType('AWS::IAM::Role')
        .filter(([, r]) => pathOf(r)?.startsWith(`${STACK}/Panels/`))
        .map(([id]) => id),
      ...Object.keys(API_IOT_ACCESS).map((fn) => roleId(fn)),
    ]);
    expect(roles.size).toBeGreaterThanOrEqual(panelFunctions.length + 2 + Object.keys(API_IOT_ACCESS).length);
    // An acknowledgement covers the construct it is made on and everything below it.
    const acknowledged = (path: string, id: string) =>
      app.node
        .findAll()
        .some(
          (construct) =>
            (path === construct.node.path || path.startsWith(`${construct.node.path}/`)) &&
            construct.node.metadata.some(
              (entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && Object.keys(entry.data as Record<string, string>).some((key) => ruleId(key) === id),
            ),
        );
    for (const [, policy] of ofType('AWS::IAM::Policy').filter(([, p]) => [...referencedIds(p.Properties.Roles)].some((r) => roles.has(r)))) {
      const statements: Json[] = policy.Properties.PolicyDocument.Statement;
      const unscoped = statements.filter((s) => asArray(s.Resource).includes('*'));
      if (unscoped.length === 0) continue;
      const path = pathOf(policy)!.replace(/\/Resource$/, '');
      expect(statements, `${path} holds only actions without resource-level permissions`).toEqual(unscoped);
      for (const s of unscoped) for (const action of asArray<string>(s.Action)) expect(allowedUnscoped.has(action), `${action} on "*" at ${path}`).toBe(true);
      expect(acknowledged(path, 'AwsSolutions-IAM5[Resource::*]'), `IAM5 Resource::* acknowledged at ${path}`).toBe(true);
    }
  });

  it("alarms: Errors and Throttles per panel function, rule action failures, the on-failure queues, parked stream records, the stream's iterator age", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const fn of panelFunctions) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(
          alarms.some(
            (a) =>
              a.Namespace === 'AWS/Lambda' &&
              a.MetricName === metric &&
              JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: panelFunctionId(fn) } }]),
          ),
          `${fn} ${metric}`,
        ).toBe(true);
      }
    }
    expect(
      alarms.some(
        (a) =>
          a.Namespace === 'AWS/Lambda' &&
          a.MetricName === 'IteratorAge' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: panelFunctionId('credential-stream') } }]),
      ),
    ).toBe(true);
    for (const fn of [...ruleDriven, 'reconcile']) {
      expect(
        alarms.some(
          (a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible' && referencedIds(a.Dimensions).has(idAt(`Panels/${constructId(fn)}Failures`)),
        ),
        `${fn} failure queue`,
      ).toBe(true);
    }
    const mappingId = idAt('Panels/CredentialStream/Function/LobbyTableStream');
    expect(
      alarms.some(
        (a) =>
          a.Namespace === 'AWS/Lambda' &&
          a.MetricName === 'OnFailureDestinationDeliveredEventCount' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'EventSourceMappingUUID', Value: { Ref: mappingId } }]),
      ),
    ).toBe(true);
    const filter = ofType('AWS::Logs::MetricFilter')
      .map(([, f]) => f.Properties)
      .find((f) => f.LogGroupName?.Ref === idAt('Panels/RuleErrors'));
    expect(filter).toBeDefined();
    const { MetricNamespace: namespace, MetricName: name } = filter!.MetricTransformations[0];
    expect(alarms.some((a) => a.Namespace === namespace && a.MetricName === name)).toBe(true);
  });
});

// ---- cdk-nag -------------------------------------------------------------------

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: Json) =>
      plugin.violations.flatMap((v: Json) => v.violatingConstructs.map((c: Json) => `${v.severity} ${v.ruleName} at ${c.constructPath}: ${v.description}`)),
    );
    expect(findings, `unacknowledged cdk-nag findings:\n${findings.join('\n')}`).toEqual([]);
    expect(synthError, String((synthError as Error)?.message ?? synthError)).toBeUndefined();
  });

  it('every acknowledgement carries a specific written reason', () => {
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({ at: construct.node.path, id: ruleId(key), reason }))),
      );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { at, id, reason } of acknowledgements) {
      expect(typeof reason === 'string' && reason.trim().length >= 40, `${id} at ${at} needs a real reason, got ${JSON.stringify(reason)}`).toBe(true);
      // IAM5 is acknowledged finding by finding, never as a whole rule.
      if (id.startsWith('AwsSolutions-IAM5')) expect(id, at).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
    }
  });
});
