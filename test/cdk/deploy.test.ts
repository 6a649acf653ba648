import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './template-json.ts';
import { isAllowed } from '../../iot/policy/evaluate.ts';
import { IOT_POLICY_MAX_CHARS, panelPolicyDocument, policySize } from '../../iot/policy/panel-policy.ts';
import { iotArn } from '../../iot/policy/policy-document.ts';
import { HEARTBEAT_SECONDS, panelTopicRoot, panelTopics } from '../../iot/protocol/topics.ts';
import { buildApp } from '../../lib/app.ts';
import { RULE_DRIVEN_FUNCTIONS } from '../../lib/panels.ts';

/**
 * What issue 8 asks of a real deploy, on synthesized templates (no AWS account here): stages
 * side by side, a panel policy IoT accepts, no silent failure, no silent alarm, the cost
 * defaults. Bundling is skipped (stack.test.ts covers it); cdk-nag runs on every synth.
 */
const dirs: string[] = [];

interface Synth {
  stack: string;
  resources: Record<string, Json>;
  outputs: Record<string, Json>;
  report: Json;
  error?: unknown;
}

function synth(context: Record<string, unknown>): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-deploy-'));
  dirs.push(outdir);
  const { app, stack } = buildApp({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true, ...context } });
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const file = join(outdir, `${stack.artifactId}.template.json`);
  if (!existsSync(file)) throw error ?? new Error(`no template at ${file}`);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  return {
    stack: stack.stackName,
    resources: template.Resources,
    outputs: template.Outputs,
    report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')),
    error,
  };
}

const ofType = (s: Synth, type: string): Array<[string, Json]> => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const pathOf = (r: Json): string => r?.Metadata?.['aws:cdk:path'] ?? '';
const idAt = (s: Synth, path: string) => {
  const found = Object.entries(s.resources).filter(([, r]) => pathOf(r) === `${s.stack}/${path}` || pathOf(r) === `${s.stack}/${path}/Resource`);
  expect(found, path).toHaveLength(1);
  return found[0]![0];
};
const findings = (s: Synth): string[] =>
  s.report.pluginReports.flatMap((p: Json) => p.violations.flatMap((v: Json) => v.violatingConstructs.map((c: Json) => `${v.ruleName} at ${c.constructPath}`)));

/** Where a template names a resource whose name is unique per account and region (its physical id). */
const PHYSICAL_NAMES: Record<string, string> = {
  'AWS::IoT::TopicRule': 'RuleName',
  'AWS::IoT::Policy': 'PolicyName',
  'AWS::IoT::ThingType': 'ThingTypeName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Cognito::UserPool': 'UserPoolName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::Rule': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
};
function physicalNames(s: Synth): string[] {
  const names: string[] = [];
  for (const [, r] of Object.entries(s.resources)) {
    const key = PHYSICAL_NAMES[r.Type];
    if (key && r.Properties?.[key] !== undefined) names.push(`${r.Type}=${JSON.stringify(r.Properties[key])}`);
    if (r.Type === 'AWS::XRay::SamplingRule') names.push(`${r.Type}=${r.Properties.SamplingRule.RuleName}`);
  }
  return names;
}
const topicFilters = (s: Synth) => ofType(s, 'AWS::IoT::TopicRule').map(([, r]) => /FROM '([^']+)'/.exec(r.Properties.TopicRulePayload.Sql)![1]!);

let dev: Synth;
let prod: Synth;
let custom: Synth;
const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-pager';
const SES_IDENTITY = 'arn:aws:ses:us-east-1:123456789012:identity/example.com';

