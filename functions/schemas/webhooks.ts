import * as z from 'zod';
import { instant, lazy, page } from './common.ts';

/** The contract's event types (API.md "Integrations"): anything else is refused with 400. */
export const WEBHOOK_EVENT_TYPES = [
  'access.granted',
  'access.denied',
  'delivery-pass.used',
  'package.delivered',
  'package.picked-up',
  'call.missed',
  'resident.moved-out',
  'panel.offline',
  'panel.online',
  'credential.sync-failed',
] as const;

const eventTypes = () =>
  z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1, 'must name at least one event type')
    .max(WEBHOOK_EVENT_TYPES.length)
    .transform((events) => [...new Set(events)]);
/** Checked further (scheme, resolved address) by the domain: webhooks.ts checkWebhookUrl. */
const webhookUrl = () => z.string().max(2048).url('must be an absolute URL');

export const createWebhookBody = z.strictObject({
  url: webhookUrl(),
  events: eventTypes(),
  description: z.string().trim().min(1).max(200).optional(),
});

export const updateWebhookBody = z
  .strictObject({
    url: webhookUrl().optional(),
    events: eventTypes().optional(),
    enabled: z.boolean().optional(),
    description: z.string().trim().min(1).max(200).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one of url, events, enabled, description is required')
  // An empty patch is refused (400): the document says so.
  .meta({ minProperties: 1 });

export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

const fields = () => ({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().optional(),
  enabled: z.boolean(),
  createdAt: instant(),
  updatedAt: instant().optional(),
  secretRotatedAt: instant().optional().describe('The last rotation; the secret before it still signs until 24 h after it.'),
});

export const webhookView = lazy(() => z.strictObject(fields()).meta({ id: 'Webhook' }));
export const createdWebhookView = lazy(() =>
  z.strictObject({ ...fields(), secret: z.string().describe('whsec_ + base64 of 32 random bytes (Standard Webhooks). Shown once.') }).meta({ id: 'CreatedWebhook' }),
);
export const webhooksPage = lazy(() => page(webhookView(), 'WebhookPage'));
export const rotatedSecretView = lazy(() =>
  z
    .strictObject({ secret: z.string().describe('The new secret, shown once; the previous one keeps signing (a second v1 signature) for 24 h.') })
    .meta({ id: 'RotatedWebhookSecret' }),
);

export const deliveryView = lazy(() =>
  z
    .strictObject({
      id: z.string(),
      eventId: z.string().describe('The `webhook-id` header: the same on every attempt.'),
      type: z.enum(WEBHOOK_EVENT_TYPES),
      status: z.enum(['queued', 'sending', 'delivered', 'retrying', 'parked']),
      attempts: z.number().int(),
      createdAt: instant(),
      lastAttemptAt: instant().nullable(),
      lastStatusCode: z.number().int().nullable(),
      lastError: z.string().nullable(),
      nextAttemptAt: instant().nullable(),
      deliveredAt: instant().optional(),
    })
    .meta({ id: 'WebhookDelivery' }),
);
export const deliveriesPage = lazy(() => page(deliveryView(), 'WebhookDeliveryPage'));
export const retriedDeliveryView = deliveryView;
