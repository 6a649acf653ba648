import { ulid } from 'ulid';
import type { Page, Write } from './records.ts';
import { CLAIM_SECONDS as OUTBOX_CLAIM_SECONDS, claimRecord, deliverAll, exponentialBackoff, plusSeconds } from './outbox.ts';
import type { Stores } from './stores.ts';

/*
 * The notifications outbox worker (the shared outbox core: outbox.ts). A notification is a record written in the same transaction
 * as what caused it (calls.ts markMissed writes `call-missed`); this delivers one record:
 *   claim (conditional write: queued and due, attempts + 1, status `sending` with a lease)
 *   -> the channel's sender -> `sent` with the provider's message id,
 *      or back to `queued` with a backoff, or `failed` after MAX_ATTEMPTS or a permanent refusal.
 * Only the claimer sends, so two workers (the stream trigger and the retry schedule) never both do.
 * A provider that may have accepted (a timeout after the request went out) is not sent to again
 * unless its API takes the record id as an idempotency token: a lost notification is the lesser
 * harm than a doubled one, and the record says `unconfirmed`.
 */

export type NotificationKind =
  | 'package-delivered'
  | 'package-reminder'
  | 'pass-used'
  | 'visitor-arrived'
  | 'call-missed'
  | 'visitor-invitation'
  /** A code texted to a resident's new phone number (phone-verification.ts); never listed by GET .../notifications. */
  | 'phone-verification';
export type NotificationChannel = 'app' | 'sms' | 'email';

/** A new record, written in the same transaction as what caused it (NotificationRepository.queue). */
export interface QueuedNotification {
  id: string;
  propertyId: string;
  /** Whose notification it is (a visitor invitation: the inviting resident's). */
  residentId: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  /** Where it goes (unmasked; views mask it): an address, a phone number, or the resident id for app push. */
  to: string;
  status: 'queued';
  attempts: number;
  createdAt: string;
  /** What it is about, for the text and for the reader of GET .../notifications. */
  callId?: string;
  packageIds?: string[];
  passId?: string;
  accessEventId?: string;
  /**
   * Secrets the text needs (a visitor's code and QR token, a verification code): SealedContent as
   * JSON, sealed with the code vault (stores.vault.encrypt). Unsealed by the worker at send time
   * only, removed once the record is done, never shown by GET .../notifications or logged.
   */
  sealed?: string;
}

/** What `sealed` holds. */
export interface SealedContent {
  code: string;
  qr?: string;
  visitorName?: string;
  /** When a visitor pass is valid, already written out in the property's time zone. */
  when?: string;
}

/** Who is notified and how they asked to be (a resident's `notify.deliveries` and contact). */
export interface NotifiedResident {
  residentId: string;
  email?: string;
  phone?: string;
  /** Texts go only to a verified phone (phone-verification.ts). */
  phoneVerified?: boolean;
  deliveries: ReadonlyArray<NotificationChannel>;
}

type About = Pick<QueuedNotification, 'callId' | 'packageIds' | 'passId' | 'accessEventId'>;

/**
 * One queued record per channel the resident chose and can be reached on (sms needs a phone,
 * e-mail an address; app push goes to their registered devices). Ids are ULIDs of `now`.
 */
export function notificationsFor(propertyId: string, resident: NotifiedResident, kind: NotificationKind, about: About, now: Date): QueuedNotification[] {
  const reachable = (channel: NotificationChannel): string | undefined =>
    channel === 'sms' ? (resident.phoneVerified ? resident.phone : undefined) : channel === 'email' ? resident.email : resident.residentId;
  return [...new Set(resident.deliveries)].flatMap((channel) => {
    const to = reachable(channel);
    if (!to) return [];
    return [
      {
        id: `ntf_${ulid(now.getTime())}`,
        propertyId,
        residentId: resident.residentId,
        kind,
        channel,
        to,
        status: 'queued' as const,
        attempts: 0,
        createdAt: now.toISOString(),
        ...about,
      },
    ];
  });
}
export type NotificationStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** The stored record: what calls.ts queues, plus the worker's state. */
export interface NotificationRecord extends Omit<QueuedNotification, 'status'> {
  status: NotificationStatus;
  /** While `sending`: when the claim lapses (a worker that died mid-send). */
  claimedUntil?: string;
  /** While `queued` after a failed attempt: not before this. */
  nextAttemptAt?: string;
  sentAt?: string;
  providerMessageId?: string;
  /** The provider may have taken it but never said so (see above). */
  unconfirmed?: boolean;
  /** Why the last attempt failed: an error name or a short reason, never the address or the text. */
  lastError?: string;
}

