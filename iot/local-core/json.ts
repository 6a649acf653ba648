/** JSON values as shadow documents hold them, and the few helpers the shadow code needs. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isEmptyObject(value: JsonObject | undefined): boolean {
  return value === undefined || Object.keys(value).length === 0;
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Number of nested object key levels below `value` ({a:1} -> 1, {a:{b:1}} -> 2, arrays add none). */
export function keyDepth(value: Json): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map(keyDepth));
  if (!isPlainObject(value)) return 0;
  const children = Object.values(value);
  return children.length === 0 ? 0 : 1 + Math.max(...children.map(keyDepth));
}

/** True when any array anywhere inside `value` holds a null (the Shadow service rejects those). */
export function hasNullInArray(value: Json): boolean {
  if (Array.isArray(value)) return value.some((item) => item === null || hasNullInArray(item));
  if (isPlainObject(value)) return Object.values(value).some((child) => child !== null && hasNullInArray(child));
  return false;
}
