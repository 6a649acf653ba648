import { deepEqual, isEmptyObject, isPlainObject, type JsonObject } from './json.ts';

/**
 * The delta as AWS documents it: every desired field whose value differs from reported (or is
 * missing from reported); nested objects are compared key by key and keep their path from the
 * root; arrays compare as whole values; reported-only fields never appear.
 * Returns undefined when desired and reported agree.
 */
export function computeDelta(desired: JsonObject | undefined, reported: JsonObject | undefined): JsonObject | undefined {
  if (!desired) return undefined;
  const delta: JsonObject = {};
  for (const [key, want] of Object.entries(desired)) {
    const have = reported?.[key];
    if (isPlainObject(want) && isPlainObject(have)) {
      const inner = computeDelta(want, have);
      if (inner) delta[key] = inner;
    } else if (have === undefined || !deepEqual(want, have)) {
      delta[key] = structuredClone(want);
    }
  }
  return isEmptyObject(delta) ? undefined : delta;
}

/** True when every path in `inner` is also in `outer` with the same value. */
export function isSubDelta(inner: JsonObject, outer: JsonObject | undefined): boolean {
  if (!outer) return false;
  return Object.entries(inner).every(([key, value]) => {
    const other = outer[key];
    return isPlainObject(value) && isPlainObject(other) ? isSubDelta(value, other) : deepEqual(value, other);
  });
}
