import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CertificateStatus,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ResourceNotFoundException,
  ThingPrincipalType,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import type { PanelCertificate, PanelConnection, PanelProvisioner } from '../domain/panel-provisioner.ts';
import { kvsMedia, withSignalingChannel } from './kvs-media.ts';

export type { PanelCertificate, PanelConnection, PanelProvisioner };

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
        const { certificatePem, certificateId } = cert;
        const privateKeyPem = cert.keyPair?.PrivateKey;
        if (!certificatePem || !certificateId || !privateKeyPem) throw new Error('CreateKeysAndCertificate returned no certificate or key');
        return {
          connection: { mqttUrl: `mqtts://${endpoint.endpointAddress}:8883`, clientId: panelId, certificatePem, privateKeyPem, certificateArn: cert.certificateArn },
          certificate: { certificateId, certificateArn: cert.certificateArn },
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

let injected: PanelProvisioner | undefined;

/**
 * For a composition root outside Lambda: the local stack injects its own provisioner
 * (local/panel-provisioner.ts, with the local certificate authority) before any handler
 * runs, so nothing local is reachable from a Lambda entry or lands in its bundle.
 */
export function injectPanelProvisioner(provisioner: PanelProvisioner): void {
  injected = provisioner;
}

/**
 * The injected provisioner, else AWS IoT with the thing type and policy CDK names in the
 * environment; either way with the panel's KVS signaling channel (kvs-media.ts).
 */
export function provisionerFromEnv(): PanelProvisioner {
  const identity = injected ?? iotProvisioner({ thingTypeName: process.env.PANEL_THING_TYPE ?? 'lobby-panel', policyName: process.env.PANEL_POLICY_NAME ?? 'lobby-panel' });
  return withSignalingChannel(identity, kvsMedia());
}
