import { listQuery } from '../../schemas/common.ts';
import { createDeliveryPinBody, patchDeliveryPinBody } from '../../schemas/delivery-pins.ts';
import { r, type Route } from '../route.ts';

/** The delivery-pins function's routes (the whole table: ../routes.ts). */
export const deliveryPinsRoutes = [
  r({
    method: 'POST',
    path: '/properties/{propertyId}/delivery-pins',
    fn: 'delivery-pins',
    operationId: 'createDeliveryPin',
    summary: 'Create a delivery PIN (admin)',
    auth: 'jwt',
    body: createDeliveryPinBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/delivery-pins',
    fn: 'delivery-pins',
    operationId: 'listDeliveryPins',
    summary: 'Delivery PINs, masked (admin)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/delivery-pins/{pinId}',
    fn: 'delivery-pins',
    operationId: 'getDeliveryPin',
    summary: 'A delivery PIN, masked (admin)',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'PATCH',
    path: '/properties/{propertyId}/delivery-pins/{pinId}',
    fn: 'delivery-pins',
    operationId: 'patchDeliveryPin',
    summary: 'Change description, PIN or schedule (admin)',
    auth: 'jwt',
    body: patchDeliveryPinBody,
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/delivery-pins/{pinId}',
    fn: 'delivery-pins',
    operationId: 'deleteDeliveryPin',
    summary: 'Delete a delivery PIN: it stops working (admin)',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/delivery-pins/{pinId}/reveal',
    fn: 'delivery-pins',
    operationId: 'revealDeliveryPin',
    summary: 'Show the whole PIN; recorded in the audit trail (admin)',
    auth: 'jwt',
    status: 200,
  }),
] as const satisfies readonly Route[];
