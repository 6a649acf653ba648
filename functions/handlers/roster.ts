import { httpHandler } from '../http/handler.ts';
import { rosterRoutes } from '../http/routes/roster.ts';
import { syncRoster } from '../domain/roster.ts';

export const handler = httpHandler('roster', rosterRoutes, {
  syncRoster: async ({ stores, caller, params, body }) => ({ status: 200, body: await syncRoster(stores, caller, params.propertyId, body) }),
});
