import { httpHandler } from '../http/handler.ts';
import { listAccessEvents } from '../domain/access-events.ts';

export const handler = httpHandler('access-events', {
  listAccessEvents: async ({ stores, caller, params, query }) => ({ status: 200, body: await listAccessEvents(stores, caller, params.propertyId, query) }),
});
