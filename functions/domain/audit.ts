import { ulid } from 'ulid';
import { defaultSettings } from '../schemas/properties.ts';
import type { Page, Write } from './records.ts';
import type { Stores } from './stores.ts';

/** One line of the audit trail: who did what to which thing, when. Never a code. */
export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
}

/**
 * An audit record as a transaction entry, so the change and its record commit together.
 * It expires (DynamoDB TTL) after the property's `auditRetentionDays`: callers that
 * have the property's settings at hand pass them; the others get the default rather
 * than a read of the property on every audited write.
 */
export function auditEntry(
  stores: Stores,
  propertyId: string,
  actor: string,
  action: string,
  target: AuditRecord['target'],
  retentionDays: number = defaultSettings.auditRetentionDays,
): Write {
  const now = stores.now();
  const id = ulid(now.getTime());
  const record: AuditRecord = { id, at: now.toISOString(), actor, action, target };
  const expiresAtEpoch = Math.floor(now.getTime() / 1000) + retentionDays * 86400;
  return stores.audit.add(propertyId, record, expiresAtEpoch);
}

export function listAudit(stores: Stores, propertyId: string, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
  return stores.audit.page(propertyId, limit, cursor);
}
