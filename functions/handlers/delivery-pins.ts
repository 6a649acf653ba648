import { httpHandler } from '../http/handler.ts';
import { deliveryPinsRoutes } from '../http/routes/delivery-pins.ts';
import { createDeliveryPin, deleteDeliveryPin, getDeliveryPin, listDeliveryPins, patchDeliveryPin, revealDeliveryPin } from '../domain/delivery-pins.ts';

export const handler = httpHandler('delivery-pins', deliveryPinsRoutes, {
  createDeliveryPin: async ({ stores, caller, params, body }) => ({ status: 201, body: await createDeliveryPin(stores, caller, params.propertyId, body) }),
  listDeliveryPins: async ({ stores, caller, params, query }) => ({ status: 200, body: await listDeliveryPins(stores, caller, params.propertyId, query.limit, query.cursor) }),
  getDeliveryPin: async ({ stores, caller, params }) => ({ status: 200, body: await getDeliveryPin(stores, caller, params.propertyId, params.pinId) }),
  patchDeliveryPin: async ({ stores, caller, params, body }) => ({ status: 200, body: await patchDeliveryPin(stores, caller, params.propertyId, params.pinId, body) }),
  deleteDeliveryPin: async ({ stores, caller, params }) => {
    await deleteDeliveryPin(stores, caller, params.propertyId, params.pinId);
    return { status: 204 };
  },
  revealDeliveryPin: async ({ stores, caller, params }) => ({ status: 200, body: await revealDeliveryPin(stores, caller, params.propertyId, params.pinId) }),
});
