import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { asArray, type Json, referencedIds } from './template-json.ts';

/**
 * How residents are rung, in CDK (lib/telephony.ts): with context, SNS platform applications and
 * a phone number turn app push and the phone path on, each grant scoped to exactly those
 * resources and only for the functions whose capabilities say so; without, both are off and the
 * outputs say so. cdk-nag AwsSolutions stays clean either way.
 */
const APNS = 'arn:aws:sns:us-east-1:123456789012:app/APNS_VOIP/lobby-voip';
const FCM = 'arn:aws:sns:us-east-1:123456789012:app/GCM/lobby-fcm';
const PHONE = '+15555550100';
const STACK = 'Lobby-dev';
const BASE = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] };

let outdir = '';
let on: { resources: Record<string, Json>; outputs: Record<string, Json> };
let off: { resources: Record<string, Json>; outputs: Record<string, Json> };
let synthError: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lobby-cdk-telephony-'));
  const { app } = buildApp({ outdir, context: { ...BASE, 'lobby:pushApnsArn': APNS, 'lobby:pushFcmArn': FCM, 'lobby:phoneNumber': PHONE } });
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const json = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'));
  on = { resources: json.Resources, outputs: json.Outputs };
  const plain = Template.fromStack(buildApp({ nag: false, builtinCloudFormationValidation: false, context: BASE }).stack).toJSON();
  off = { resources: plain.Resources, outputs: plain.Outputs };
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

/** Every statement of the policies attached to a function's role. */
function statementsOf(resources: Record<string, Json>, path: string): Json[] {
  const role = idAt(resources, `${path}/Role/Resource`);
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => referencedIds(p.Properties.Roles).has(role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const grantsOf = (resources: Record<string, Json>, path: string, service: string) =>
  statementsOf(resources, path)
    .filter((s) => asArray<string>(s.Action).some((a) => a.startsWith(`${service}:`)))
    .map((s) => ({ actions: asArray<string>(s.Action).sort(), resources: asArray<Json>(s.Resource) }));

describe('telephony with context: app push and the phone path on', () => {
  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: Json) =>
      plugin.violations.flatMap((v: Json) => v.violatingConstructs.map((c: Json) => `${v.ruleName} at ${c.constructPath}`)),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('a SIP media application whose endpoint is the phone-call function, which only it (this account) may invoke', () => {
    const [[smaId, sma] = ['', {}]] = ofType(on.resources, 'AWS::Chime::SipMediaApplication');
    const fnId = idAt(on.resources, 'Telephony/PhoneCall/Function/Resource');
    expect(sma.Properties.Endpoints).toEqual([{ LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] } }]);
    expect(sma.Properties.Name).toBe('lobby-dev');
    const permissions = ofType(on.resources, 'AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => JSON.stringify(p.FunctionName).includes(fnId));
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'voiceconnector.chime.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: { 'Fn::GetAtt': [smaId, 'SipMediaApplicationArn'] },
      },
    ]);
    expect(on.outputs.PhonePath.Value).toBe(`on: calls from ${PHONE}`);
    expect(on.outputs.AppPush.Value).toBe('on: APNs VoIP and FCM');
  });

  it('push is scoped to the two platform applications and their endpoints; dialing to the SIP media application; only where the capability table says', () => {
    const push = [
      { actions: ['sns:CreatePlatformEndpoint'], resources: [APNS, FCM] },
      {
        actions: ['sns:DeleteEndpoint', 'sns:GetEndpointAttributes', 'sns:Publish', 'sns:SetEndpointAttributes'],
        resources: [`${APNS.replace(':app/', ':endpoint/')}/*`, `${FCM.replace(':app/', ':endpoint/')}/*`],
      },
    ];
    const [[smaId] = ['']] = ofType(on.resources, 'AWS::Chime::SipMediaApplication');
    for (const path of ['Api/Calls/', 'Api/Me/', 'Panels/PanelRequests/', 'Panels/Reconcile/', 'Telephony/PhoneCall/']) {
      expect(grantsOf(on.resources, path.slice(0, -1), 'sns'), path).toEqual(push);
    }
    expect(grantsOf(on.resources, 'Panels/PanelRequests', 'chime')).toEqual([
      { actions: ['chime:CreateSipMediaApplicationCall'], resources: [{ 'Fn::GetAtt': [smaId, 'SipMediaApplicationArn'] }] },
    ]);
    const dialer = on.resources[idAt(on.resources, 'Panels/PanelRequests/Function/Resource')].Properties.Environment.Variables;
    expect(dialer.LOBBY_SIP_MEDIA_APPLICATION_ID).toEqual({ 'Fn::GetAtt': [smaId, 'SipMediaApplicationId'] });
    expect(dialer).toMatchObject({ LOBBY_PHONE_NUMBER: PHONE, LOBBY_PUSH_APNS_ARN: APNS, LOBBY_PUSH_FCM_ARN: FCM });
    // Nobody else sends pushes or dials.
    for (const path of ['Api/People', 'Api/Passes', 'Panels/PanelMessages', 'Panels/CredentialStream']) {
      expect([...grantsOf(on.resources, path, 'sns'), ...grantsOf(on.resources, path, 'chime')], path).toEqual([]);
    }
    for (const path of ['Api/Calls', 'Panels/Reconcile', 'Telephony/PhoneCall']) expect(grantsOf(on.resources, path, 'chime'), path).toEqual([]);
  });
});

describe('telephony without context: both off', () => {
  it('no SIP media application, no SNS or Chime grant anywhere, and the outputs say how to turn them on', () => {
    expect(ofType(off.resources, 'AWS::Chime::SipMediaApplication')).toEqual([]);
    const actions = ofType(off.resources, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: Json) => asArray<string>(s.Action)));
    expect(actions.filter((a) => a.startsWith('sns:') || a.startsWith('chime:'))).toEqual([]);
    expect(off.outputs.AppPush.Value).toMatch(/^off \(set lobby:pushApnsArn/);
    expect(off.outputs.PhonePath.Value).toMatch(/^off \(set lobby:phoneNumber/);
    // The function exists either way (the capability table names it); nothing can invoke it.
    idAt(off.resources, 'Telephony/PhoneCall/Function/Resource');
    expect(ofType(off.resources, 'AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'voiceconnector.chime.amazonaws.com')).toEqual([]);
  });

  it('a malformed platform application ARN or phone number fails the synth with the key named', () => {
    expect(() => buildApp({ nag: false, context: { ...BASE, 'lobby:pushApnsArn': FCM } })).toThrow(/lobby:pushApnsArn must be/);
    expect(() => buildApp({ nag: false, context: { ...BASE, 'lobby:phoneNumber': '555-0100' } })).toThrow(/lobby:phoneNumber must be/);
  });
});
