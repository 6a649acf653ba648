import { httpHandler } from '../http/handler.ts';
import { accessEventsRoutes } from '../http/routes/access-events.ts';
import { listAccessEvents } from '../domain/access-events.ts';

export const handler = httpHandler('access-events', accessEventsRoutes, {
  listAccessEvents: async ({ stores, caller, params, query }) => ({ status: 200, body: await listAccessEvents(stores, caller, params.propertyId, query) }),
});
