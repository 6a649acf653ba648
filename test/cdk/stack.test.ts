import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinitions } from '../../functions/adapters/table-definitions.ts';
import { OPERATORS_GROUP } from '../../functions/http/caller.ts';
import { routeKey, routes } from '../../functions/http/routes.ts';
import { buildApp } from '../../lib/app.ts';
import { LAMBDA_RUNTIME } from '../../lib/lobby-function.ts';

/**
 * The Lobby stack, synthesized once for the whole file exactly as `cdk synth` does it:
 * every handler bundled by esbuild, the built-in CloudFormation validation and
 * cdk-nag's AwsSolutions pack on. The template assertions read the template that
 * synthesis wrote (it is written before validation runs, so it exists even when
 * cdk-nag fails the synth; that failure is reported by its own test below).
 *
 * LOBBY_CDK_TEST_BUNDLING=0 skips the esbuild bundling (~15-20 s) for a faster loop.
 */
type Json = any;

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
  const templateFile = join(outdir, 'Lobby.template.json');
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
  const found = Object.entries(resources).filter(([, r]) => pathOf(r) === `Lobby/${full}`);
  expect(found, `resource at Lobby/${full}`).toHaveLength(1);
  return found[0]![0];
}

function ofType(type: string): Array<[string, Json]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Logical ids a template fragment references with Ref or Fn::GetAtt. */
function referencedIds(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, into));
  else if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') into.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) into.add(value['Fn::GetAtt'][0]);
    Object.values(value).forEach((v) => referencedIds(v, into));
  }
  return into;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const fnNames = [...new Set(routes.map((route) => route.fn))];
/** 'delivery-pins' -> 'DeliveryPins' (the construct id lib/api.ts uses). */
const constructId = (fn: string) => fn.split('-').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');

const functionId = (fn: string) => idAt(`Api/${constructId(fn)}/Function`);
const roleId = (fn: string) => idAt(`Api/${constructId(fn)}/Role`);

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
    expect(props.KeySchema).toEqual([
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : []),
    ]);
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
    expect(rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
      expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
    ]));
  });

  it('both buckets refuse requests without TLS', () => {
    for (const bucket of [idAt('Photos/Bucket'), idAt('Photos/AccessLogs')]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
    }
  });

  it('the retention comes from context lobby:photoRetentionDays', () => {
    const { stack } = buildApp({
      outdir: join(outdir, 'retention'), builtinCloudFormationValidation: false, nag: false,
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
  it('no self sign-up, strong passwords, optional TOTP MFA, Plus tier with enforced threat protection, retained', () => {
    const pool = resources[idAt('Auth/UserPool')];
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
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
    expect(apiRoutes().map((r) => r.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('every route except GET /openapi.json requires the Cognito JWT authorizer', () => {
    const authorizer = idAt('Api/HttpApi/CognitoJwt');
    for (const route of apiRoutes()) {
      if (route.RouteKey === 'GET /openapi.json') {
        expect(route.AuthorizationType, route.RouteKey).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
        expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizer });
      }
    }
    expect(routes.filter((r) => r.auth === 'none').map(routeKey)).toEqual(['GET /openapi.json']);
  });

  it('the authorizer trusts only the user pool (issuer) and the admin client (audience)', () => {
    expect(resources[idAt('Api/HttpApi/CognitoJwt')].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: idAt('Auth/UserPool/AdminClient') }],
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [idAt('Auth/UserPool'), 'ProviderURL'] }]] },
      },
    });
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

