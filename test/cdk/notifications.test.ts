import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { asArray, type Json, referencedIds } from './template-json.ts';

/**
 * The notifications outbox in CDK (lib/notifications.ts): the worker on the table stream, filtered
 * to new notification records, reporting batch item failures, bisecting, with an encrypted SQS
 * on-failure destination; a schedule every minute with retries and a dead-letter queue; e-mail,
 * SMS and push each granted on exactly the identity or application named in context, to this
 * function only; no asynchronous invocation without an on-failure destination; cdk-nag clean.
 */
const SES_IDENTITY = 'arn:aws:ses:us-east-1:123456789012:identity/example.com';
const FROM = 'Lobby <no-reply@example.com>';
const SMS_FROM = 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-0123456789abcdef0123456789abcdef';
const SMS_SET = 'lobby-notifications';
const FCM = 'arn:aws:sns:us-east-1:123456789012:app/GCM/lobby-fcm';
const STACK = 'Lobby-dev';
const BASE = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] };
const WORKER = 'Notifications/Notifications';

let outdir = '';
let on: Record<string, Json>;
let off: Record<string, Json>;
let synthError: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-notifications-'));
  const context = {
    ...BASE,
    'lobby:sesIdentityArn': SES_IDENTITY,
    'lobby:fromEmail': FROM,
    'lobby:smsOriginationIdentity': SMS_FROM,
    'lobby:smsConfigurationSet': SMS_SET,
    'lobby:pushFcmArn': FCM,
  };
  const { app } = buildApp({ outdir, context });
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  on = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8')).Resources;
  off = Template.fromStack(buildApp({ nag: false, builtinCloudFormationValidation: false, context: BASE }).stack).toJSON().Resources;
}, 180_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const idAt = (resources: Record<string, Json>, path: string) => {
  const found = Object.entries(resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === `${STACK}/${path}`);
  expect(found, path).toHaveLength(1);
  return found[0]?.[0] ?? '';
};
const ofType = (resources: Record<string, Json>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
function statementsOf(resources: Record<string, Json>, role: string): Json[] {
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => referencedIds(p.Properties.Roles).has(role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const grants = (resources: Record<string, Json>, role: string, service: string) =>
  statementsOf(resources, role)
    .filter((s) => asArray<string>(s.Action).some((a) => a.startsWith(`${service}:`)))
    .map((s) => ({ actions: asArray<string>(s.Action).sort(), resources: asArray<Json>(s.Resource) }));
const fnRef = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('the notifications function in CDK', () => {
  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: Json) =>
      plugin.violations.flatMap((v: Json) => v.violatingConstructs.map((c: Json) => `${v.ruleName} at ${c.constructPath}`)),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('the table stream: only INSERTs of notification and webhook-event records (one reader for both outboxes), batch item failures, bisect, retries, an encrypted TLS-only SQS on-failure destination', () => {
    const fn = idAt(on, `${WORKER}/Function/Resource`);
    const mappings = ofType(on, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties.FunctionName).includes(fn));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.[1].Properties;
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [idAt(on, 'Data/LobbyTable/Resource'), 'StreamArn'] });
    expect(mapping.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['notification', 'webhook-event'] } } } },
    ]);
    expect(mapping).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true, MaximumRetryAttempts: 3, StartingPosition: 'LATEST' });
    const queue = idAt(on, 'Notifications/Failures/Resource');
    expect(mapping.DestinationConfig).toEqual({ OnFailure: { Destination: fnRef(queue) } });
    expect(on[queue]?.Properties.SqsManagedSseEnabled).toBe(true);
    const tlsOnly = ofType(on, 'AWS::SQS::QueuePolicy')
      .filter(([, p]) => referencedIds(p.Properties.Queues).has(queue))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .some((s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(tlsOnly).toBe(true);
  });

  it('the schedule: every minute, retried by EventBridge, then the dead-letter queue', () => {
    const fn = idAt(on, `${WORKER}/Function/Resource`);
    const rules = ofType(on, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets).includes(fn));
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.[1].Properties;
    expect(rule.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: fnRef(fn),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: { Arn: fnRef(idAt(on, 'Notifications/Failures/Resource')) },
      }),
    ]);
  });

  it('no function is invoked asynchronously (EventBridge, IoT rules) without an on-failure destination', () => {
    const configs = new Map(
      ofType(on, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => [JSON.stringify(c.Properties.FunctionName), c.Properties.DestinationConfig?.OnFailure?.Destination]),
    );
    const invoked = [
      ...ofType(on, 'AWS::Events::Rule').flatMap(([, r]) => asArray<Json>(r.Properties.Targets).map((t) => t.Arn)),
      ...ofType(on, 'AWS::IoT::TopicRule').flatMap(([, r]) => asArray<Json>(r.Properties.TopicRulePayload.Actions).flatMap((a) => (a.Lambda ? [a.Lambda.FunctionArn] : []))),
    ].filter((arn) => JSON.stringify(arn).includes('Function'));
    const fnIds = invoked.map((arn) => arn['Fn::GetAtt'][0] as string);
    const notifications = idAt(on, `${WORKER}/Function/Resource`);
    expect(fnIds).toContain(notifications);
    const without = [...new Set(fnIds)].filter((id) => !configs.get(JSON.stringify({ Ref: id })));
    expect(without).toEqual([]);
    expect(configs.get(JSON.stringify({ Ref: notifications }))).toEqual(fnRef(idAt(on, 'Notifications/Failures/Resource')));
  });

  it('e-mail, SMS and push: each on exactly its identity or application, and only for this function', () => {
    const role = idAt(on, `${WORKER}/Role/Resource`);
    expect(grants(on, role, 'ses')).toEqual([{ actions: ['ses:SendEmail'], resources: [SES_IDENTITY] }]);
    expect(grants(on, role, 'sms-voice')).toEqual([
      {
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          SMS_FROM,
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sms-voice:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:configuration-set/${SMS_SET}`]] },
        ],
      },
    ]);
    expect(grants(on, role, 'sns')).toEqual([
      { actions: ['sns:CreatePlatformEndpoint'], resources: [FCM] },
      { actions: ['sns:DeleteEndpoint', 'sns:GetEndpointAttributes', 'sns:Publish', 'sns:SetEndpointAttributes'], resources: [`${FCM.replace(':app/', ':endpoint/')}/*`] },
    ]);
    const variables = on[idAt(on, `${WORKER}/Function/Resource`)]?.Properties.Environment.Variables;
    expect(variables).toMatchObject({ LOBBY_FROM_EMAIL: FROM, LOBBY_SMS_ORIGINATION_IDENTITY: SMS_FROM, LOBBY_SMS_CONFIGURATION_SET: SMS_SET, LOBBY_PUSH_FCM_ARN: FCM });
    const elsewhere = ofType(on, 'AWS::IAM::Policy')
      .filter(([, p]) => !referencedIds(p.Properties.Roles).has(role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: Json) => asArray<string>(s.Action)))
      .filter((a) => a.startsWith('ses:') || a.startsWith('sms-voice:'));
    expect(elsewhere).toEqual([]);
  });

  it('without context: the function and its triggers exist, no SES or SMS grant, no From or origination variable', () => {
    const role = idAt(off, `${WORKER}/Role/Resource`);
    expect([...grants(off, role, 'ses'), ...grants(off, role, 'sms-voice')]).toEqual([]);
    const variables = off[idAt(off, `${WORKER}/Function/Resource`)]?.Properties.Environment.Variables;
    expect(variables.LOBBY_FROM_EMAIL).toBeUndefined();
    expect(variables.LOBBY_SMS_ORIGINATION_IDENTITY).toBeUndefined();
    expect(() => buildApp({ nag: false, context: { ...BASE, 'lobby:smsOriginationIdentity': '+15555550100' } })).toThrow(/lobby:smsOriginationIdentity must be/);
  });
});
