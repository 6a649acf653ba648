/*
 * The HTTP contract's response bodies as a client sees them on the wire (/work/shared/API.md,
 * plus the fields the API adds). Written from the client's side on purpose, not imported from
 * functions/domain: a test types what the API promises, so a domain refactor cannot quietly
 * change what the tests check. Optional where a route leaves a field out (secrets after create).
 */

/** application/problem+json */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PropertySettings {
  residentPassesEnabled: boolean;
  codeLength: number;
  visitorMaxHours: number;
  photoRetentionDays: number;
  passValidHours: number;
  passGraceMinutes: number;
  offlinePassPolicy: string;
  auditRetentionDays: number;
  [setting: string]: unknown;
}

export interface Property {
  id: string;
  name: string;
  timezone: string;
  settings: PropertySettings;
  createdAt: string;
}

export interface Member {
  userId: string;
  role: 'admin' | 'staff';
  since: string;
}

export interface Resident {
  id: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  notify: Array<'app' | 'sms' | 'email'>;
  movedInAt: string;
}

export interface DirectoryEntry {
  residentId: string;
  name: string;
  unit: string;
}

export type SyncState = 'setting' | 'set' | 'removing' | 'removed';

/** "Is it on the doors yet?", on every credential's GET. */
export interface CredentialSync {
  state: SyncState;
  claimedInCloud?: boolean;
  panels: Array<{ panelId: string; state: SyncState | 'offline'; since: string | null }>;
}

/** A credential's GET (its lists leave sync out). */
export type WithSync<T> = T & { sync: CredentialSync };

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Schedule {
  days: Weekday[];
  from: string;
  to: string;
}

export interface DeliveryPin {
  id: string;
  description: string;
  /** Only in the create response, a PATCH that sets a new one, and reveal. */
  pin?: string;
  pinHint: string;
  schedule: Schedule | null;
  createdAt: string;
  updatedAt: string;
  sync?: CredentialSync;
}

/** POST and reveal: the PIN itself, once. */
export type CreatedDeliveryPin = DeliveryPin & { pin: string };

export type DeliveryPassStatus = 'active' | 'used' | 'cancelled' | 'expired';

export interface DeliveryPass {
  id: string;
  status: DeliveryPassStatus;
  /** Only to the pass's own people (create, GET, reveal); never in lists. */
  code?: string;
  codeHint: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  eventId: string | null;
  shareText?: string;
  sync?: CredentialSync;
}

/** POST: the code and the text to share it with, once. */
export type CreatedDeliveryPass = DeliveryPass & { code: string; shareText: string };

export interface VisitorPass {
  id: string;
  status: 'scheduled' | 'active' | 'expired' | 'revoked';
  visitorName: string;
  visitorEmail: string | null;
  code?: string;
  qr?: string;
  codeHint: string;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  createdAt: string;
  sync?: CredentialSync;
}

/** POST: the code and the QR token. */
export type CreatedVisitorPass = VisitorPass & { code: string; qr: string };

export interface PanelConnection {
  mqttUrl: string;
  clientId: string;
  certificatePem: string;
  privateKeyPem: string;
  caPem?: string;
  certificateArn?: string;
  topicRoot: string;
}

export interface Panel {
  id: string;
  propertyId: string;
  name: string;
  kind: 'entrance' | 'package-room';
  createdAt: string;
  credentials: { desiredVersion: number; reportedVersion: number | null; inSync: boolean; lastSeenAt: string | null; online: boolean };
  keypadLockedUntil: string | null;
}

/** POST .../panels: the panel and, once, what it needs to connect. */
export interface CreatedPanel extends Panel {
  connection: PanelConnection;
}

export interface UnlockAccepted {
  commandId: string;
  expiresAt: string;
}

export interface Command {
  commandId: string;
  panelId: string;
  status: 'sent' | 'executed' | 'expired';
  issuedAt: string;
  expiresAt: string;
  executedAt: string | null;
  eventId: string | null;
}

export interface AccessEvent {
  id: string;
  at: string;
  panelId: string;
  method: 'delivery-pin' | 'delivery-pass' | 'visitor' | 'call' | 'remote-unlock' | 'resident-pickup';
  decision: 'granted' | 'denied';
  reason?: string;
  credentialId?: string;
  commandId?: string;
  offline?: boolean;
  clockSkew?: boolean;
  clockSkewSeconds?: number;
  photoUrl?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
}

/** The OpenAPI document, as far as the tests read it. */
export interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: { required?: string[]; [keyword: string]: unknown } } | undefined> };
  [field: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation | undefined> | undefined>;
  [field: string]: unknown;
}

/*
 * The panel protocol over MQTT, as the tests' bare panel sees it (replies on .../responses,
 * commands on .../commands). Test-side on purpose, like the HTTP types above.
 */

/** One entry of a property's credential set: a keyed hash of the code, never the code. */
export interface SetEntry {
  id: string;
  type: 'delivery-pin' | 'delivery-pass' | 'visitor-pass';
  hash: string;
  schedule?: Schedule;
  validFrom?: string;
  validUntil?: string;
  singleUse?: boolean;
  revoked?: boolean;
}

/** The gzipped snapshot behind a full sync's presigned URL. */
export interface SetSnapshot {
  propertyId: string;
  version: number;
  keyVersion: number;
  digest: string;
  entries: SetEntry[];
}

interface Reply {
  protocolVersion?: number;
  requestId: string;
}

export interface PanelError extends Reply {
  ok: false;
  error: string;
}

export interface SyncCurrent extends Reply {
  ok: true;
  kind: 'current';
  version: number;
  digest: string;
}

export interface SyncDelta extends Reply {
  ok: true;
  kind: 'delta';
  fromVersion: number;
  version: number;
  digest: string;
  upserts: SetEntry[];
  removals: string[];
}

export interface SyncFull extends Reply {
  ok: true;
  kind: 'full';
  version: number;
  keyVersion: number;
  digest: string;
  panelKey: string;
  timezone: string;
  offlinePassPolicy: string;
  url: string;
  bytes: number;
}

export type SyncReply = SyncCurrent | SyncDelta | SyncFull;

export interface PhotoUrlReply extends Reply {
  ok: true;
  url: string;
  key: string;
  expiresAt: string;
}

export interface ClaimReply extends Reply {
  ok: true;
  decision: 'granted' | 'denied';
  reason?: string;
  credentialId?: string;
}

export interface UnlockCommandMessage {
  protocolVersion?: number;
  commandId: string;
  type: 'unlock';
  issuedAt: string;
  expiresAt: string;
}
