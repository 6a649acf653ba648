import { checkWebhookUrl } from '../adapters/webhook-sender.ts';
import { httpHandler } from '../http/handler.ts';
import { webhooksRoutes } from '../http/routes/webhooks.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, retryDelivery, rotateWebhookSecret, updateWebhook } from '../domain/webhooks.ts';

const check = checkWebhookUrl();

export const handler = httpHandler('webhooks', webhooksRoutes, {
  createWebhook: async ({ stores, caller, params, body }) => ({ status: 201, body: await createWebhook(stores, caller, params.propertyId, body, check) }),
  listWebhooks: async ({ stores, caller, params }) => ({ status: 200, body: await listWebhooks(stores, caller, params.propertyId) }),
  getWebhook: async ({ stores, caller, params }) => ({ status: 200, body: await getWebhook(stores, caller, params.propertyId, params.webhookId) }),
  updateWebhook: async ({ stores, caller, params, body }) => ({ status: 200, body: await updateWebhook(stores, caller, params.propertyId, params.webhookId, body, check) }),
  deleteWebhook: async ({ stores, caller, params }) => {
    await deleteWebhook(stores, caller, params.propertyId, params.webhookId);
    return { status: 204 };
  },
  rotateWebhookSecret: async ({ stores, caller, params }) => ({ status: 200, body: await rotateWebhookSecret(stores, caller, params.propertyId, params.webhookId) }),
  listWebhookDeliveries: async ({ stores, caller, params, query }) => ({
    status: 200,
    body: await listDeliveries(stores, caller, params.propertyId, params.webhookId, query),
  }),
  retryWebhookDelivery: async ({ stores, caller, params }) => ({
    status: 202,
    body: await retryDelivery(stores, caller, params.propertyId, params.webhookId, params.deliveryId),
  }),
});
