import { httpHandler } from '../http/handler.ts';
import { passesRoutes } from '../http/routes/passes.ts';
import { cancelDeliveryPass, createDeliveryPass, getDeliveryPass, listDeliveryPasses, revealDeliveryPass } from '../domain/delivery-passes.ts';
import { createVisitorPass, getVisitorPass, listVisitorPasses, revealVisitorPass, revokeVisitorPass } from '../domain/visitor-passes.ts';

export const handler = httpHandler('passes', passesRoutes, {
  createDeliveryPass: async ({ stores, caller, params, body }) => ({ status: 201, body: await createDeliveryPass(stores, caller, params.propertyId, body) }),
  listDeliveryPasses: async ({ stores, caller, params, query }) => ({ status: 200, body: await listDeliveryPasses(stores, caller, params.propertyId, query.limit, query.cursor) }),
  getDeliveryPass: async ({ stores, caller, params }) => ({ status: 200, body: await getDeliveryPass(stores, caller, params.propertyId, params.passId) }),
  revealDeliveryPass: async ({ stores, caller, params }) => ({ status: 200, body: await revealDeliveryPass(stores, caller, params.propertyId, params.passId) }),
  cancelDeliveryPass: async ({ stores, caller, params }) => {
    await cancelDeliveryPass(stores, caller, params.propertyId, params.passId);
    return { status: 204 };
  },
  createVisitorPass: async ({ stores, caller, params, body }) => ({ status: 201, body: await createVisitorPass(stores, caller, params.propertyId, body) }),
  listVisitorPasses: async ({ stores, caller, params, query }) => ({ status: 200, body: await listVisitorPasses(stores, caller, params.propertyId, query.limit, query.cursor) }),
  getVisitorPass: async ({ stores, caller, params }) => ({ status: 200, body: await getVisitorPass(stores, caller, params.propertyId, params.passId) }),
  revealVisitorPass: async ({ stores, caller, params }) => ({ status: 200, body: await revealVisitorPass(stores, caller, params.propertyId, params.passId) }),
  revokeVisitorPass: async ({ stores, caller, params }) => {
    await revokeVisitorPass(stores, caller, params.propertyId, params.passId);
    return { status: 204 };
  },
});
