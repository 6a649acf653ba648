import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB item size and request units by the published rules (on-demand):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * - size = attribute names (UTF-8) + values: strings UTF-8 bytes, numbers ~1 byte per two
 *   significant digits + 1, booleans/null 1, lists/maps 3 + 1 per element (+ key names);
 * - reads: strongly consistent 1 RRU per 4 KB, transactional 2 per 4 KB;
 * - writes: 1 WRU per 1 KB of the larger of the item before and after, transactional 2 per 1 KB;
 * - a global secondary index holding the item (projection ALL) takes one more standard write of
 *   the new image when projected attributes change.
 */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [k, e]) => sum + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  return 0;
}

function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function itemSize(item: Record<string, AttributeValue> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

export const readUnits = (bytes: number, opts: { transactional?: boolean } = {}) => Math.max(1, Math.ceil(bytes / 4096)) * (opts.transactional ? 2 : 1);
export const writeUnits = (bytes: number, opts: { transactional?: boolean } = {}) => Math.max(1, Math.ceil(bytes / 1024)) * (opts.transactional ? 2 : 1);
