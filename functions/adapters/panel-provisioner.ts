import {
  AttachPolicyCommand, AttachThingPrincipalCommand, CertificateStatus, CreateKeysAndCertificateCommand, CreateThingCommand, DeleteCertificateCommand,
  DeleteThingCommand, DescribeEndpointCommand, DetachPolicyCommand, DetachThingPrincipalCommand, IoTClient, ResourceNotFoundException,
  ThingPrincipalType, UpdateCertificateCommand,
} from '@aws-sdk/client-iot';

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

/** What is kept about a panel's identity, to take it away again. */
export interface PanelCertificate { certificateId: string; certificateArn?: string }

export interface PanelProvisioner {
  /** A thing and a certificate that may connect as it; everything created is removed again if a later step fails. */
  provision(panelId: string, propertyId: string): Promise<{ connection: PanelConnection; certificate: PanelCertificate }>;
  /** The certificate deactivated (its live connections close), detached and deleted, and the thing deleted. Safe to repeat. */
  decommission(panelId: string, certificate: PanelCertificate | undefined): Promise<void>;
}

/** What is already gone counts as removed (a repeated decommission). */
const gone = (error: unknown) => {
  if (error instanceof ResourceNotFoundException) return;
  throw error;
};

/** Detaching is eventually consistent in IoT: a delete right after it may be refused for a few seconds. */
async function patiently(send: () => Promise<unknown>) {
  for (let tryNo = 0; ; tryNo++) {
    try {
      return await send();
    } catch (error) {
      const name = (error as Error).name;
      if (tryNo >= 4 || !['DeleteConflictException', 'InvalidRequestException', 'CertificateStateException'].includes(name)) throw error;
      await new Promise((r) => setTimeout(r, 500 * 2 ** tryNo));
    }
  }
}

/** In AWS: an IoT thing in the panel thing type, a new certificate, the panel policy attached. */
export function iotProvisioner(opts: { thingTypeName: string; policyName: string; client?: IoTClient }): PanelProvisioner {
  const iot = opts.client ?? new IoTClient({});
  const remove = async (panelId: string, certificateArn: string | undefined, certificateId: string | undefined) => {
    if (certificateId) await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: CertificateStatus.INACTIVE })).catch(gone);
    if (certificateArn) {
      await iot.send(new DetachThingPrincipalCommand({ thingName: panelId, principal: certificateArn })).catch(gone);
      await iot.send(new DetachPolicyCommand({ policyName: opts.policyName, target: certificateArn })).catch(gone);
    }
    if (certificateId) await patiently(() => iot.send(new DeleteCertificateCommand({ certificateId }))).catch(gone);
    await patiently(() => iot.send(new DeleteThingCommand({ thingName: panelId }))).catch(gone);
  };
  return {
    async provision(panelId, propertyId) {
      let certificate: { arn?: string; id?: string } = {};
      try {
        await iot.send(new CreateThingCommand({ thingName: panelId, thingTypeName: opts.thingTypeName, attributePayload: { attributes: { propertyId } } }));
        const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
        certificate = { arn: cert.certificateArn, id: cert.certificateId };
        await iot.send(new AttachPolicyCommand({ policyName: opts.policyName, target: cert.certificateArn }));
        // EXCLUSIVE_THING: this certificate can never be attached to a second thing.
        await iot.send(new AttachThingPrincipalCommand({ thingName: panelId, principal: cert.certificateArn, thingPrincipalType: ThingPrincipalType.EXCLUSIVE_THING }));
        const endpoint = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
        return {
          connection: {
            mqttUrl: `mqtts://${endpoint.endpointAddress}:8883`, clientId: panelId,
            certificatePem: cert.certificatePem!, privateKeyPem: cert.keyPair!.PrivateKey!, certificateArn: cert.certificateArn,
          },
          certificate: { certificateId: cert.certificateId!, certificateArn: cert.certificateArn },
        };
      } catch (error) {
        // Leave nothing behind: no orphan thing, and above all no active certificate nobody holds a record of.
        await remove(panelId, certificate.arn, certificate.id).catch(() => {});
        throw error;
      }
    },
    decommission: (panelId, certificate) => remove(panelId, certificate?.certificateArn, certificate?.certificateId),
  };
}

/** Locally: a certificate from the local IoT Core stand-in's CA (same trust model, mutual TLS). */
export function localProvisioner(opts: { dataDir: string; mqttUrl: string }): PanelProvisioner {
  return {
    async provision(panelId) {
      const { openLocalCa } = await import('../../iot/local-core/local-ca.ts');
      const { certificateIdOf } = await import('../../iot/local-core/certificate-registry.ts');
      const credentials = await (await openLocalCa(opts.dataDir)).issueThingCertificate(panelId);
      return { connection: { mqttUrl: opts.mqttUrl, clientId: panelId, ...credentials }, certificate: { certificateId: certificateIdOf(credentials.certificatePem) } };
    },
    async decommission(_panelId, certificate) {
      const { deactivateCertificate } = await import('../../iot/local-core/certificate-registry.ts');
      if (certificate) await deactivateCertificate(opts.dataDir, certificate.certificateId);
    },
  };
}

export function provisionerFromEnv(): PanelProvisioner {
  if (process.env.LOCAL_IOT_DATA_DIR) return localProvisioner({ dataDir: process.env.LOCAL_IOT_DATA_DIR, mqttUrl: process.env.LOCAL_IOT_MQTT_URL ?? '' });
  return iotProvisioner({ thingTypeName: process.env.PANEL_THING_TYPE ?? 'lobby-panel', policyName: process.env.PANEL_POLICY_NAME ?? 'lobby-panel' });
}
