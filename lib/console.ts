import { spawnSync } from 'node:child_process';
import { AssetHashType, CfnOutput, DefaultStackSynthesizer, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Api } from './api.ts';
import type { Auth } from './auth.ts';
import { CONSOLE_DIR, consoleSourceHash, viteBuildCommand } from './console-build.ts';
import { CONSOLE_HSTS_SECONDS, consoleCsp } from './console-policy.ts';
import type { Photos } from './photos.ts';

/** The console's sign-in scopes (its app client's, and config.json's). */
export const CONSOLE_SCOPES = ['openid', 'email', 'profile'];

export interface ConsoleHostingProps {
  auth: Auth;
  api: Api;
  photos: Photos;
}

/**
 * The Lobby Console in AWS: its static build in a private bucket (public access blocked, TLS only,
 * SSE-S3, server access logs) behind CloudFront with origin access control, HTTPS only, a response
 * headers policy with a strict Content-Security-Policy, HSTS, nosniff and a referrer policy; a
 * runtime config.json (the API URL and the console's app client, written at deploy time: one build
 * for every stage); the console's app client (authorization code + PKCE, no secret) whose callback
 * and sign-out URL is the distribution's; the API's CORS allowing exactly that origin.
 *
 * The build runs at synth (a local bundling step: `vite build`, ~5 s; its asset hash is the
 * sources' hash, lib/console-build.ts), so `cdk deploy` needs nothing built beforehand.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** https://<distribution>.cloudfront.net, no trailing slash */
  readonly url: string;
  readonly client: UserPoolClient;
  readonly responseHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // Retained like the other buckets (emptying it on delete would take CDK's auto-delete function and its managed policy).
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.photos.accessLogs,
      serverAccessLogsPrefix: 'console/',
    });

    // The API is an origin of its own (CORS, below). Its exact URL cannot be named here: the API's CORS
    // names this distribution, so the API's id in this policy would make a dependency cycle; the
    // region's execute-api hosts are the narrowest source that avoids it.
    const csp = consoleCsp({
      apiUrl: `https://*.execute-api.${stack.region}.${stack.urlSuffix}`,
      authOrigin: props.auth.domain.baseUrl(),
      // Presigned photo URLs (GET .../events photoUrl) point at the bucket's regional host.
      photoOrigins: [`https://${props.photos.bucket.bucketRegionalDomainName}`],
    });
    this.responseHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Lobby Console: strict CSP, HSTS, nosniff, referrer policy, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(CONSOLE_HSTS_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Lobby Console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
      },
      // The app routes in the browser: a path with no object is a page of the app (S3 says 403 without ListBucket).
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: property managers and staff sign in from wherever they work; every API call is authorized by Cognito tokens.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL on the console distribution: it serves only the static build (no data, no origin but the private bucket); a web ACL costs ~$5/month plus requests, and the API it calls has its own throttling.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront access logs: they need an ACL-enabled log bucket, and the distribution serves only public static files; who did what is in the API access logs and the audit trail.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate (CloudFront then negotiates TLS 1.2+ with current browsers but cannot pin a minimum policy); a custom domain with its ACM certificate would set TLSv1.2_2021.',
      },
    );

    this.client = props.auth.addConsoleClient(this.url, CONSOLE_SCOPES);
    props.api.corsOrigins.push(this.url);

    const build = Source.asset(CONSOLE_DIR, {
      assetHash: consoleSourceHash(),
      assetHashType: AssetHashType.CUSTOM,
      bundling: {
        // Required by the type; the local step below always answers, so no container runs.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: {
          tryBundle(outputDir: string) {
            const cmd = viteBuildCommand(outputDir);
            const run = spawnSync(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, encoding: 'utf8' });
            if (run.status !== 0) throw new Error(`the Lobby Console did not build (vite build exited ${run.status}):\n${`${run.stdout}${run.stderr}`.slice(-2000)}`);
            return true;
          },
        },
      },
    });
    const config = Source.jsonData('config.json', {
      apiUrl: props.api.url,
      auth: {
        authorizeUrl: `${props.auth.domain.baseUrl()}/oauth2/authorize`,
        tokenUrl: `${props.auth.domain.baseUrl()}/oauth2/token`,
        logoutUrl: `${props.auth.domain.baseUrl()}/logout`,
        clientId: this.client.userPoolClientId,
        scopes: CONSOLE_SCOPES,
      },
    });
    // The deployment function's role is ours: no AWS managed policy (CDK would attach AWSLambdaBasicExecutionRole), logs to its own group only.
    const deployLogs = new LogGroup(this, 'DeployLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Lobby Console: copies the build and config.json into the console bucket',
    });
    deployLogs.grantWrite(deployRole);
    new BucketDeployment(this, 'Deploy', {
      role: deployRole,
      sources: [build, config],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // Browsers revalidate (ETag), so a deploy is seen at once; old hashed assets stay for open tabs.
      cacheControl: [CacheControl.noCache()],
      prune: false,
      memoryLimit: 512,
      // A log group of its own, unnamed (CDK would otherwise create one named after the function for every stage alike).
      logGroup: deployLogs,
    });

    // The deployment's function is CDK's own singleton (one per stack and memory size), outside this construct.
    const qualifier = (stack.synthesizer as { bootstrapQualifier?: string }).bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const consoleBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const copies =
      "CDK's BucketDeployment function copies the console's files (aws-cdk-lib's grants, not configurable): read on the CDK assets bucket, write and delete on the console bucket's objects, CloudFront invalidations (*: the action has no resource-level permission).";
    const deploymentParts = [deployRole, ...stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))];
    for (const part of deploymentParts.flatMap((c) => c.node.findAll())) {
      Validations.of(part).acknowledge(
        ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: copies })),
        ...[`arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`, `<${consoleBucket}.Arn>/*`, '*'].map((resource) => ({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason: copies,
        })),
        { id: 'AwsSolutions-L1', reason: "CDK's BucketDeployment function runtime is chosen by aws-cdk-lib and moves with its upgrades." },
      );
    }

    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'The Lobby Console (sign in with a user of the pool)' });
    new CfnOutput(stack, 'ConsoleClientId', { value: this.client.userPoolClientId, description: "The console's app client (authorization code + PKCE, no secret)" });
  }
}
