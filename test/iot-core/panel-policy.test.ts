import { describe, expect, it } from 'vitest';
import { isAllowed } from '../../iot/policy/evaluate.ts';
import { panelPolicyDocument } from '../../iot/policy/panel-policy.ts';
import { iotArn } from '../../iot/policy/policy-document.ts';

const env = { region: 'eu-west-1', account: '123456789012' };
const policy = panelPolicyDocument(env);
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, written literally into the policy
const THING_NAME = '${iot:Connection.Thing.ThingName}';
const can = (thingName: string, action: string, kind: 'client' | 'topic' | 'topicfilter', name: string, clientId = thingName) =>
  isAllowed(policy, { action: `iot:${action}`, resource: iotArn(env, kind, name), thingName, clientId });

describe('panelPolicyDocument', () => {
  it('is a plain IoT policy using the thing-name policy variable', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(JSON.stringify(policy)).toContain(THING_NAME);
    expect(policy.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: `arn:aws:iot:eu-west-1:123456789012:client/${THING_NAME}`,
    });
  });

  it('allows connecting only with client id = thing name', () => {
    expect(can('panel-A', 'Connect', 'client', 'panel-A')).toBe(true);
    expect(can('panel-B', 'Connect', 'client', 'panel-A')).toBe(false);
  });

  it("grants the panel's own named-shadow requests and replies", () => {
    const prefix = '$aws/things/panel-A/shadow/name/credentials';
    for (const op of ['update', 'get', 'delete']) expect(can('panel-A', 'Publish', 'topic', `${prefix}/${op}`)).toBe(true);
    for (const reply of ['update/accepted', 'update/rejected', 'update/delta', 'update/documents', 'get/accepted', 'delete/rejected']) {
      expect(can('panel-A', 'Subscribe', 'topicfilter', `${prefix}/${reply}`)).toBe(true);
      expect(can('panel-A', 'Receive', 'topic', `${prefix}/${reply}`)).toBe(true);
      // Replies are the service's to publish: a panel could otherwise forge them.
      expect(can('panel-A', 'Publish', 'topic', `${prefix}/${reply}`)).toBe(false);
    }
    // The classic shadow is not part of the design.
    expect(can('panel-A', 'Publish', 'topic', '$aws/things/panel-A/shadow/update')).toBe(false);
  });

  it('grants everything under lobby/panels/{thing}/', () => {
    for (const topic of ['events', 'commands', 'requests', 'responses/42', 'calls/1/signal']) {
      expect(can('panel-A', 'Publish', 'topic', `lobby/panels/panel-A/${topic}`)).toBe(true);
      expect(can('panel-A', 'Receive', 'topic', `lobby/panels/panel-A/${topic}`)).toBe(true);
      expect(can('panel-A', 'Subscribe', 'topicfilter', `lobby/panels/panel-A/${topic}`)).toBe(true);
    }
    expect(can('panel-A', 'Subscribe', 'topicfilter', 'lobby/panels/panel-A/responses/+')).toBe(true);
    expect(can('panel-A', 'Subscribe', 'topicfilter', 'lobby/panels/panel-A/#')).toBe(true);
  });

  it("keeps panel B away from panel A's topics", () => {
    expect(can('panel-B', 'Publish', 'topic', '$aws/things/panel-A/shadow/name/credentials/update')).toBe(false);
    expect(can('panel-B', 'Subscribe', 'topicfilter', '$aws/things/panel-A/shadow/name/credentials/update/delta')).toBe(false);
    expect(can('panel-B', 'Receive', 'topic', '$aws/things/panel-A/shadow/name/credentials/update/delta')).toBe(false);
    expect(can('panel-B', 'Publish', 'topic', 'lobby/panels/panel-A/events')).toBe(false);
    expect(can('panel-B', 'Subscribe', 'topicfilter', 'lobby/panels/panel-A/commands')).toBe(false);
    expect(can('panel-B', 'Receive', 'topic', 'lobby/panels/panel-A/commands')).toBe(false);
    // Wildcard subscriptions that would span other panels are refused: + and # are literal in policies.
    expect(can('panel-B', 'Subscribe', 'topicfilter', 'lobby/panels/+/commands')).toBe(false);
    expect(can('panel-B', 'Subscribe', 'topicfilter', 'lobby/panels/#')).toBe(false);
    expect(can('panel-B', 'Subscribe', 'topicfilter', '$aws/things/+/shadow/name/+/update/delta')).toBe(false);
    // A thing whose name extends another's stays separate.
    expect(can('panel-A', 'Publish', 'topic', 'lobby/panels/panel-AB/events')).toBe(false);
  });
});
