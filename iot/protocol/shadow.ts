import * as z from 'zod';
import { CREDENTIALS_SHADOW } from './topics.ts';
import { protocolVersion } from './version.ts';

/**
 * The credentials named shadow (CREDENTIALS_SHADOW): `desired` is written by the cloud and
 * announces the property's set; `reported` is what the panel holds. A delta (and a desired
 * state written in parts) holds only some fields, so a panel reads every field as optional
 * and keeps what it had for the rest.
 */
export const CREDENTIALS_SHADOW_NAME = CREDENTIALS_SHADOW;

const stateShape = {
  protocolVersion,
  version: z.number().int().nonnegative(),
  keyVersion: z.number().int().nonnegative(),
  /** Visitor QR verification keys by key id (base64url Ed25519 public keys): current and previous. */
  qrKeys: z.record(z.string().max(64), z.string().max(128)),
  /** Property settings a panel needs between full syncs. */
  timezone: z.string().min(1).max(64),
  offlinePassPolicy: z.enum(['deny', 'allow-once-and-reconcile']),
};

/** The whole state as the cloud writes it into `desired` and the panel into `reported`. */
export const credentialsShadowState = z.object(stateShape);
export type CredentialsShadowState = z.input<typeof credentialsShadowState>;

/** A state as received: any subset of the fields (the version defaults to 1.0 when absent). */
export const partialShadowState = z.object({ ...stateShape, protocolVersion: protocolVersion.optional() }).partial();
export type PartialShadowState = z.output<typeof partialShadowState>;

/** `get/accepted`: the document (metadata and timestamps are not needed, so dropped). */
export const shadowGetAccepted = z.object({
  version: z.number().int().nonnegative(),
  state: z.object({ desired: partialShadowState.optional(), reported: partialShadowState.optional() }).default({}),
});
export type ShadowGetAccepted = z.output<typeof shadowGetAccepted>;

/** `update/delta`: the desired fields that differ from reported. */
export const shadowDelta = z.object({
  version: z.number().int().nonnegative(),
  state: partialShadowState,
});
export type ShadowDelta = z.output<typeof shadowDelta>;