/** The message a sender delivers: the texts come from notification-templates in this file. */
export interface OutgoingMessage {
  /** The record id: the provider's idempotency token where its API has one. */
  id: string;
  propertyId: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * A channel's sender (adapters: ses-email.ts, ...). Throws NotificationSendError to say what
 * became of a failed send; any other error counts as `unavailable` (nothing was sent).
 */
export interface NotificationSender {
  /** True when the provider takes `id` as an idempotency token, so resending after a timeout is safe. */
  readonly idempotent: boolean;
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
}

export type NotificationSenders = Partial<Record<NotificationChannel, NotificationSender>>;

/**
 * The app channel: `to` is the resident id; every device they registered (POST .../me/devices)
 * gets an alert push through stores.push (SNS mobile push). Sent when one device took it (a
 * device that is gone is dropped, as calls do); none registered, or none that takes alerts:
 * refused "no devices". SNS Publish has no idempotency token, so this is not idempotent.
 */
export function appPushSender(stores: Pick<Stores, 'residents' | 'devices' | 'push'>): NotificationSender {
  return {
    idempotent: false,
    async send(message) {
      const resident = await stores.residents.get(message.propertyId, message.to);
      const devices = resident ? await stores.devices.ofUser(message.propertyId, resident.userId) : [];
      const results = await Promise.allSettled(
        devices.map((d) => stores.push.sendNotificationPush(d.endpoint, { notificationId: message.id, title: message.subject, body: message.text })),
      );
      const messageIds: string[] = [];
      const errors: unknown[] = [];
      await Promise.all(
        devices.map(async (device, i) => {
          const r = results[i];
          if (r?.status === 'rejected') errors.push(r.reason);
          else if (r?.value === 'gone') await stores.devices.remove(message.propertyId, device.userId, device.id);
          else if (r?.value && r.value !== 'unsupported') messageIds.push(r.value.messageId);
        }),
      );
      // One device took it: sent (retrying would push the others' devices twice).
      if (messageIds.length) return { messageId: messageIds.join(',') };
      // A device that may have taken it counts over one that surely did not (not resent).
      if (errors.length) throw errors.find((e) => e instanceof NotificationSendError && e.outcome === 'unknown') ?? errors[0];
      throw new NotificationSendError('refused', 'no devices');
    },
  };
}

/** `refused`: permanent (bad address, channel off): failed now. `unavailable`: nothing sent, retry. `unknown`: may have been sent. */
export class NotificationSendError extends Error {
  constructor(
    readonly outcome: 'refused' | 'unavailable' | 'unknown',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'NotificationSendError';
  }
}

export interface NotificationRepository {
  /** A new queued record: commit it with what caused it (stores.table.transact). */
  queue(notification: QueuedNotification): Write;
  get(propertyId: string, id: string): Promise<NotificationRecord | undefined>;
  /** Newest first; `residentId` narrows to one resident's. */
  page(propertyId: string, query: { residentId?: string; limit: number; cursor?: string }): Promise<Page<NotificationRecord>>;
  /**
   * queued and due (or `sending` with a lapsed claim) -> sending until `leaseUntil`, attempts + 1;
   * the record as claimed, or undefined when someone else has it or it is done.
   */
  claim(ref: NotificationRef, at: string, leaseUntil: string): Promise<NotificationRecord | undefined>;
  /** sending (this claim: `attempts`) -> sent; false when the claim was lost. */
  sent(claimed: NotificationRecord, at: string, result: { providerMessageId?: string; unconfirmed?: boolean }): Promise<boolean>;
  /** sending (this claim) -> queued, not before `nextAttemptAt`. */
  retryLater(claimed: NotificationRecord, nextAttemptAt: string, lastError: string): Promise<boolean>;
  /** sending (this claim) -> failed. */
  failed(claimed: NotificationRecord, at: string, lastError: string): Promise<boolean>;
  /** Records, of every property, queued for a retry due by `at` or with a lapsed claim (the first 100; the next run takes more). */
  due(at: string): Promise<NotificationRef[]>;
}

export type NotificationRef = Pick<NotificationRecord, 'propertyId' | 'id'>;

/** What the worker needs: the records, the senders, the property's name for the text, a clock. */
export interface NotificationStores {
  notifications: NotificationRepository;
  senders: NotificationSenders;
  propertyName(propertyId: string): Promise<string>;
  now(): Date;
  /** Opens a record's `sealed` (the code vault); without it, records that carry secrets fail. */
  unseal?(sealed: string): string;
  /** False when the record's cause is gone (a revoked visitor pass): it fails unsent. See notificationStillWanted. */
  stillWanted?(record: NotificationRecord): Promise<boolean>;
}

/** A verification code is useless after this: the worker does not send it later. */
export const VERIFICATION_CODE_SECONDS = 10 * 60;

/**
 * Whether a record is still worth sending: an invitation only while its visitor pass is active
 * and not over (revoked or deleted before the worker got to it: not sent), a verification code
 * only while it can be confirmed. Everything else: yes.
 */
export async function notificationStillWanted(stores: Pick<Stores, 'passes' | 'now'>, record: NotificationRecord): Promise<boolean> {
  const now = stores.now().getTime();
  if (record.kind === 'phone-verification') return Date.parse(record.createdAt) + VERIFICATION_CODE_SECONDS * 1000 > now;
  if (record.kind !== 'visitor-invitation') return true;
  const pass = record.passId ? await stores.passes.get('visitor-pass', record.propertyId, record.passId) : undefined;
  return pass?.type === 'visitor-pass' && pass.status === 'active' && Date.parse(pass.endsAt) > now;
}

export const MAX_ATTEMPTS = 5;
/** Records delivered at once by one worker: each is a few table round trips and one provider call, all waiting on the network. */
export const DELIVERY_CONCURRENCY = 16;
/** How long a claim holds: longer than any send (the SDK's own timeouts are shorter). */
export const CLAIM_SECONDS = OUTBOX_CLAIM_SECONDS;
/** 30 s, 1 min, 2 min, 4 min ... capped at an hour. */
export const backoffSeconds = exponentialBackoff(30, 3600);

// ---- templates: every text a resident gets, in one place ----------------------------------

/**
 * Short, plain, naming the property; no links with secrets. Codes only where the message is the
 * way to get one (an invitation, a verification code): from `secrets`, the record's unsealed content.
 */
export function notificationText(record: Pick<NotificationRecord, 'kind' | 'packageIds'>, propertyName: string, secrets?: SealedContent): { subject: string; text: string } {
  switch (record.kind) {
    case 'call-missed':
      return {
        subject: `${propertyName}: missed call at the door`,
        text: `Someone called your unit from the door at ${propertyName} and nobody answered.`,
      };
    case 'package-delivered':
      return { subject: `${propertyName}: a delivery for you`, text: `A delivery for you was left in the package room at ${propertyName}.` };
    case 'package-reminder':
      return { subject: `${propertyName}: a package is waiting`, text: `A package for you is still waiting in the package room at ${propertyName}.` };
    case 'pass-used':
      return { subject: `${propertyName}: your delivery pass was used`, text: `Your delivery pass was just used at the door of ${propertyName}.` };
    case 'visitor-arrived':
      return { subject: `${propertyName}: your visitor is here`, text: `Your visitor just came in at ${propertyName}.` };
    case 'visitor-invitation': {
      const hello = secrets?.visitorName ? `Hello ${secrets.visitorName}, you are` : 'You are';
      const when = secrets?.when ? ` ${secrets.when}` : '';
      const code = secrets ? ` At the intercom press "Visitor" and enter code ${secrets.code}.${secrets.qr ? ` Or show the panel this pass as a QR code: ${secrets.qr}` : ''}` : '';
      return { subject: `${propertyName}: you are invited`, text: `${hello} invited to ${propertyName}${when}.${code}` };
    }
    case 'phone-verification':
      return {
        subject: `${propertyName}: your verification code`,
        text: `Your ${propertyName} verification code is ${secrets?.code ?? ''}. It expires in 10 minutes.`,
      };
  }
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

const plus = plusSeconds;
const errorName = (error: unknown) => (error instanceof NotificationSendError ? error.reason : ((error as Error)?.name ?? 'Error'));

/** Delivers one record if it is queued and due (or its claim lapsed); idempotent per record. */
export async function deliverNotification(stores: NotificationStores, ref: NotificationRef): Promise<DeliveryOutcome> {
  const now = stores.now();
  const queue = { get: (r: NotificationRef) => stores.notifications.get(r.propertyId, r.id), claim: stores.notifications.claim };
  const taken = await claimRecord(queue, ref, now);
  if (!taken) return 'skipped';
  const { before, claimed } = taken;
  const sender = stores.senders[claimed.channel];
  if (!sender) {
    await stores.notifications.failed(claimed, now.toISOString(), `channel not configured: ${claimed.channel}`);
    return 'failed';
  }
  // A lapsed claim: the worker before may have handed it over. Only an idempotent provider may be asked again.
  if (before.status === 'sending' && !sender.idempotent) {
    await stores.notifications.sent(claimed, now.toISOString(), { unconfirmed: true });
    return 'sent';
  }
  // The cause may be gone (a revoked pass), and a record with secrets needs them opened: neither is sent.
  if (stores.stillWanted && !(await stores.stillWanted(claimed))) {
    await stores.notifications.failed(claimed, now.toISOString(), 'no longer wanted');
    return 'failed';
  }
  if (claimed.sealed && !stores.unseal) {
    await stores.notifications.failed(claimed, now.toISOString(), 'cannot unseal');
    return 'failed';
  }
  const secrets = claimed.sealed && stores.unseal ? (JSON.parse(stores.unseal(claimed.sealed)) as SealedContent) : undefined;
  const { subject, text } = notificationText(claimed, await stores.propertyName(claimed.propertyId), secrets);
  try {
    const { messageId } = await sender.send({ id: claimed.id, propertyId: claimed.propertyId, to: claimed.to, subject, text });
    await stores.notifications.sent(claimed, stores.now().toISOString(), { providerMessageId: messageId });
    return 'sent';
  } catch (error) {
    const outcome = error instanceof NotificationSendError ? error.outcome : 'unavailable';
    const at = stores.now();
    if (outcome === 'unknown' && !sender.idempotent) {
      await stores.notifications.sent(claimed, at.toISOString(), { unconfirmed: true });
      return 'sent';
    }
    if (outcome === 'refused' || claimed.attempts >= MAX_ATTEMPTS) {
      await stores.notifications.failed(claimed, at.toISOString(), errorName(error));
      return 'failed';
    }
    await stores.notifications.retryLater(claimed, plus(at, backoffSeconds(claimed.attempts)), errorName(error));
    return 'retry';
  }
}

/** The schedule: every record whose retry is due or whose claim lapsed. */
export async function deliverDue(stores: NotificationStores): Promise<Record<DeliveryOutcome, number>> {
  // Records whose delivery threw stay claimed until the lease lapses, then the next run takes them again.
  return deliverAll(await stores.notifications.due(stores.now().toISOString()), DELIVERY_CONCURRENCY, (ref) => deliverNotification(stores, ref), [
    'sent',
    'retry',
    'failed',
    'skipped',
  ] as const);
}