beforeAll(() => {
  dev = synth({});
  prod = synth({ 'lobby:stage': 'prod', 'lobby:alarmEmail': 'ops@example.com' });
  custom = synth({
    'lobby:stage': 'qa',
    'lobby:alarmTopicArn': ALARM_TOPIC,
    'lobby:cognitoFeaturePlan': 'plus',
    'lobby:sesIdentityArn': SES_IDENTITY,
    'lobby:fromEmail': 'Lobby <no-reply@example.com>',
    'lobby:logLevel': 'DEBUG',
    'lobby:tracing': 'off',
    'lobby:iotLogging': 'false',
  });
}, 240_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('item 1: the panel IoT policy fits IoT Core', () => {
  // The longest region names (14 characters: ap-southeast-5, ap-northeast-3, ...) and a 12-digit account.
  const env = { region: 'ap-southeast-5', account: '123456789012' };

  it(`renders to at most ${IOT_POLICY_MAX_CHARS} non-whitespace characters for every stage root`, () => {
    for (const topicRoot of [panelTopicRoot(), panelTopicRoot('dev'), panelTopicRoot('prod'), panelTopicRoot('abcdefghijkl')]) {
      const size = policySize(panelPolicyDocument(env, { topicRoot }));
      expect(size, topicRoot).toBeLessThanOrEqual(IOT_POLICY_MAX_CHARS);
    }
  });

  it('the deployed document is the same size as the rendered one (no hidden growth in CloudFormation)', () => {
    const document = Object.values(prod.resources).find((r: Json) => r.Type === 'AWS::IoT::Policy').Properties.PolicyDocument;
    const text = JSON.stringify(document).replace(/\{"Fn::Join":\["",\[(.*?)\]\]\}/g, (_m, parts: string) =>
      JSON.stringify(
        JSON.parse(`[${parts}]`)
          .map((p: Json) =>
            typeof p === 'string' ? p : (({ 'AWS::Region': env.region, 'AWS::AccountId': env.account, 'AWS::Partition': 'aws' } as Record<string, string>)[p.Ref] ?? ''),
          )
          .join(''),
      ),
    );
    expect(text.replace(/\s/g, '').length).toBe(policySize(panelPolicyDocument(env, { topicRoot: panelTopicRoot('prod') })));
  });

  it('a panel still reaches only its own topics and shadows, in its own stage', () => {
    const policy = panelPolicyDocument(env, { topicRoot: panelTopicRoot('prod') });
    const can = (thing: string, action: string, kind: 'topic' | 'topicfilter', name: string) =>
      isAllowed(policy, { action: `iot:${action}`, resource: iotArn(env, kind, name), thingName: thing, clientId: thing });
    const own = panelTopics('panel-a', panelTopicRoot('prod'));
    expect(can('panel-a', 'Publish', 'topic', own.events)).toBe(true);
    expect(can('panel-a', 'Subscribe', 'topicfilter', own.commands)).toBe(true);
    expect(can('panel-b', 'Publish', 'topic', own.events)).toBe(false);
    expect(can('panel-b', 'Receive', 'topic', own.commands)).toBe(false);
    // The same panel id under another stage's root is not this policy's.
    expect(can('panel-a', 'Publish', 'topic', panelTopics('panel-a', panelTopicRoot('dev')).events)).toBe(false);
    const shadow = '$aws/things/panel-a/shadow/name/credentials';
    expect(can('panel-a', 'Publish', 'topic', `${shadow}/update/accepted`)).toBe(false);
    expect(can('panel-a', 'Receive', 'topic', `${shadow}/update/delta`)).toBe(true);
    expect(can('panel-b', 'Receive', 'topic', `${shadow}/update/delta`)).toBe(false);
  });
});

describe('item 2: stages', () => {
  it('the stage names the stack (default dev)', () => {
    expect(dev.stack).toBe('Lobby-dev');
    expect(prod.stack).toBe('Lobby-prod');
    expect(dev.outputs.Stage.Value).toBe('dev');
  });

  it("two stages share no physical name and no topic filter but AWS's account-wide lifecycle topics", () => {
    const devNames = physicalNames(dev);
    const prodNames = new Set(physicalNames(prod));
    expect(devNames.length).toBeGreaterThanOrEqual(6); // the rules and the sampling rule
    expect(devNames.filter((n) => prodNames.has(n))).toEqual([]);
    const prodFilters = new Set(topicFilters(prod));
    // $aws/events/presence/... is AWS's, account-wide: each stage's handler ignores other stages' panels.
    expect(topicFilters(dev).filter((f) => prodFilters.has(f))).toEqual(['$aws/events/presence/+/+']);
    expect(
      topicFilters(dev)
        .filter((f) => !f.startsWith('$aws/'))
        .every((f) => f.startsWith('lobby-dev/panels/')),
    ).toBe(true);
    // One account-wide IoT logging setting: only prod owns it by default.
    expect(ofType(dev, 'AWS::IoT::Logging')).toHaveLength(0);
    expect(ofType(prod, 'AWS::IoT::Logging')).toHaveLength(1);
  });

  it('retained resources carry no fixed name (a retained one never blocks the next create)', () => {
    for (const s of [dev, prod]) {
      for (const [id, r] of Object.entries(s.resources)) {
        if (r.DeletionPolicy !== 'Retain') continue;
        const named = Object.entries(r.Properties ?? {}).filter(([key, value]) => /Name$/.test(key) && typeof value === 'string' && key !== 'AttributeName');
        expect(named, `${id} (${r.Type}) is retained`).toEqual([]);
      }
    }
  });

  it('every function knows its stage (topic root, metric dimension)', () => {
    for (const [, fn] of ofType(prod, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.LOBBY_TABLE)) {
      expect(fn.Properties.Environment.Variables.LOBBY_STAGE).toBe('prod');
    }
  });

  it('refuses a stage that could not be a topic level or a rule name', () => {
    expect(() => buildApp({ nag: false, context: { 'lobby:stage': 'Prod-1', 'aws:cdk:bundling-stacks': [] } })).toThrow(/lobby:stage/);
  });
});

describe('item 3: IoT-rule functions park what they give up on', () => {
  it.each(RULE_DRIVEN_FUNCTIONS)('%s: EventInvokeConfig with an encrypted, TLS-only SQS on-failure destination, its depth alarmed, its URL and ARN in the outputs', (fn) => {
    const ctor = fn
      .split('-')
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('');
    const functionId = idAt(dev, `Panels/${ctor}/Function`);
    const queueId = idAt(dev, `Panels/${ctor}Failures`);
    const config = ofType(dev, 'AWS::Lambda::EventInvokeConfig')
      .map(([, c]) => c.Properties)
      .find((c) => c.FunctionName?.Ref === functionId);
    expect(config).toBeDefined();
    expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    expect(config.MaximumRetryAttempts).toBe(2);
    expect(dev.resources[queueId].Properties.SqsManagedSseEnabled).toBe(true);
    const tlsOnly = ofType(dev, 'AWS::SQS::QueuePolicy').some(
      ([, p]) =>
        p.Properties.Queues.some((q: Json) => q.Ref === queueId) &&
        p.Properties.PolicyDocument.Statement.some((st: Json) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    );
    expect(tlsOnly).toBe(true);
    const alarmed = ofType(dev, 'AWS::CloudWatch::Alarm').some(
      ([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(queueId),
    );
    expect(alarmed).toBe(true);
    // npm run redrive reads the outputs whose key ends in FailureQueueUrl.
    expect(dev.outputs[`${ctor}FailureQueueUrl`].Value).toEqual({ Ref: queueId });
    expect(dev.outputs[`${ctor}FailureQueueArn`].Value).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('item 5: no silent alarm', () => {
  it('without lobby:alarmTopicArn the stack has its own TLS-only topic, with the e-mail of lobby:alarmEmail, and every alarm notifies it', () => {
    for (const s of [dev, prod]) {
      const topic = idAt(s, 'Observability/Alarms');
      const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(30);
      for (const [id, a] of alarms) expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
      expect(
        ofType(s, 'AWS::SNS::TopicPolicy').some(([, p]) =>
          p.Properties.PolicyDocument.Statement.some((st: Json) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
        ),
      ).toBe(true);
    }
    expect(ofType(dev, 'AWS::SNS::Subscription')).toHaveLength(0);
    expect(ofType(prod, 'AWS::SNS::Subscription').map(([, sub]) => sub.Properties)).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: idAt(prod, 'Observability/Alarms') } }),
    ]);
  });

  it('with lobby:alarmTopicArn every alarm notifies that topic and no topic is created', () => {
    expect(ofType(custom, 'AWS::SNS::Topic')).toHaveLength(0);
    for (const [id, a] of ofType(custom, 'AWS::CloudWatch::Alarm')) expect(a.Properties.AlarmActions, id).toEqual([ALARM_TOPIC]);
  });
});

describe('item 6: panels going offline or failing to authenticate are noticed', () => {
  it('IoT logging at ERROR with a role IoT of this account assumes (the stage that owns it)', () => {
    const [, logging] = ofType(prod, 'AWS::IoT::Logging')[0]!;
    expect(logging.Properties).toMatchObject({ AccountId: { Ref: 'AWS::AccountId' }, DefaultLogLevel: 'ERROR' });
    const role = prod.resources[logging.Properties.RoleArn['Fn::GetAtt'][0]];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'iot.amazonaws.com' });
    expect(ofType(custom, 'AWS::IoT::Logging')).toHaveLength(0);
  });

  it('a lifecycle-event rule feeds panel-presence; alarms on auth failures, disconnects, offline and lagging panels', () => {
    const presence = ofType(dev, 'AWS::IoT::TopicRule').find(([, r]) => r.Properties.RuleName === 'lobby_dev_panel_presence');
    expect(presence).toBeDefined();
    const metrics = ofType(dev, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const has = (namespace: string, name: string) =>
      metrics.some(
        (a) =>
          (a.Namespace === namespace && a.MetricName === name) ||
          (a.Metrics ?? []).some((m: Json) => m.MetricStat?.Metric?.Namespace === namespace && m.MetricStat?.Metric?.MetricName === name),
      );
    for (const name of ['Connect.AuthError', 'Publish-In.AuthError', 'Subscribe.AuthError', 'Connection.AuthNError']) expect(has('AWS/IoT', name), name).toBe(true);
    for (const name of ['PanelDisconnected', 'PanelConnected', 'PanelsOffline', 'PanelsSetVersionLagging']) expect(has('Lobby', name), name).toBe(true);
    // "Behind at every 5-minute pass for the window" (15 minutes by default): 3 datapoints out of 3.
    const lagging = metrics.find((a) => a.MetricName === 'PanelsSetVersionLagging');
    expect(lagging).toMatchObject({ Statistic: 'Minimum', Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    const reconcile = dev.resources[idAt(dev, 'Panels/Reconcile/Function')];
    expect(reconcile.Properties.Environment.Variables.LOBBY_PANEL_OFFLINE_MINUTES).toBe('15');
    // Lobby metrics are per stage.
    const stageDims = metrics.filter((a) => a.Namespace === 'Lobby' && a.MetricName === 'PanelsOffline').map((a) => a.Dimensions);
    expect(stageDims).toEqual([expect.arrayContaining([{ Name: 'stage', Value: 'dev' }])]);
  });
});

describe('item 7 and cost: Cognito', () => {
  it('Lite by default; Plus with threat protection when asked; e-mail through SES when an identity is given', () => {
    const pool = (s: Synth) => ofType(s, 'AWS::Cognito::UserPool')[0]![1].Properties;
    expect(pool(dev).UserPoolTier).toBe('LITE');
    expect(pool(dev).EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT').toBe('COGNITO_DEFAULT');
    expect(pool(custom).UserPoolTier).toBe('PLUS');
    expect(pool(custom).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool(custom).EmailConfiguration).toEqual({ EmailSendingAccount: 'DEVELOPER', SourceArn: SES_IDENTITY, From: 'Lobby <no-reply@example.com>' });
  });

  it('an SES identity without a From address (or the reverse) is refused', () => {
    expect(() => buildApp({ nag: false, context: { 'lobby:sesIdentityArn': SES_IDENTITY, 'aws:cdk:bundling-stacks': [] } })).toThrow(/go together/);
  });
});

describe('cost: heartbeats, tracing, log level', () => {
  it('panels beat once a minute (presence comes from lifecycle events)', () => {
    expect(HEARTBEAT_SECONDS).toBe(60);
  });

  it("tracing is sampled by the stack's own X-Ray rule (its functions only), or off; the log level comes from context", () => {
    const [, rule] = ofType(dev, 'AWS::XRay::SamplingRule')[0]!;
    expect(rule.Properties.SamplingRule).toMatchObject({ RuleName: 'lobby-dev', ServiceName: 'Lobby-dev-*', ReservoirSize: 0, FixedRate: 0.01 });
    const functions = (s: Synth) =>
      ofType(s, 'AWS::Lambda::Function')
        .filter(([, f]) => f.Properties.Environment?.Variables?.LOBBY_TABLE)
        .map(([, f]) => f.Properties);
    for (const fn of functions(dev)) {
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
      expect(fn.LoggingConfig.ApplicationLogLevel).toBe('INFO');
    }
    expect(ofType(custom, 'AWS::XRay::SamplingRule')).toHaveLength(0);
    for (const fn of functions(custom)) {
      expect(fn.TracingConfig).toBeUndefined();
      // The SDK clients then never load the X-Ray SDK (functions/adapters/tracing.ts).
      expect(fn.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
      expect(fn.LoggingConfig.ApplicationLogLevel).toBe('DEBUG');
      expect(fn.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    }
  });
});

describe('reconcile schedule', () => {
  it('runs every 5 minutes with retries and a dead-letter queue (alarmed)', () => {
    const [, rule] = ofType(dev, 'AWS::Events::Rule')[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [idAt(dev, 'Panels/Reconcile/Function'), 'Arn'] });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBe(2);
    const dlq = idAt(dev, 'Panels/ReconcileFailures');
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } });
    expect(dev.resources[dlq].Properties.SqsManagedSseEnabled).toBe(true);
  });
});

describe('cdk-nag on every variant', () => {
  it('no unacknowledged finding for dev, prod (IoT logging, alarm e-mail) and a customised stage (Plus, SES, own topic, no tracing)', () => {
    for (const s of [dev, prod, custom]) {
      expect(findings(s), s.stack).toEqual([]);
      expect(s.error, String(s.error)).toBeUndefined();
    }
  });
});
