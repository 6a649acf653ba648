import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, type CfnFunction, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerFile } from '../functions/http/handler-files.ts';
import { lobbySettings } from './settings.ts';

export const projectRoot = join(import.meta.dirname, '..');
export const functionsDir = join(projectRoot, 'functions');

/**
 * Node.js 24: the newest runtime aws-cdk-lib 2.276 offers (cdk-nag L1 passes without
 * an acknowledgement) and the one with the longest support ahead of it; Node 22 on
 * Lambda is deprecated in 2027. The esbuild target follows the runtime.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';

/**
 * ESM output still meets CommonJS dependencies that call `require` (e.g. parts of the
 * AWS SDK and Powertools); this gives the module a real `require`.
 */
const CJS_BANNER =
  "import { createRequire as __lobbyCreateRequire } from 'node:module'; const require = __lobbyCreateRequire(import.meta.url);";

export interface LobbyFunctionProps {
  /** Handler name: the entry is functions/<handlerFile(fn)>. */
  fn: string;
  description?: string;
  /** Variables on top of the ones every Lobby function gets. */
  environment?: Record<string, string>;
  /** @default 1024 (arm64; more memory also means more CPU for cold starts) */
  memorySize?: number;
  /** @default 10 seconds (the HTTP API gives up after 30) */
  timeout?: Duration;
  /** @default three months */
  logRetention?: RetentionDays;
}

/**
 * One Lambda function of the Lobby backend, with the settings all of them share:
 * Node.js 24 on arm64, bundled locally by esbuild as minified ESM with source maps,
 * active X-Ray tracing, JSON logs into its own log group with a retention, and its own role
 * that starts with nothing but writing to that log group (no AWS managed policy).
 * Grant data access on `role` (or `function`).
 */
export class LobbyFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LobbyFunctionProps) {
    super(scope, id);
    const settings = lobbySettings(this);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Lobby ${props.fn} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): its own group only.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(functionsDir, handlerFile(props.fn)),
      handler: 'handler',
      description: props.description ?? `Lobby ${props.fn}`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Lambda drops application lines below this level before they are ingested (billed);
      // Powertools reads the same level (AWS_LAMBDA_LOG_LEVEL, POWERTOOLS_LOG_LEVEL).
      applicationLogLevelV2: ApplicationLogLevel[settings.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'lobby',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: settings.logLevel,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: CJS_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping the sources.
        sourcesContent: false,
        // Everything is bundled, the AWS SDK v3 included: the functions run exactly the
        // SDK versions package-lock.json pins and the tests ran, not whatever version the
        // Lambda runtime image happens to carry (which also changes without a deploy).
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    // `lobby:tracing=off`: no traces at all. Otherwise active tracing, sampled by the stack's
    // X-Ray sampling rule (lib/lobby-stack.ts), not every invocation.
    if (settings.tracing === 'off') return;

    // Active X-Ray tracing, with its permissions in a policy of their own: X-Ray's
    // PutTraceSegments/PutTelemetryRecords have no resource-level permissions, and
    // keeping them apart lets the cdk-nag acknowledgement name exactly this policy, so
    // a "*" in any other grant to this role still fails the check. (`tracing:
    // Tracing.ACTIVE` would put them into the role's default policy.)
    const xray = new Policy(this, 'XRayPolicy', {
      roles: [this.role],
      statements: [new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
    });
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    this.function.node.addDependency(xray);
    Validations.of(xray).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so X-Ray needs Resource "*". This policy holds only those two actions.',
    });
  }
}
