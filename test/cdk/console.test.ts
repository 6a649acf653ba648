import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { asArray, type Json } from './template-json.ts';

/**
 * The console's hosting in CDK (lib/console.ts): a private bucket behind CloudFront with origin
 * access control, HTTPS only, the security headers with a strict CSP, the runtime config.json, the
 * API's CORS origin, the console's app client (code grant, no secret, callback = the distribution)
 * and the ConsoleUrl output; cdk-nag clean. Synthesized once without asset bundling (the console's
 * vite build at synth is checked by test/cdk/stack.test.ts's full synth).
 */
const STACK = 'Lobby-dev';
let outdir = '';
let resources: Record<string, Json>;
let outputs: Record<string, Json>;
let synthError: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-console-'));
  const { app } = buildApp({ outdir, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] } });
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

const idAt = (path: string) => {
  const found = Object.entries(resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === `${STACK}/${path}`);
  expect(found, path).toHaveLength(1);
  return found[0]?.[0] ?? '';
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** A CloudFormation value with its Fn::Join flattened to text (references as {Ref}/{GetAtt} markers). */
const text = (value: Json): string => {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return (value['Fn::Join'][1] as Json[]).map(text).join(value['Fn::Join'][0]);
  if (value?.Ref) return `{Ref:${value.Ref}}`;
  if (value?.['Fn::GetAtt']) return `{GetAtt:${asArray<string>(value['Fn::GetAtt']).join('.')}}`;
  if (value?.['Fn::Select']) return `{Select}`;
  return JSON.stringify(value);
};

describe('the console in CDK', () => {
  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: Json) =>
      plugin.violations.flatMap((v: Json) => v.violatingConstructs.map((c: Json) => `${v.ruleName} at ${c.constructPath}`)),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('the bucket is private (public access blocked, TLS only, encrypted, access logs) and read only by this distribution through origin access control', () => {
    const bucket = idAt('Console/Bucket/Resource');
    const props = resources[bucket]!.Properties;
    expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(props.LoggingConfiguration.LogFilePrefix).toBe('console/');
    const distribution = idAt('Console/Distribution/Resource');
    const statements: Json[] = ofType('AWS::S3::BucketPolicy')
      .filter(([, p]) => p.Properties.Bucket.Ref === bucket)
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements.find((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBeDefined();
    const reads = statements.filter((s) => s.Effect === 'Allow' && asArray<string>(s.Action).includes('s3:GetObject'));
    expect(reads).toHaveLength(1);
    expect(reads[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(text(reads[0].Condition.StringEquals['AWS:SourceArn'])).toContain(`distribution/{Ref:${distribution}}`);
    const config = resources[distribution]!.Properties.DistributionConfig;
    const oac = config.Origins[0].OriginAccessControlId['Fn::GetAtt'][0];
    expect(resources[oac]!.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('HTTPS only, and every answer carries the strict CSP, HSTS, nosniff, a referrer policy and no framing', () => {
    const config = resources[idAt('Console/Distribution/Resource')]!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.DefaultRootObject).toBe('index.html');
    const policy = resources[idAt('Console/Headers/Resource')]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref).toBe(idAt('Console/Headers/Resource'));
    const csp = text(policy.ContentSecurityPolicy.ContentSecurityPolicy);
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    // connect-src: the API's hosts and the user pool's domain (its token endpoint), nothing else.
    expect(directives['connect-src']).toHaveLength(3);
    expect(directives['connect-src']![1]).toBe('https://*.execute-api.{Ref:AWS::Region}.{Ref:AWS::URLSuffix}');
    expect(directives['connect-src']![2]).toMatch(/^https:\/\/.*\.auth\.\{Ref:AWS::Region\}\.amazoncognito\.com$/);
    // img-src: the photo bucket's regional host (presigned photo URLs).
    expect(directives['img-src']).toEqual(["'self'", `https://{GetAtt:${idAt('Photos/Bucket/Resource')}.RegionalDomainName}`]);
    expect(csp).not.toContain('unsafe');
    expect(policy.ContentSecurityPolicy.Override).toBe(true);
    expect(policy.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(policy.ContentTypeOptions.Override).toBe(true);
    expect(policy.ReferrerPolicy.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    expect(policy.FrameOptions.FrameOption).toBe('DENY');
  });

  it('config.json: the API URL and the sign-in settings of the console client, written at deploy time (no rebuild per stage)', () => {
    const deployment = ofType('Custom::CDKBucketDeployment');
    expect(deployment).toHaveLength(1);
    const props = deployment[0]![1].Properties;
    expect(props.DestinationBucketName.Ref).toBe(idAt('Console/Bucket/Resource'));
    expect(props.DistributionPaths).toEqual(['/*']);
    const markers = props.SourceMarkers as Array<Record<string, Json>>;
    const configIndex = asArray<string>(props.SourceObjectKeys).length - 1;
    const marked = JSON.stringify(markers[configIndex]);
    // The config asset is JSON with markers for the tokens; their values are in SourceMarkers.
    const asset = readdirSync(outdir).find((d) => d.startsWith('asset.') && existsSync(join(outdir, d, 'config.json')));
    const config = JSON.parse(readFileSync(join(outdir, asset!, 'config.json'), 'utf8'));
    expect(Object.keys(config).sort()).toEqual(['apiUrl', 'auth']);
    expect(config.auth.scopes).toEqual(['openid', 'email', 'profile']);
    const marker = (value: string) => markers[configIndex]![value] ?? value;
    expect(text(marker(config.apiUrl) as Json)).toContain('.execute-api.');
    expect(marker(config.auth.clientId)).toEqual({ Ref: idAt('Auth/UserPool/ConsoleClient/Resource') });
    // The user pool domain's endpoints: https://<domain>.auth.<region>.amazoncognito.com/...
    for (const [key, path] of [
      ['authorizeUrl', '/oauth2/authorize'],
      ['tokenUrl', '/oauth2/token'],
      ['logoutUrl', '/logout'],
    ] as const) {
      const [, domain, region] = /^https:\/\/(<<[^>]+>>)\.auth\.(<<[^>]+>>)\.amazoncognito\.com(\/.*)$/.exec(config.auth[key]) ?? [];
      expect(config.auth[key]).toMatch(new RegExp(`amazoncognito\\.com${path}$`));
      expect(marker(domain!)).toEqual({ Ref: idAt('Auth/UserPool/Domain/Resource') });
      expect(marker(region!)).toEqual({ Ref: 'AWS::Region' });
    }
    expect(marked).toContain(idAt('Api/HttpApi/Resource'));
  });

  it('the API allows exactly the console origin (CORS)', () => {
    const cors = resources[idAt('Api/HttpApi/Resource')]!.Properties.CorsConfiguration;
    expect(cors.AllowOrigins.map(text)).toEqual([`https://{GetAtt:${idAt('Console/Distribution/Resource')}.DomainName}`]);
    expect(cors.AllowCredentials).toBe(false);
  });

  it("the console's app client: authorization code only, no secret, callback and sign-out = the distribution's URL; its tokens pass the authorizer", () => {
    const id = idAt('Auth/UserPool/ConsoleClient/Resource');
    const client = resources[id]!.Properties;
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthScopes.sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    const url = `https://{GetAtt:${idAt('Console/Distribution/Resource')}.DomainName}/`;
    expect(client.CallbackURLs.map(text)).toEqual([url]);
    expect(client.LogoutURLs.map(text)).toEqual([url]);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    const env = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.LOBBY_PERSON_CLIENT_IDS);
    expect(text(env!.Properties.Environment.Variables.LOBBY_PERSON_CLIENT_IDS)).toContain(`{Ref:${id}}`);
    // Lite (the default plan): the classic hosted UI; managed login needs Essentials or Plus.
    expect(resources[idAt('Auth/UserPool/Domain/Resource')]!.Properties.ManagedLoginVersion).toBe(1);
  });

  it('outputs ConsoleUrl (the distribution) and ConsoleClientId', () => {
    expect(text(outputs.ConsoleUrl.Value)).toBe(`https://{GetAtt:${idAt('Console/Distribution/Resource')}.DomainName}`);
    expect(outputs.ConsoleClientId.Value).toEqual({ Ref: idAt('Auth/UserPool/ConsoleClient/Resource') });
  });
});
