import type { PanelRequest } from '../../iot/protocol/messages.ts';
import type { Panel } from './panels.ts';
import type { Stores } from './stores.ts';

type ClaimRequest = Extract<PanelRequest, { op: 'pass.claim' }>;

/** Single-use pass redemption: delivery passes arrive with their own issue. */
export async function claimPass(_stores: Stores, _panel: Panel, request: ClaimRequest) {
  return { decision: 'denied' as const, reason: 'unknown-pass', credentialId: request.credentialId };
}
