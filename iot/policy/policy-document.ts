/** The subset of the IAM-style policy grammar that AWS IoT Core policies use. */
export interface IotPolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  /** Not evaluated locally: the evaluator refuses statements that carry one (see evaluate.ts). */
  Condition?: Record<string, unknown>;
}

export interface IotPolicyDocument {
  Version: '2012-10-17';
  Statement: IotPolicyStatement[];
}

export interface AwsEnv {
  region: string;
  account: string;
}

export type IotResourceKind = 'client' | 'topic' | 'topicfilter' | 'thing';

/** `arn:aws:iot:{region}:{account}:{kind}/{name}`: the resource form IoT Core authorizes against. */
export function iotArn(env: AwsEnv, kind: IotResourceKind, name: string): string {
  return `arn:aws:iot:${env.region}:${env.account}:${kind}/${name}`;
}
