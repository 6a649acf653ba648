import type { PanelProvisioner } from '../functions/domain/panel-provisioner.ts';
import { openLocalCa } from '../iot/local-core/local-ca.ts';
import { certificateIdOf, deactivateCertificate } from '../iot/local-core/certificate-registry.ts';

/**
 * Locally: a certificate from the local IoT Core stand-in's CA (same trust model, mutual
 * TLS). The local stack injects it at its composition root (stack.ts); it never ships in
 * a Lambda bundle (.dependency-cruiser.cjs, lambda-code-not-to-local-or-tests).
 */
export function localProvisioner(opts: { dataDir: string; mqttUrl: string }): PanelProvisioner {
  return {
    async provision(panelId) {
      const credentials = await (await openLocalCa(opts.dataDir)).issueThingCertificate(panelId);
      return { connection: { mqttUrl: opts.mqttUrl, clientId: panelId, ...credentials }, certificate: { certificateId: certificateIdOf(credentials.certificatePem) } };
    },
    async decommission(_panelId, certificate) {
      if (certificate) await deactivateCertificate(opts.dataDir, certificate.certificateId);
    },
  };
}
