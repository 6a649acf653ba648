/** Shadow topic names: `$aws/things/{thing}/shadow[/name/{shadow}]/{operation}[/{reply}]`. */
export interface ShadowRef {
  thingName: string;
  /** absent for the classic (unnamed) shadow */
  shadowName?: string;
}

export type ShadowOperation = 'update' | 'get' | 'delete';

// Name rules from the IoT data-plane API reference (UpdateThingShadow URI parameters).
export const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
export const SHADOW_NAME = /^[$a-zA-Z0-9:_-]{1,64}$/;

const REQUEST_TOPIC = /^\$aws\/things\/([^/]+)\/shadow(?:\/name\/([^/]+))?\/(update|get|delete)$/;

/** The shadow and operation a request topic addresses, or undefined for any other topic. */
export function parseShadowRequestTopic(topic: string): (ShadowRef & { operation: ShadowOperation }) | undefined {
  const match = REQUEST_TOPIC.exec(topic);
  if (!match) return undefined;
  const [, thingName, shadowName, operation] = match;
  if (!THING_NAME.test(thingName) || (shadowName !== undefined && !SHADOW_NAME.test(shadowName))) return undefined;
  return { thingName, ...(shadowName !== undefined && { shadowName }), operation: operation as ShadowOperation };
}

export function shadowTopicPrefix(ref: ShadowRef): string {
  const base = `$aws/things/${ref.thingName}/shadow`;
  return ref.shadowName === undefined ? base : `${base}/name/${ref.shadowName}`;
}

/** e.g. shadowTopic(ref, 'update/accepted') */
export function shadowTopic(ref: ShadowRef, suffix: string): string {
  return `${shadowTopicPrefix(ref)}/${suffix}`;
}

/** The name used in "No shadow exists with name" messages. */
export function shadowDisplayName(ref: ShadowRef): string {
  return ref.shadowName ?? ref.thingName;
}
