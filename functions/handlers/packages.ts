import { httpHandler } from '../http/handler.ts';
import { packagesRoutes } from '../http/routes/packages.ts';
import { handOverPackage, listPackages, logPackage } from '../domain/packages.ts';

export const handler = httpHandler('packages', packagesRoutes, {
  listPackages: async ({ stores, caller, params, query }) => ({ status: 200, body: await listPackages(stores, caller, params.propertyId, query) }),
  logPackage: async ({ stores, caller, params, body }) => ({ status: 201, body: await logPackage(stores, caller, params.propertyId, body) }),
  handOverPackage: async ({ stores, caller, params }) => ({ status: 200, body: await handOverPackage(stores, caller, params.propertyId, params.packageId) }),
});
