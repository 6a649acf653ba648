import { describe, expect, it } from 'vitest';
import { isAllowed } from '../../iot/policy/evaluate.ts';
import type { IotPolicyDocument } from '../../iot/policy/policy-document.ts';

const ARN = 'arn:aws:iot:us-east-1:123456789012';

const policy = (...Statement: IotPolicyDocument['Statement']): IotPolicyDocument => ({ Version: '2012-10-17', Statement });

describe('isAllowed (IoT policy semantics)', () => {
  it('denies by default', () => {
    expect(isAllowed(policy(), { action: 'iot:Publish', resource: `${ARN}:topic/a` })).toBe(false);
  });

  it('matches a literal resource and an action list', () => {
    const p = policy({ Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `${ARN}:topic/a/b` });
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/a/b` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/b` })).toBe(false);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/a/b/c` })).toBe(false);
  });

  it('treats actions case-insensitively and supports iot:*', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
    expect(isAllowed(p, { action: 'iot:Connect', resource: `${ARN}:client/x` })).toBe(true);
    const q = policy({ Effect: 'Allow', Action: 'IOT:publish', Resource: '*' });
    expect(isAllowed(q, { action: 'iot:Publish', resource: `${ARN}:topic/x` })).toBe(true);
  });

  it('lets * span topic levels and ? match one character', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:Publish', Resource: [`${ARN}:topic/a/*`, `${ARN}:topic/b?`] });
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/a/b/c/d` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/b1` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/b12` })).toBe(false);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/ab` })).toBe(false);
  });

  it('treats the MQTT wildcards + and # as literal characters', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/a/+/c` });
    expect(isAllowed(p, { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/+/c` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/b/c` })).toBe(false);
    const hash = policy({ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/a/#` });
    expect(isAllowed(hash, { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/b` })).toBe(false);
  });

  it('keeps topic and topicfilter resources apart', () => {
    const p = policy({ Effect: 'Allow', Action: ['iot:Subscribe', 'iot:Receive'], Resource: `${ARN}:topic/a` });
    expect(isAllowed(p, { action: 'iot:Receive', resource: `${ARN}:topic/a` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a` })).toBe(false);
  });

  it('substitutes policy variables literally', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'iot:Publish',
      Resource: [`${ARN}:topic/things/\${iot:Connection.Thing.ThingName}/*`, `${ARN}:topic/clients/\${iot:ClientId}`],
    });
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/things/A/x`, thingName: 'A' })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/things/B/x`, thingName: 'A' })).toBe(false);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/clients/c1`, clientId: 'c1' })).toBe(true);
    // A variable value is literal text: a thing name cannot smuggle in a wildcard.
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/things/A/x`, thingName: '*' })).toBe(false);
  });

  it('matches nothing when a variable has no value', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` });
    expect(isAllowed(p, { action: 'iot:Connect', resource: `${ARN}:client/` })).toBe(false);
    expect(isAllowed(p, { action: 'iot:Connect', resource: `${ARN}:client/x`, clientId: 'x' })).toBe(false);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test's name quotes IoT policy escapes
  it('supports ${*} ${?} ${$} as literal characters', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/a\${*}b\${?}\${$}` });
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/a*b?$` })).toBe(true);
    expect(isAllowed(p, { action: 'iot:Publish', resource: `${ARN}:topic/axb?$` })).toBe(false);
  });

  it('lets an explicit Deny win over Allow, across several policies', () => {
    const allow = policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
    const deny = policy({ Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/secret/*` });
    expect(isAllowed([allow, deny], { action: 'iot:Publish', resource: `${ARN}:topic/secret/x` })).toBe(false);
    expect(isAllowed([allow, deny], { action: 'iot:Publish', resource: `${ARN}:topic/public` })).toBe(true);
  });

  it('refuses statements it cannot evaluate faithfully', () => {
    const p = policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } });
    expect(() => isAllowed(p, { action: 'iot:Connect', resource: `${ARN}:client/a` })).toThrow(/Condition/);
  });
});
