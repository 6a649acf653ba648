import type { DoorPinItem } from './door-pins.ts';
import type { PropertySettings } from '../schemas/properties.ts';
import type { AccessEventRecord } from './access-events.ts';
import type { Membership, Role } from './access.ts';
import type { AuditRecord } from './audit.ts';
import type { CredentialType } from './codes.ts';
import type { CommandRecord, CommandStatus } from './commands.ts';
import type { CredentialItem, CredentialRecord, SetChange, SetHead, Snapshot } from './credential-sets.ts';
import type { DeliveryPassItem } from './delivery-passes.ts';
import type { DeliveryPinItem } from './delivery-pins.ts';
import type { OwnedCredential } from './owned-credentials.ts';
import type { Resident } from './people.ts';
import type { Property } from './property-record.ts';
import type { Page, Panel, PanelRef, Write } from './records.ts';
import type { VisitorPassItem } from './visitor-passes.ts';

/*
 * Repository ports, one per aggregate: the domain says what it needs in its own terms;
 * adapters (functions/adapters/*-repository.ts) own the table's key layout, expressions
 * and item mapping. Reads are strongly consistent unless a method says otherwise.
 * A method returning `Write` writes nothing itself: see stores.ts for how writes commit.
 * `keepUntil` is when the record may be deleted (epoch seconds).
 */

export interface PropertyRepository {
  get(propertyId: string): Promise<Property | undefined>;
  /** Every property, one page (an operator's list; eventually consistent). */
  page(limit: number, cursor?: string): Promise<Page<Property>>;
  /** A new property; its condition fails if the id is taken. */
  add(property: Property, createdBy: string): Write;
  /** Sets the given settings of an existing property. */
  patchSettings(propertyId: string, patch: Partial<PropertySettings>): Write;
}

export interface MemberRepository {
  get(propertyId: string, userId: string): Promise<Membership | undefined>;
  all(propertyId: string): Promise<Membership[]>;
  /** One user's memberships at every property, one page (GET /properties; eventually consistent). */
  pageForUser(userId: string, limit: number, cursor?: string): Promise<Page<Membership>>;
  /** Admins and staff (not residents), one page. */
  pageStaff(propertyId: string, limit: number, cursor?: string): Promise<Page<Membership>>;
  /** Holds only while the membership is as read (role) and no removal has begun. */
  holds(membership: Membership): Write;
  /** Holds only while the user is an admin whose removal has not begun. */
  stillAdmin(propertyId: string, userId: string): Write;
  /** Writes the membership over the one read (`over`: same role, not leaving) or, without `over`, where none exists. */
  put(membership: Membership, over?: { role: Role }): Write;
  /** Marks the membership as leaving (a removal has begun), if it still has its role. */
  fence(membership: Membership, at: string): Write;
  /** Removes the membership if it is already gone or still as expected (this role, or this resident's). */
  remove(propertyId: string, userId: string, expected: { role: Role } | { residentId: string }): Write;
}

export interface ResidentRepository {
  get(propertyId: string, residentId: string): Promise<Resident | undefined>;
  add(propertyId: string, resident: Resident): Write;
  /** Kept as moved out until `keepUntil` (so a retried move-out still finds it). */
  markMovedOut(propertyId: string, residentId: string, at: string, keepUntil: number): Write;
  /** Residents living here now; with `search`, those whose lower-cased "name unit" contains it. */
  pageLiving(propertyId: string, opts: { limit: number; cursor?: string; search?: string }): Promise<Page<Resident>>;
}

export interface AuditRepository {
  add(propertyId: string, record: AuditRecord, keepUntil: number): Write;
  /** Newest first. */
  page(propertyId: string, limit: number, cursor?: string): Promise<Page<AuditRecord>>;
}

