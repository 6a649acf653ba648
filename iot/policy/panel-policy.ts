import { iotArn, type AwsEnv, type IotPolicyDocument } from './policy-document.ts';

/**
 * The IoT policy attached to every panel certificate. The CDK stack deploys this document and the
 * local IoT Core evaluates the very same one, so a topic that works locally is allowed in AWS.
 *
 * Everything is scoped by `${iot:Connection.Thing.ThingName}` (client id = thing name), so one
 * policy serves every panel and no panel can reach another panel's topics.
 */
export const THING_NAME_VARIABLE = '${iot:Connection.Thing.ThingName}';

/** Every panel owns the topics under `lobby/panels/{thingName}/` (events, commands, requests, responses/...). */
export const PANEL_TOPIC_ROOT = 'lobby/panels';

export function panelTopicPrefix(thingName: string): string {
  return `${PANEL_TOPIC_ROOT}/${thingName}/`;
}

// Panels use named shadows only; the classic shadow is not granted.
const SHADOW_PREFIX = `$aws/things/${THING_NAME_VARIABLE}/shadow/name/*`;
const SHADOW_REQUESTS = ['update', 'get', 'delete'];
const SHADOW_REPLIES = [
  'update/accepted',
  'update/rejected',
  'update/delta',
  'update/documents',
  'get/accepted',
  'get/rejected',
  'delete/accepted',
  'delete/rejected',
];
const OWN_TOPICS = `${PANEL_TOPIC_ROOT}/${THING_NAME_VARIABLE}/*`;

export function panelPolicyDocument(env: AwsEnv): IotPolicyDocument {
  const topics = (names: string[]) => names.map((name) => iotArn(env, 'topic', name));
  const filters = (names: string[]) => names.map((name) => iotArn(env, 'topicfilter', name));
  const requests = SHADOW_REQUESTS.map((op) => `${SHADOW_PREFIX}/${op}`);
  // Panels only receive shadow replies; publishing them would let a panel forge service answers.
  const replies = SHADOW_REPLIES.map((suffix) => `${SHADOW_PREFIX}/${suffix}`);
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn(env, 'client', THING_NAME_VARIABLE) },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: topics([...requests, OWN_TOPICS]) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: filters([...replies, OWN_TOPICS]) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: topics([...replies, OWN_TOPICS]) },
    ],
  };
}
