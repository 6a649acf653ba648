import { PANEL_TOPIC_ROOT, panelTopicRoot } from '../protocol/topics.ts';
import { iotArn, type AwsEnv, type IotPolicyDocument } from './policy-document.ts';

/**
 * The IoT policy attached to every panel certificate. The CDK stack deploys this document and the
 * local IoT Core evaluates the very same one, so a topic that works locally is allowed in AWS.
 *
 * Connect is scoped by `${iot:Connection.Thing.ThingName}`: a panel connects only with client
 * id = its thing name. Every other resource uses `${iot:ClientId}`, which on such a connection is
 * that same thing name (and shorter: IoT Core caps a policy at 2,048 non-whitespace characters).
 * So one policy serves every panel of a stage and no panel can reach another panel's topics.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, written literally into the policy
export const THING_NAME_VARIABLE = '${iot:Connection.Thing.ThingName}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, written literally into the policy
export const CLIENT_ID_VARIABLE = '${iot:ClientId}';

/** AWS IoT Core's limit on a policy document, counted without whitespace. */
export const IOT_POLICY_MAX_CHARS = 2048;

/** Every panel owns the topics under `<root>/{thingName}/` (events, commands, requests, responses/...). */
export function panelTopicPrefix(thingName: string, root: string = PANEL_TOPIC_ROOT): string {
  return `${root}/${thingName}/`;
}

// Panels use named shadows only; the classic shadow is not granted.
const SHADOW_PREFIX = `$aws/things/${CLIENT_ID_VARIABLE}/shadow/name/*`;
const SHADOW_REQUESTS = ['update', 'get', 'delete'];
/**
 * The service's replies: update/{accepted,rejected,delta,documents}, get/{accepted,rejected},
 * delete/{accepted,rejected}, one pattern per request (the list spelled out is 2,996 characters
 * for the longest region). Nothing else is ever published under these: only the Device Shadow
 * service may, since a panel may publish the three requests themselves and nothing below them.
 */
const SHADOW_REPLIES = SHADOW_REQUESTS.map((op) => `${op}/*`);

export interface PanelPolicyOptions {
  /** The topic root of the stage (iot/protocol/topics.ts panelTopicRoot). @default this process's */
  topicRoot?: string;
}

export function panelPolicyDocument(env: AwsEnv, options: PanelPolicyOptions = {}): IotPolicyDocument {
  const ownTopics = `${options.topicRoot ?? PANEL_TOPIC_ROOT}/${CLIENT_ID_VARIABLE}/*`;
  const topics = (names: string[]) => names.map((name) => iotArn(env, 'topic', name));
  const filters = (names: string[]) => names.map((name) => iotArn(env, 'topicfilter', name));
  const requests = SHADOW_REQUESTS.map((op) => `${SHADOW_PREFIX}/${op}`);
  // Panels only receive shadow replies; publishing them would let a panel forge service answers.
  const replies = SHADOW_REPLIES.map((suffix) => `${SHADOW_PREFIX}/${suffix}`);
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn(env, 'client', THING_NAME_VARIABLE) },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: topics([...requests, ownTopics]) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: filters([...replies, ownTopics]) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: topics([...replies, ownTopics]) },
    ],
  };
}

/** The size IoT Core checks: the JSON document without whitespace. */
export const policySize = (document: IotPolicyDocument) => JSON.stringify(document).replace(/\s/g, '').length;

export { panelTopicRoot };
