import type { LobbyTable } from '../adapters/lobby-table.ts';
import type { CodeVault } from '../adapters/code-vault.ts';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { PanelChannel } from '../adapters/panel-channel.ts';
import type { Page, Panel, PanelRef, Write } from './records.ts';

/** What the domain needs from the outside world, passed in so tests and handlers choose. */
export interface Stores {
  table: LobbyTable;
  vault: CodeVault;
  photos: ObjectStore;
  panels: PanelChannel;
  /** Panel records (adapters/panel-repository.ts). */
  panelRecords: PanelRepository;
  now(): Date;
}

/**
 * Repository ports: the domain says what it needs in its own terms; adapters own the
 * table's key layout, expressions and item mapping. Reads are strongly consistent.
 */
export interface PanelRepository {
  /** The property behind a panel id (the IoT thing name), from the global panel index; undefined once decommissioned. */
  propertyOf(panelId: string): Promise<string | undefined>;
  get(ref: PanelRef): Promise<Panel | undefined>;
  /** Every panel of the property. */
  all(propertyId: string): Promise<Panel[]>;
  page(propertyId: string, limit: number, cursor?: string): Promise<Page<Panel>>;
  /** The panel and its index entry, to commit with the caller's other writes. */
  add(panel: Panel): Write[];
  remove(ref: PanelRef): Write[];
  /** Moves lastSeenAt and the reported set forward, never back; does nothing for a gone panel or an older beat. */
  recordHeartbeat(ref: PanelRef, beat: { at: string; heardAt: string; version: number; digest: string; keypadLockedUntil: string | null }): Promise<void>;
  /** The newer lifecycle event wins; does nothing for a gone panel. */
  recordPresence(ref: PanelRef, presence: { connected: boolean; at: string; disconnectReason: string | null }): Promise<void>;
  /** If the panel was last heard before `gapBefore`, that silence becomes its last offline period and it is heard `now`. */
  endSilence(ref: PanelRef, now: string, gapBefore: string): Promise<void>;
}
