import type { Page, Write } from './records.ts';

/**
 * The plain data of packages (domain/packages.ts) and the repository port that keeps them
 * (adapters/package-repository.ts). No imports from the rest of the domain.
 */

export type PackageStatus = 'awaiting-pickup' | 'picked-up';

export interface PackageRecord {
  id: string;
  propertyId: string;
  /** As the unit's residents spell it (as typed when nobody lives there). */
  unit: string;
  /** The resident picked at the panel or by staff; null when it is for the whole unit (or nobody lives there). */
  residentId: string | null;
  count: number;
  status: PackageStatus;
  /** When it was delivered: the panel's time of the Finish (offline: when it happened), or when staff logged it. */
  deliveredAt: string;
  /** The Finish's access event; null for a package staff logged at the front desk. */
  deliveryEventId: string | null;
  panelId?: string;
  /** The delivery PIN's description or the pass's note; what staff typed at the front desk. */
  carrier?: string;
  /** The staff member or admin who logged it at the front desk. */
  loggedBy?: string;
  /** Nobody lived in the unit when it was delivered: nobody was notified. */
  unknownUnit?: boolean;
  /** When its one `package-reminder` was queued. */
  remindedAt?: string;
  pickedUpAt?: string;
  /** The pickup's access event (a resident at the package room). */
  pickupEventId?: string;
  /** The staff member who handed it over (POST .../picked-up). */
  handedOverBy?: string;
}

export type PackageRef = Pick<PackageRecord, 'propertyId' | 'id'>;
export type PackageView = Omit<PackageRecord, 'propertyId'>;

/** Units are matched as people type them, as calls match them (call-records.ts). */
export { unitKey } from './call-records.ts';

export interface PackageRepository {
  get(propertyId: string, id: string): Promise<PackageRecord | undefined>;
  /** A new waiting package (its condition: the id is new), its unit's waiting entry, and its place in the reminder schedule at `remindAt`. */
  add(pkg: PackageRecord, remindAt: string): Write[];
  /** The unit's waiting packages, strongly consistent (a pickup must not miss one delivered a moment before). */
  awaiting(propertyId: string, unit: string): Promise<Array<{ id: string; deliveredAt: string }>>;
  /**
   * waiting -> picked-up at `at` (with the pickup's event id, or who handed it over), only while
   * waiting and, with `deliveredBy`, delivered by then; leaves the unit's waiting list and the reminder schedule.
   */
  pickUp(pkg: Pick<PackageRecord, 'propertyId' | 'id' | 'unit'>, pickup: { at: string; eventId?: string; by?: string; deliveredBy?: string }): Write[];
  /** Newest first, optionally one status and one unit (as unitKey gives it). */
  page(propertyId: string, query: { status?: PackageStatus; unitKey?: string; limit: number; cursor?: string }): Promise<Page<PackageRecord>>;
  /** Waiting packages, of every property, whose reminder is due by `at` (the first 100; the next run takes more). */
  remindersDue(at: string): Promise<PackageRef[]>;
  /** Its one reminder is queued: only while waiting and not reminded; commit with the reminder notifications. */
  reminded(ref: PackageRef, at: string): Write;
  /** A waiting, unreminded package's reminder moves to `remindAt` (the property's reminder hours grew). */
  remindLater(ref: PackageRef, remindAt: string): Promise<void>;
}
