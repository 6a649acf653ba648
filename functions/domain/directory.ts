import { createHash } from 'node:crypto';
import type { DirectoryEntry, DirectoryResponse } from '../../iot/protocol/calls.ts';
import { staffTargetId } from './calls.ts';
import type { PanelRef } from './records.ts';
import type { Stores } from './stores.ts';

/** Distributes over the reply's kinds (Omit on a union would merge them). */
type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/**
 * The panel's directory: residents living here (display name and unit) and staff, each with
 * the target id a call names. Nothing else: no contact details, no user ids (a staff member's target is a keyed digest).
 * The panel keeps its last copy (it shows it offline) and asks again with its version; an
 * unchanged directory costs a short reply.
 */
export async function panelDirectory(stores: Stores, panel: PanelRef, haveVersion?: string): Promise<WithoutRequestId<DirectoryResponse>> {
  const [residents, members] = await Promise.all([stores.callees.all(panel.propertyId), stores.members.all(panel.propertyId)]);
  const entries: DirectoryEntry[] = [
    ...residents.map((r) => ({ targetId: r.residentId, name: r.name, unit: r.unit })),
    ...members
      .filter((m) => m.role === 'staff' && !m.leaving)
      .map((m) => ({ targetId: staffTargetId(stores, panel.propertyId, m.userId), name: 'Staff (front desk)', unit: null })),
  ].sort((a, b) => (a.unit ?? '~').localeCompare(b.unit ?? '~') || a.name.localeCompare(b.name) || a.targetId.localeCompare(b.targetId));
  const version = createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 22);
  if (haveVersion === version) return { ok: true, kind: 'current', version };
  return { ok: true, kind: 'full', version, entries };
}
