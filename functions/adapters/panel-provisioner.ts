import { AttachPolicyCommand, AttachThingPrincipalCommand, CreateKeysAndCertificateCommand, CreateThingCommand, DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';

/** The connection material a panel needs, returned once when it is created. */
export interface PanelConnection {
  mqttUrl: string;
  clientId: string;
  certificatePem: string;
  privateKeyPem: string;
  /** Local CA PEM; in AWS, Amazon Root CA 1 (public, not returned). */
  caPem?: string;
  certificateArn?: string;
}

export type PanelProvisioner = (panelId: string, propertyId: string) => Promise<PanelConnection>;

/** In AWS: an IoT thing in the panel thing type, a new certificate, the panel policy attached. */
export function iotProvisioner(opts: { thingTypeName: string; policyName: string; client?: IoTClient }): PanelProvisioner {
  const iot = opts.client ?? new IoTClient({});
  return async (panelId, propertyId) => {
    await iot.send(new CreateThingCommand({ thingName: panelId, thingTypeName: opts.thingTypeName, attributePayload: { attributes: { propertyId } } }));
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(new AttachPolicyCommand({ policyName: opts.policyName, target: cert.certificateArn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: panelId, principal: cert.certificateArn }));
    const endpoint = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    return {
      mqttUrl: `mqtts://${endpoint.endpointAddress}:8883`, clientId: panelId,
      certificatePem: cert.certificatePem!, privateKeyPem: cert.keyPair!.PrivateKey!, certificateArn: cert.certificateArn,
    };
  };
}

/** Locally: a certificate from the local IoT Core stand-in's CA (same trust model, mutual TLS). */
export function localProvisioner(opts: { dataDir: string; mqttUrl: string }): PanelProvisioner {
  return async (panelId) => {
    const { openLocalCa } = await import('../../iot/local-core/local-ca.ts');
    const credentials = await (await openLocalCa(opts.dataDir)).issueThingCertificate(panelId);
    return { mqttUrl: opts.mqttUrl, clientId: panelId, ...credentials };
  };
}

export function provisionerFromEnv(): PanelProvisioner {
  if (process.env.LOCAL_IOT_DATA_DIR) return localProvisioner({ dataDir: process.env.LOCAL_IOT_DATA_DIR, mqttUrl: process.env.LOCAL_IOT_MQTT_URL ?? '' });
  return iotProvisioner({ thingTypeName: process.env.PANEL_THING_TYPE ?? 'lobby-panel', policyName: process.env.PANEL_POLICY_NAME ?? 'lobby-panel' });
}
