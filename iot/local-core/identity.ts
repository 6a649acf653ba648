import type { PeerCertificate } from 'node:tls';
import { isAllowed } from '../policy/evaluate.ts';
import { iotArn, type AwsEnv, type IotPolicyDocument } from '../policy/policy-document.ts';
import { BACKEND_UNIT, CERT_ORGANIZATION } from './local-ca.ts';
import { THING_NAME } from './shadow-topics.ts';

/** Who is on the other end of an MQTT connection, read from its client certificate. */
export type Identity = { kind: 'thing'; thingName: string } | { kind: 'backend'; name: string };

/**
 * In AWS the certificate is attached to a thing and to policies; locally the certificate subject
 * says it: CN = the thing the certificate is attached to, OU=backend = the local server.
 */
export function identityFromCertificate(certificate: PeerCertificate | undefined): Identity | undefined {
  const subject = certificate?.subject;
  if (!subject || subject.O !== CERT_ORGANIZATION || typeof subject.CN !== 'string' || !THING_NAME.test(subject.CN)) {
    return undefined;
  }
  return subject.OU === BACKEND_UNIT ? { kind: 'backend', name: subject.CN } : { kind: 'thing', thingName: subject.CN };
}

/** The backend's policy: the local server (like an IAM principal of the stack) may do anything. */
export const BACKEND_POLICY: IotPolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
};

export type MqttAction = 'Connect' | 'Publish' | 'RetainPublish' | 'Subscribe' | 'Receive';

/** Decides MQTT operations by evaluating the identity's IoT policy, as the IoT message broker does. */
export class Authorizer {
  constructor(
    private readonly env: AwsEnv,
    private readonly thingPolicy: IotPolicyDocument,
  ) {}

  allows(identity: Identity, clientId: string, action: MqttAction, name: string): boolean {
    const kind = action === 'Connect' ? 'client' : action === 'Subscribe' ? 'topicfilter' : 'topic';
    return isAllowed(identity.kind === 'backend' ? BACKEND_POLICY : this.thingPolicy, {
      action: `iot:${action}`,
      resource: iotArn(this.env, kind, name),
      clientId,
      ...(identity.kind === 'thing' && { thingName: identity.thingName }),
    });
  }
}