/** Code sentinels: one per code (by its keyed hash, `codeKey`) in use at a property. */
export interface CodeRepository {
  /** Takes the code for a credential; fails while a credential whose `expiresAtEpoch` is not before `nowEpoch` holds it. */
  claim(propertyId: string, codeKey: string, credential: { type: CredentialType; id: string; expiresAtEpoch?: number; ownerResidentId?: string }, nowEpoch: number): Write;
  /** Frees the code if it is gone already or still this credential's. */
  release(propertyId: string, codeKey: string, credentialId: string): Write;
  /** `ownerResidentId`: the resident who made the credential (a pass claimed by code notifies them without reading the pass). */
  holder(propertyId: string, codeKey: string): Promise<{ credentialType: string; credentialId: string; ownerResidentId?: string } | undefined>;
}

export interface DeliveryPinRepository {
  get(propertyId: string, pinId: string): Promise<DeliveryPinItem | undefined>;
  page(propertyId: string, limit: number, cursor?: string): Promise<Page<DeliveryPinItem>>;
  /** A new PIN or, with `seenCodeKey`, over the PIN as read (its code unchanged meanwhile). */
  put(propertyId: string, pin: DeliveryPinItem, seenCodeKey?: string): Write;
  remove(propertyId: string, pinId: string, seenCodeKey: string): Write;
}

/** Residents' own door PINs (domain/door-pins.ts): at most one per resident, keyed by their user id. */
export interface DoorPinRepository {
  get(propertyId: string, userId: string): Promise<DoorPinItem | undefined>;
  /** A new PIN, or with `seenCodeKey` over the PIN as read (changed by nobody meanwhile). */
  put(propertyId: string, pin: DoorPinItem, seenCodeKey?: string): Write;
  remove(propertyId: string, userId: string, seenCodeKey: string): Write;
}

export type PassKind = 'delivery-pass' | 'visitor-pass';
export type PassOf<K extends PassKind> = K extends 'delivery-pass' ? DeliveryPassItem : VisitorPassItem;

/** Delivery and visitor passes: made by a member, indexed by who made them, retired in place. */
export interface PassRepository {
  get<K extends PassKind>(kind: K, propertyId: string, passId: string): Promise<PassOf<K> | undefined>;
  add(propertyId: string, pass: DeliveryPassItem | VisitorPassItem, keepUntil: number): Write;
  /** Newest first: the property's passes, or (with `madeBy`) one member's, from the owner index. */
  page<K extends PassKind>(kind: K, propertyId: string, opts: { limit: number; cursor?: string; madeBy?: string }): Promise<Page<PassOf<K>>>;
  /** Every pass a member made, all pages, strongly consistent (a move-out must not miss one made a moment before). */
  madeBy<K extends PassKind>(kind: K, propertyId: string, userId: string): Promise<Array<PassOf<K>>>;
  /** Every pass a member made, from the owner index (it lags a moment). */
  indexedFor(kind: PassKind, propertyId: string, userId: string): Promise<Array<{ status: string; expiresAt?: string; endsAt?: string }>>;
  /** active -> `to`, only while active. */
  retire(propertyId: string, pass: Pick<OwnedCredential, 'type' | 'id'>, to: string, at: string): Write;
  /** Ends a used pass's grace period at `at`, only while it is used and in grace. */
  endGrace(propertyId: string, pass: Pick<OwnedCredential, 'type' | 'id'>, at: string): Write;
  /** A delivery pass's redemption: active -> used, only while it is active and expires after `usedAt`. */
  redeem(propertyId: string, passId: string, use: { usedAt: string; eventId: string; attemptId: string; panelId: string; offline: boolean; graceUntil?: string }): Write;
  /** A visitor pass's first granted entry (`arrivedAt`, `arrivedEventId`), only if it has none yet. */
  markArrived(propertyId: string, passId: string, at: string, eventId: string): Write;
}

