import { join } from 'node:path';
import { AssetHashType, type BundlingOptions, DockerImage, Duration, type ILocalBundling, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, type CfnFunction, Code, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleFunction, projectRoot } from './bundling.ts';
import { lobbySettings } from './settings.ts';

export { projectRoot };
export const functionsDir = join(projectRoot, 'functions');

/** Context key: `true` ships linked source maps and runs the functions with --enable-source-maps (see lib/bundling.ts). */
export const SOURCE_MAPS_CONTEXT = 'lobby:sourceMaps';

/**
 * Node.js 24: the newest runtime aws-cdk-lib 2.276 offers (cdk-nag L1 passes without
 * an acknowledgement) and the one with the longest support ahead of it; Node 22 on
 * Lambda is deprecated in 2027. The esbuild target follows the runtime.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * CDK's asset bundling hook, run locally (no Docker): esbuild (lib/bundling.ts, the same
 * options the bench measures) writes the entry and its chunks into the directory CDK then
 * stages as the function's asset. NodejsFunction cannot do this: it builds one file, so
 * esbuild folds every `import()` back into it. The plain fields are part of CDK's asset
 * cache key, so two functions (or two builds) never share a staged asset by mistake.
 */
class LobbyBundling implements BundlingOptions {
  readonly image = DockerImage.fromRegistry('lobby-bundles-locally-with-esbuild');
  readonly local: ILocalBundling;

  constructor(
    readonly fn: string,
    readonly sourceMaps: boolean,
  ) {
    this.local = {
      tryBundle: (outputDir: string) => {
        bundleFunction(fn, outputDir, { sourceMaps });
        return true;
      },
    };
  }
}

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
 * Node.js 24 on arm64, bundled locally by esbuild as minified ESM split into chunks that
 * load on first use (lib/bundling.ts), active X-Ray tracing, JSON logs into its own log group with a retention, and its own role
 * that starts with nothing but writing to that log group (no AWS managed policy).
 * Grant data access on `role` (or `function`).
 */
export class LobbyFunction extends Construct {
  readonly function: LambdaFunction;
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

    const sourceMaps = [true, 'true'].includes(this.node.tryGetContext(SOURCE_MAPS_CONTEXT));
    this.function = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(functionsDir, { assetHashType: AssetHashType.OUTPUT, bundling: new LobbyBundling(props.fn, sourceMaps) }),
      // lib/bundling.ts ENTRY_FILE: index.mjs
      handler: 'index.handler',
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
      environment: {
        POWERTOOLS_SERVICE_NAME: 'lobby',
        // Off by default: parsing maps at load costs every cold start (lib/bundling.ts).
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_LOG_LEVEL: settings.logLevel,
        // lobby:tracing=off: the SDK clients never load the X-Ray SDK (functions/adapters/tracing.ts).
        ...(settings.tracing === 'off' ? { POWERTOOLS_TRACE_ENABLED: 'false' } : {}),
        ...props.environment,
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
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so X-Ray needs Resource "*". This policy holds only those two actions.',
    });
  }
}
