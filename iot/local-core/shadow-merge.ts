import { isEmptyObject, isPlainObject, type Json, type JsonObject } from './json.ts';

/**
 * Metadata mirrors the state tree; every leaf (a scalar or a whole array, since arrays are
 * replaced, never merged) carries `{ timestamp }` in epoch seconds.
 */
export interface MetadataObject {
  [key: string]: MetadataNode;
}
export type MetadataNode = { timestamp: number } | MetadataObject;

export interface ShadowState {
  desired?: JsonObject;
  reported?: JsonObject;
}
export interface ShadowMetadata {
  desired?: MetadataObject;
  reported?: MetadataObject;
}

export type Section = keyof ShadowState;

/**
 * Merges one request section into the stored section (both mutated in place): only the keys in
 * the patch change, `null` removes a key, objects merge recursively, anything else replaces.
 * An object left empty because its keys were all deleted is removed as well.
 */
export function mergeSection(state: JsonObject, metadata: MetadataObject, patch: JsonObject, timestamp: number): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete state[key];
      delete metadata[key];
    } else if (isPlainObject(value)) {
      const existing = state[key];
      const childState = isPlainObject(existing) ? existing : {};
      const existingMeta = metadata[key];
      const childMeta = isPlainObject(existing) && existingMeta && !isLeaf(existingMeta) ? existingMeta : {};
      mergeSection(childState, childMeta, value, timestamp);
      if (isEmptyObject(childState) && !isEmptyObject(value)) {
        delete state[key];
        delete metadata[key];
      } else {
        state[key] = childState;
        metadata[key] = childMeta;
      }
    } else {
      state[key] = structuredClone(value);
      metadata[key] = { timestamp };
    }
  }
}

/** Metadata describing exactly the fields of a request (what `/update/accepted` carries). */
export function metadataForPatch(patch: Json, timestamp: number): MetadataNode {
  if (!isPlainObject(patch)) return { timestamp };
  const out: MetadataObject = {};
  for (const [key, value] of Object.entries(patch)) out[key] = metadataForPatch(value, timestamp);
  return out;
}

/** The metadata of `subset`'s keys, taken from `metadata` (used for the delta). */
export function pickMetadata(subset: JsonObject, metadata: MetadataObject | undefined): MetadataObject {
  const out: MetadataObject = {};
  for (const [key, value] of Object.entries(subset)) {
    const node = metadata?.[key];
    if (node === undefined) continue;
    out[key] = isPlainObject(value) && !isLeaf(node) ? pickMetadata(value, node) : node;
  }
  return out;
}

function isLeaf(node: MetadataNode): node is { timestamp: number } {
  // Unambiguous even for a state key named "timestamp": inner nodes hold objects, leaves a number.
  return typeof (node as { timestamp?: unknown }).timestamp === 'number';
}
