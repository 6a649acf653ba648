import type { PhoneDialer, PushSender } from './call-ports.ts';
import type { Write } from './records.ts';
import type { CallMedia } from './call-ports.ts';
import type { CalleeDirectory, CallRepository, DeviceRepository } from './call-records.ts';
import type { NotificationRepository } from './notifications.ts';
import type { IntegrationRepository } from './integrations.ts';
import type { PackageRepository } from './package-records.ts';
import type { RosterRepository } from './roster.ts';
import type { WebhookRepository } from './webhooks.ts';
import type {
  AccessEventRepository,
  AuditRepository,
  CodeRepository,
  CommandRepository,
  CredentialSetRepository,
  DeliveryPinRepository,
  DoorPinRepository,
  MemberRepository,
  PanelRepository,
  PassRepository,
  PropertyRepository,
  ResidentRepository,
  ThrottleRepository,
} from './repositories.ts';

export type { PanelRepository } from './repositories.ts';

/**
 * What the domain needs from the outside world, passed in so tests and handlers choose.
 * Every port is declared here or in repositories.ts, in the domain's terms; adapters
 * (functions/adapters) implement them and the composition roots (adapters/production-stores.ts,
 * local/, tests, benches) wire them. The domain imports nothing from adapters.
 *
 * Writes that must happen together (a pass and its code sentinel, the membership fence
 * it is made under and its audit record; a set version's head, change record and
 * per-credential records) are atomic in one way everywhere: a repository method that
 * takes part returns a `Write` (records.ts: an opaque, domain-level descriptor, never a
 * DynamoDB shape), the use case collects them in order and commits them all-or-nothing
 * with `stores.table.transact`. A refused condition is reported by position
 * (transactions.ts `attempt`), so the use case says which rule failed. Single-item writes
 * whose condition is part of the rule (a throttle, an ack, a heartbeat) are repository
 * methods that answer in domain terms (a boolean, nothing when stale).
 */
export interface Stores {
  /** The unit of work: commits repositories' writes together. */
  table: UnitOfWork;
  vault: CodeVault;
  photos: ObjectStore;
  panels: PanelChannel;
  properties: PropertyRepository;
  members: MemberRepository;
  residents: ResidentRepository;
  audit: AuditRepository;
  codes: CodeRepository;
  deliveryPins: DeliveryPinRepository;
  doorPins: DoorPinRepository;
  passes: PassRepository;
  credentialSets: CredentialSetRepository;
  accessEvents: AccessEventRepository;
  commands: CommandRepository;
  throttles: ThrottleRepository;
  /** Panel records (adapters/panel-repository.ts). */
  panelRecords: PanelRepository;
  /** Calls, the residents a call rings, app push devices (adapters/call-repository.ts). */
  calls: CallRepository;
  callees: CalleeDirectory;
  /** The notifications outbox: records written with what caused them, delivered by notifications.ts (adapters/notification-repository.ts). */
  notifications: NotificationRepository;
  /** Integration clients and the client-id lookup the authorizer reads (adapters/integration-repository.ts). */
  integrations: IntegrationRepository;
  /** Roster entries of property-management systems' roster syncs (adapters/roster-repository.ts). */
  roster: RosterRepository;
  /** Packages in the package room and at the front desk (adapters/package-repository.ts). */
  packages: PackageRepository;
  /** Webhook subscriptions, events and deliveries (adapters/webhook-repository.ts). */
  webhooks: WebhookRepository;
  devices: DeviceRepository;
  /** WebRTC media of calls through KVS signaling (call-ports.ts; H3's adapter). */
  media: CallMedia;
  /** App pushes to residents' devices (adapters/sns-push.ts). */
  push: PushSender;
  /** Phone calls run by the SIP media application (adapters/chime-phone.ts). */
  phone: PhoneDialer;
  now(): Date;
}

/** Commits writes all-or-nothing, in order; a failed condition cancels them all (see transactions.ts). */
export interface UnitOfWork {
  transact(writes: readonly Write[]): Promise<void>;
}

/**
 * Keyed protection for keypad codes. Six digits are ~20 bits, so a plain hash of a
 * code is trivially reversible by whoever holds the table: the uniqueness sentinel is
 * keyed by an HMAC and the code itself is stored AES-GCM encrypted, both under keys
 * derived from one secret kept outside the table (adapters/code-vault.ts).
 */
export interface CodeVault {
  /** Stable, keyed, per-property lookup key for a code: the sentinel's sort key. */
  codeKey(propertyId: string, code: string): string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** A 32-byte key for another purpose (e.g. a property's panel key), derived from the same secret. */
  derivedKey(purpose: string): Buffer;
  /** A keyed digest: compares like a hash, but reveals nothing about low-entropy input without the secret. */
  keyedDigest(purpose: string, data: string): string;
}

/** The photos bucket (entry photos and credential-set snapshots), as the domain needs it. */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** A short-lived URL to read an object: the caller never gets bucket credentials. */
  presignGet(key: string, seconds: number): Promise<string>;
  /** A short-lived URL a panel uploads one photo to, for exactly this key. */
  presignPut(key: string, contentType: string, seconds: number): Promise<string>;
}

/** The cloud's side of the panel connection: shadows and topics, through the IoT data plane. */
export interface PanelChannel {
  setDesired(panelId: string, shadowName: string, desired: Record<string, unknown>): Promise<void>;
  publish(topic: string, payload: unknown): Promise<void>;
}
