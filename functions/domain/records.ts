/**
 * The plain data the domain keeps in its repositories, and the shapes the repository
 * ports (stores.ts) trade in. Types only, and no imports from the rest of the domain,
 * so the ports and every domain module can share them without an import cycle.
 */

/** One page of a list; the cursor is opaque (sealed by the table adapter) and bound to its list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

declare const writeBrand: unique symbol;
/**
 * One entry of an all-or-nothing write, built by a repository. Opaque to the domain: it
 * collects them, in order, and commits them together (`stores.table.transact`); a failed
 * condition is reported by position (domain/transactions.ts `attempt`).
 */
export interface Write {
  readonly [writeBrand]: true;
}

export type PanelKind = 'entrance' | 'package-room';

/** The IoT identity of a panel, kept to take it back on decommission (never the key). */
export interface PanelCertificate {
  certificateId: string;
  certificateArn?: string;
}

/** A panel's id and property: fixed for the panel's life, so it may be cached. */
export interface PanelRef {
  id: string;
  propertyId: string;
}

export interface Panel extends PanelRef {
  name: string;
  kind: PanelKind;
  createdAt: string;
  reportedVersion?: number;
  reportedDigest?: string;
  lastSeenAt?: string;
  keypadLockedUntil?: string;
  certificate?: PanelCertificate;
  /** Cloud time of the last message heard, and the last offline period seen (panels.ts noteOfflineGap). */
  heardAt?: string;
  offlineFrom?: string;
  onlineSince?: string;
}
