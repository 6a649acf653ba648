/*
 * The port through which the domain gives a panel an identity in the IoT registry and
 * takes it away again. Adapters implement it (functions/adapters/panel-provisioner.ts in
 * AWS, local/panel-provisioner.ts in the local stack); the composition root picks one.
 */

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

import type { PanelCertificate } from './records.ts';

export type { PanelCertificate };

export interface PanelProvisioner {
  /** A thing and a certificate that may connect as it; everything created is removed again if a later step fails. */
  provision(panelId: string, propertyId: string): Promise<{ connection: PanelConnection; certificate: PanelCertificate }>;
  /** The certificate deactivated (its live connections close), detached and deleted, and the thing deleted. Safe to repeat. */
  decommission(panelId: string, certificate: PanelCertificate | undefined): Promise<void>;
}
