import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { fromEmailFromEnv, sesEmailSender } from '../adapters/ses-email.ts';
import { smsSettingsFromEnv, smsTextSender } from '../adapters/sms-text.ts';
import { loadStores } from '../adapters/stores.ts';
import { count, logger, metrics } from '../http/observability.ts';
import { settleAll } from '../domain/concurrency.ts';
import {
  appPushSender,
  DELIVERY_CONCURRENCY,
  deliverDue,
  deliverNotification,
  notificationStillWanted,
  type NotificationSenders,
  type NotificationStores,
} from '../domain/notifications.ts';
import type { Stores } from '../domain/stores.ts';
import { deliverDueWebhooks, fanOut, type WebhookWorkerStores } from '../domain/webhook-events.ts';
import { webhookTransport } from '../adapters/webhook-sender.ts';

/**
 * The outbox worker (domain/outbox.ts): notifications (domain/notifications.ts) and webhook events
 * (domain/webhook-events.ts: fanned out to their subscriptions' deliveries, each subscription's
 * queue sent in order). Two triggers, one handler: the table's stream (new notification and
 * webhook-event items: delivered as soon as they are committed; per-record failures reported,
 * ReportBatchItemFailures) and the schedule (retries whose backoff is over, claims that lapsed,
 * anything the stream missed).
 */
const from = fromEmailFromEnv();
const sms = smsSettingsFromEnv();
// A channel this deployment has not set up (no From address, no origination identity) fails its records with "channel not configured".
const configured: NotificationSenders = { ...(from ? { email: sesEmailSender(from) } : {}), ...(sms ? { sms: smsTextSender(sms) } : {}) };

/** Every channel's sender: e-mail (SES v2) and SMS (End User Messaging SMS) as configured, app push through the stores' SNS. */
export const channelSenders = (stores: Stores): NotificationSenders => ({ ...configured, app: appPushSender(stores) });

export function workerStores(stores: Stores, channels: NotificationSenders = channelSenders(stores)): NotificationStores {
  const names = new Map<string, Promise<string>>();
  return {
    notifications: stores.notifications,
    senders: channels,
    // One read per property per invocation: a batch is mostly one property's records.
    propertyName: (propertyId) => {
      let name = names.get(propertyId);
      if (!name) {
        name = stores.properties.get(propertyId).then((p) => p?.name ?? 'your building');
        name.catch(() => names.delete(propertyId));
        names.set(propertyId, name);
      }
      return name;
    },
    now: () => stores.now(),
    unseal: (sealed) => stores.vault.decrypt(sealed),
    stillWanted: (record) => notificationStillWanted(stores, record),
  };
}

const transport = webhookTransport();
export const webhookWorker = (stores: Stores): WebhookWorkerStores => ({ stores, send: transport, now: () => stores.now() });

const isStream = (event: DynamoDBStreamEvent | ScheduledEvent): event is DynamoDBStreamEvent => Array.isArray((event as DynamoDBStreamEvent).Records);

export const handler = middy<DynamoDBStreamEvent | ScheduledEvent, DynamoDBBatchResponse | Record<string, number>, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const stores = await loadStores();
    const worker = workerStores(stores);
    const hooks = webhookWorker(stores);
    if (!isStream(event)) {
      // One kind's failure does not keep the other from running; the first is thrown after both.
      const [counts, webhookCounts] = await Promise.allSettled([deliverDue(worker), deliverDueWebhooks(hooks)]);
      if (counts.status === 'fulfilled') {
        logger.info('notifications due', counts.value);
        for (const [outcome, n] of Object.entries(counts.value)) if (n > 0) count(`Notifications_${outcome}`, n);
      }
      if (webhookCounts.status === 'fulfilled') {
        logger.info('webhooks due', webhookCounts.value);
        for (const [outcome, n] of Object.entries(webhookCounts.value)) if (n > 0) count(`Webhooks_${outcome}`, n);
      }
      if (counts.status === 'rejected') throw counts.reason;
      if (webhookCounts.status === 'rejected') throw webhookCounts.reason;
      return { ...counts.value, ...Object.fromEntries(Object.entries(webhookCounts.value).map(([k, n]) => [`webhook_${k}`, n])) } as Record<string, number>;
    }
    const records = event.Records.flatMap((record) => {
      const item = record.dynamodb?.NewImage;
      const type = item?.type?.S;
      if (record.eventName !== 'INSERT' || (type !== 'notification' && type !== 'webhook-event') || !item?.propertyId?.S || !item.id?.S) return [];
      return [{ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', webhook: type === 'webhook-event', ref: { propertyId: item.propertyId.S, id: item.id.S } }];
    });
    // A property's webhook events are fanned out one after another, in stream order: each goes to the back of
    // its subscriptions' queues, so they are sent in the order they happened.
    const webhookChains = new Map<string, Promise<void>>();
    // Several at once (each record is claimed, so a record retried with the batch is not sent twice).
    const outcomes = await settleAll(records, DELIVERY_CONCURRENCY, async ({ ref, webhook }) => {
      if (!webhook) {
        count(`Notifications_${await deliverNotification(worker, ref)}`);
        return;
      }
      const previous = webhookChains.get(ref.propertyId) ?? Promise.resolve();
      const mine = previous
        .catch(() => undefined)
        .then(async () => {
          for (const [outcome, n] of Object.entries(await fanOut(hooks, ref))) if (n > 0) count(`Webhooks_${outcome}`, n);
        });
      webhookChains.set(ref.propertyId, mine);
      await mine;
    });
    const firstFailed = outcomes.findIndex((o) => o.status === 'rejected');
    if (firstFailed < 0) return { batchItemFailures: [] };
    const failed = records[firstFailed];
    // Ids only: the record holds an address.
    logger.error('outbox delivery failed', { errorName: ((outcomes[firstFailed] as PromiseRejectedResult).reason as Error)?.name, recordId: failed?.ref.id });
    // The first failure: Lambda retries from it (what follows it and was sent is skipped then: already claimed and done).
    return { batchItemFailures: [{ itemIdentifier: failed?.sequenceNumber ?? '' }] };
  });