/** A property's credential set: head, change records, per-credential records, snapshots. See credential-sets.ts. */
export interface CredentialSetRepository {
  head(propertyId: string): Promise<SetHead | undefined>;
  /** Moves the head from `from` to `to`, only if nobody moved it meanwhile (the set's optimistic lock). */
  commitHead(propertyId: string, from: SetHead, to: SetHead): Write;
  addChange(propertyId: string, change: SetChange, keepUntil: number): Write;
  /** The change records of versions `from`..`to` (inclusive), oldest first, at most `limit`. */
  changes(propertyId: string, from: number, to: number, limit: number): Promise<SetChange[]>;
  record(propertyId: string, credentialId: string): Promise<CredentialRecord | undefined>;
  records(propertyId: string): Promise<CredentialRecord[]>;
  /** Replaces the credential's record: digests under other key versions are dropped. */
  putRecord(
    propertyId: string,
    record: { credentialId: string; version: number; keyVersion: number; digest: string | null; op: 'set' | 'removed'; changedAt: string; audience?: string },
  ): Write;
  /** Adds the credential's digest under a key version not yet committed; nothing over a record changed at or after `version`. */
  addNextKeyDigest(propertyId: string, credentialId: string, keyVersion: number, digest: string, version: number): Promise<void>;
  /** Every keypad credential of the property (PINs, delivery passes, visitor passes). */
  credentials(propertyId: string): Promise<CredentialItem[]>;
  /** `variant`: a per-door subset of the set (credential-sets.ts audiences); absent: the whole set. */
  snapshot(propertyId: string, keyVersion: number, version: number, variant?: string): Promise<(Snapshot & { keepUntil: number }) | undefined>;
  saveSnapshot(propertyId: string, keyVersion: number, version: number, snapshot: Snapshot, keepUntil: number, variant?: string): Promise<void>;
  /** Notes a digest repair at `now` unless one was noted at or after `since`; whether it was. */
  claimRepair(propertyId: string, now: string, since: string): Promise<boolean>;
  /** Every property that has a set. */
  propertiesWithSets(): Promise<string[]>;
  /** An image of a changed item from the table's change stream, in the domain's terms: its property and attributes (none without an image). */
  fromStreamImage(image: unknown): { propertyId: string; item: CredentialItem & Record<string, unknown> } | undefined;
}

export interface AccessEventRepository {
  /** Stores the event once; false when an event with its id is recorded already. */
  add(propertyId: string, event: AccessEventRecord, keepUntil: number): Promise<boolean>;
  /** The same as a write, to commit with what the event causes (its condition fails when the id is recorded already). */
  record(propertyId: string, event: AccessEventRecord, keepUntil: number): Write;
  /** Newest first, event ids between `fromId` and `toId` (inclusive), optionally only one panel's. */
  page(propertyId: string, opts: { fromId: string; toId: string; panelId?: string; limit: number; cursor?: string }): Promise<Page<AccessEventRecord>>;
}

export interface CommandRepository {
  add(propertyId: string, command: CommandRecord, keepUntil: number): Write;
  get(propertyId: string, commandId: string): Promise<CommandRecord | undefined>;
  /** The first outcome wins: sent -> `outcome`, only from that panel; a repeat changes nothing. */
  settle(propertyId: string, commandId: string, panelId: string, outcome: { status: Exclude<CommandStatus, 'sent'>; at?: string; eventId?: string | null }): Promise<void>;
}

/** Per-panel counters of the claim throttles. */
export interface ThrottleRepository {
  /** Counts a claim in the panel's minute; returns the count so far. */
  countClaim(panel: PanelRef, minute: number, keepUntil: number): Promise<number>;
  /** Takes one of the panel's unknown-code slots in `window`, if fewer than `max` are taken. */
  takeUnknownCodeSlot(panel: PanelRef, window: number, max: number, keepUntil: number): Promise<boolean>;
  /** Gives a slot back with the caller's other writes. */
  unknownCodeSlotBack(panel: PanelRef, window: number): Write;
  giveBackUnknownCodeSlot(panel: PanelRef, window: number): Promise<void>;
}

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
  /** `also`: writes committed with it only when it is not stale (a webhook event). */
  recordPresence(ref: PanelRef, presence: { connected: boolean; at: string; disconnectReason: string | null }, also?: Write[]): Promise<void>;
  /** If the panel was last heard before `gapBefore`, that silence becomes its last offline period and it is heard `now`. */
  endSilence(ref: PanelRef, now: string, gapBefore: string): Promise<void>;
}
