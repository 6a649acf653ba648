import { CREDENTIALS_SHADOW } from '../protocol/topics.ts';
import type { CredentialStore } from './credential-store.ts';

/** The credentials named shadow as the panel reads it, and its topics. */
export interface ShadowDocument {
  version?: number;
  state?: { desired?: ShadowState; reported?: ShadowState; version?: number; keyVersion?: number } & ShadowState;
}
export interface ShadowState {
  version?: unknown;
  keyVersion?: unknown;
  qrKeys?: unknown;
  timezone?: unknown;
  offlinePassPolicy?: unknown;
}

export function sameReported(reported: ShadowState | undefined, store: CredentialStore): boolean {
  return reported?.version === store.version && reported?.keyVersion === store.keyVersion;
}

export function shadowTopicsFor(panelId: string) {
  const base = `$aws/things/${panelId}/shadow/name/${CREDENTIALS_SHADOW}`;
  return {
    get: `${base}/get`,
    getAccepted: `${base}/get/accepted`,
    getRejected: `${base}/get/rejected`,
    update: `${base}/update`,
    updateDelta: `${base}/update/delta`,
  };
}
