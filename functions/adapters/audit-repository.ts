import type { AuditRecord } from '../domain/audit.ts';
import type { AuditRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys } from './table-keys.ts';

/** The audit trail: PROP#<propertyId> / AUDIT#<ulid>, so a property's records sort by time; expires by TTL. */
export function auditRepository(table: LobbyTable): AuditRepository {
  return {
    add(propertyId, record, keepUntil) {
      return asWrite({ Put: { Item: { pk: keys.property(propertyId), sk: keys.audit(record.id), type: 'audit', ...record, expiresAtEpoch: keepUntil } } });
    },
    async page(propertyId, limit, cursor) {
      const page = await table.query<AuditRecord & Record<string, unknown>>({ pk: keys.property(propertyId), skPrefix: keys.audit(''), limit, cursor, newestFirst: true });
      return { items: page.items.map(({ id, at, actor, action, target }) => ({ id, at, actor, action, target })), nextCursor: page.nextCursor };
    },
  };
}
