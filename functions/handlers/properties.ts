import { httpHandler } from '../http/handler.ts';
import { propertiesRoutes } from '../http/routes/properties.ts';
import { createProperty, getProperty, listMyProperties, patchSettings } from '../domain/properties.ts';
import { listAudit } from '../domain/audit.ts';
import { adminsOnly, requireRole } from '../domain/access.ts';

export const handler = httpHandler('properties', propertiesRoutes, {
  createProperty: async ({ stores, caller, body }) => ({ status: 201, body: await createProperty(stores, caller, body) }),
  listMyProperties: async ({ stores, caller, query }) => ({ status: 200, body: await listMyProperties(stores, caller, query.limit, query.cursor) }),
  getProperty: async ({ stores, caller, params }) => ({ status: 200, body: await getProperty(stores, caller, params.propertyId) }),
  patchSettings: async ({ stores, caller, params, body }) => ({ status: 200, body: await patchSettings(stores, caller, params.propertyId, body) }),
  listAudit: async ({ stores, caller, params, query }) => {
    await requireRole(stores, caller, params.propertyId, adminsOnly);
    return { status: 200, body: await listAudit(stores, params.propertyId, query.limit, query.cursor) };
  },
});
