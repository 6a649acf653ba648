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

/**
 * The notifications outbox worker (domain/notifications.ts). Two triggers, one handler:
 * the table's stream (new NOTIF# items: delivered as soon as they are committed; per-record
 * failures reported, ReportBatchItemFailures) and the schedule (retries whose backoff is over,
 * claims that lapsed, anything the stream missed).
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

const isStream = (event: DynamoDBStreamEvent | ScheduledEvent): event is DynamoDBStreamEvent => Array.isArray((event as DynamoDBStreamEvent).Records);

export const handler = middy<DynamoDBStreamEvent | ScheduledEvent, DynamoDBBatchResponse | Record<string, number>, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const worker = workerStores(await loadStores());
    if (!isStream(event)) {
      const counts = await deliverDue(worker);
      logger.info('notifications due', counts);
      for (const [outcome, n] of Object.entries(counts)) if (n > 0) count(`Notifications_${outcome}`, n);
      return counts;
    }
    const records = event.Records.flatMap((record) => {
      const item = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || item?.type?.S !== 'notification' || !item.propertyId?.S || !item.id?.S) return [];
      return [{ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', ref: { propertyId: item.propertyId.S, id: item.id.S } }];
    });
    // Several at once (each record is claimed, so a record retried with the batch is not sent twice).
    const outcomes = await settleAll(records, DELIVERY_CONCURRENCY, async ({ ref }) => count(`Notifications_${await deliverNotification(worker, ref)}`));
    const firstFailed = outcomes.findIndex((o) => o.status === 'rejected');
    if (firstFailed < 0) return { batchItemFailures: [] };
    const failed = records[firstFailed];
    // Ids only: the record holds an address.
    logger.error('notification delivery failed', { errorName: ((outcomes[firstFailed] as PromiseRejectedResult).reason as Error)?.name, notificationId: failed?.ref.id });
    // The first failure: Lambda retries from it (what follows it and was sent is skipped then: already claimed and done).
    return { batchItemFailures: [{ itemIdentifier: failed?.sequenceNumber ?? '' }] };
  });
