import { managers, requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import { forbidden, invalid } from './errors.ts';
import type { QueuedNotification } from './notifications.ts';
import type { Page } from './records.ts';
import type { Stores } from './stores.ts';

/** A notification record as GET .../notifications shows it. */
export interface NotificationView {
  id: string;
  kind: string;
  channel: string;
  to: string;
  status: string;
  attempts: number;
  createdAt: string;
  sentAt?: string;
  residentId: string;
}

/** `to` masked: the last 4 digits of a phone, the first letter and domain of an e-mail, "app" for app pushes. */
export function maskedTo(n: Pick<QueuedNotification, 'channel' | 'to'>): string {
  if (n.channel === 'sms') return `${n.to.slice(0, 2)}${'*'.repeat(Math.max(0, n.to.length - 6))}${n.to.slice(-4)}`;
  if (n.channel === 'email') {
    const [local = '', domain = ''] = n.to.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  return 'app';
}

/** Notification records (admin, staff; a resident sees their own), `to` masked. */
export async function listNotifications(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  query: { residentId?: string; limit: number; cursor?: string },
): Promise<Page<NotificationView>> {
  const membership = await requireRole(stores, caller, propertyId, ['admin', 'staff', 'resident']);
  if (membership.role === 'resident' && query.residentId !== undefined && query.residentId !== membership.residentId) throw forbidden('Residents see their own notifications');
  if (!managers.includes(membership.role) && !membership.residentId) throw invalid('No resident record');
  const residentId = membership.role === 'resident' ? membership.residentId : query.residentId;
  const page = await stores.notifications.page(propertyId, { residentId, limit: query.limit, cursor: query.cursor });
  return {
    // Verification codes texted to a resident are not notifications about the building: not listed, to anyone.
    items: page.items
      .filter((n) => n.kind !== 'phone-verification')
      .map((n) => ({
        id: n.id,
        kind: n.kind,
        channel: n.channel,
        to: maskedTo(n),
        // A record being handed to its provider is still queued as far as the contract goes.
        status: n.status === 'sending' ? 'queued' : n.status,
        attempts: n.attempts,
        createdAt: n.createdAt,
        ...(n.sentAt ? { sentAt: n.sentAt } : {}),
        residentId: n.residentId,
      })),
    nextCursor: page.nextCursor,
  };
}