describe('functions', () => {
  it('the API has one per distinct `fn` of the route table, nothing else', () => {
    const apiFunctions = ofType('AWS::Lambda::Function').filter(([, r]) => pathOf(r)?.startsWith('Lobby/Api/'));
    expect(apiFunctions.map(([id]) => id).sort()).toEqual(fnNames.map(functionId).sort());
  });

  it.each(fnNames)('%s: arm64, the chosen Node.js runtime, tracing, JSON logs to its own log group, config variables', (fn) => {
    const props = resources[functionId(fn)].Properties;
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Runtime).toBe(LAMBDA_RUNTIME.name);
    expect(props.Handler).toBe('index.handler');
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroup = idAt(`Api/${constructId(fn)}/Logs`);
    expect(props.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroup } });
    expect(resources[logGroup].Properties.RetentionInDays).toBeGreaterThan(0);
    expect(props.Environment.Variables).toEqual({
      LOBBY_TABLE: { Ref: idAt('Data/LobbyTable') },
      IDEMPOTENCY_TABLE: { Ref: idAt('Data/IdempotencyTable') },
      PHOTOS_BUCKET: { Ref: idAt('Photos/Bucket') },
      CODE_SECRET_ARN: { Ref: idAt('Data/CodeSecret') },
      POWERTOOLS_SERVICE_NAME: 'lobby',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.runIf(bundle).each(fnNames)('%s: bundled as ESM with the createRequire banner and a source map', (fn) => {
    const assetPath = resources[functionId(fn)].Metadata['aws:asset:path'];
    const code = readFileSync(join(outdir, assetPath, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __lobbyCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(outdir, assetPath, 'index.mjs.map'))).toBe(true);
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

    // Only these services, and nothing but X-Ray on Resource "*". (When the IoT construct
    // grants the panels function IoT actions, list them here for that function.)
    for (const s of statements) {
      for (const action of asArray<string>(s.Action)) expect(['logs', 'xray', 'dynamodb', 'secretsmanager', 's3'], action).toContain(action.split(':')[0]);
      if (asArray(s.Resource).includes('*')) expect(asArray<string>(s.Action).every((a) => a.startsWith('xray:')), JSON.stringify(s)).toBe(true);
    }
    // Logs: its own log group only.
    for (const s of touching('logs')) expect(referencedIds(s.Resource)).toEqual(new Set([idAt(`Api/${constructId(fn)}/Logs`)]));

    const needsData = fn !== 'openapi';
    const needsIdempotency = routes.some((r) => r.fn === fn && r.idempotent);
    const dynamo = touching('dynamodb');
    const tablesReferenced = new Set(dynamo.flatMap((s) => [...referencedIds(s.Resource)]));
    for (const s of dynamo) {
      expect(asArray(s.Resource), 'no wildcard table').not.toContain('*');
      expect(asArray<string>(s.Action).some((a) => a === 'dynamodb:*'), 'no dynamodb:*').toBe(false);
      for (const resource of asArray<Json>(s.Resource)) {
        const ok = JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [lobbyTable(), 'Arn'] })
          || JSON.stringify(resource) === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [lobbyTable(), 'Arn'] }, '/index/*']] })
          || JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [idempotencyTable(), 'Arn'] });
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
      expect(alarms().some((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric
        && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(fn) } }])), `${fn} ${metric}`).toBe(true);
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

  it('outputs the API URL, user pool and client ids, table names', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'LobbyTableName', 'IdempotencyTableName']));
  });
});

// ---- cdk-nag -------------------------------------------------------------------

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: Json) => plugin.violations.flatMap((v: Json) =>
      v.violatingConstructs.map((c: Json) => `${v.severity} ${v.ruleName} at ${c.constructPath}: ${v.description}`)));
    expect(findings, `unacknowledged cdk-nag findings:\n${findings.join('\n')}`).toEqual([]);
    expect(synthError, String((synthError as Error)?.message ?? synthError)).toBeUndefined();
  });

  it('every acknowledgement carries a specific written reason', () => {
    const acknowledgements = app.node.findAll().flatMap((construct) => construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ at: construct.node.path, id, reason }))));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { at, id, reason } of acknowledgements) {
      expect(typeof reason === 'string' && reason.trim().length >= 40, `${id} at ${at} needs a real reason, got ${JSON.stringify(reason)}`).toBe(true);
      // IAM5 is acknowledged finding by finding, never as a whole rule.
      if (id.startsWith('AwsSolutions-IAM5')) expect(id, at).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
    }
  });
});
