import { meView, patchMeBody, registerDeviceBody, registeredDevice } from '../../schemas/calls.ts';
import { doorPinBody } from '../../schemas/delivery-pins.ts';
import { r, type Route } from '../route.ts';

/** The me function's routes (the whole table: ../routes.ts). */
export const meRoutes = [
  r({
    method: 'GET',
    path: '/properties/{propertyId}/me',
    fn: 'me',
    operationId: 'getMe',
    summary: "The resident's own record: name, unit, contact, how they are told of deliveries and calls (resident)",
    auth: 'jwt',
    status: 200,
    response: meView,
  }),
  r({
    method: 'PATCH',
    path: '/properties/{propertyId}/me',
    fn: 'me',
    operationId: 'patchMe',
    summary: 'Change name, contact or notification channels (resident)',
    auth: 'jwt',
    body: patchMeBody,
    status: 200,
    response: meView,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/me/devices',
    fn: 'me',
    operationId: 'registerDevice',
    summary: 'Register a phone for app pushes (call rings): APNs VoIP or FCM token (resident, staff)',
    auth: 'jwt',
    body: registerDeviceBody,
    idempotent: true,
    status: 201,
    response: registeredDevice,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/me/devices/{deviceId}',
    fn: 'me',
    operationId: 'deleteDevice',
    summary: 'Stop app pushes to a phone (resident, staff)',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'PUT',
    path: '/properties/{propertyId}/me/door-pin',
    fn: 'me',
    operationId: 'putDoorPin',
    summary: "Set or change the resident's own door PIN: with their unit number at package rooms (and entrances, if the property allows it) (resident)",
    auth: 'jwt',
    body: doorPinBody,
    status: 204,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/me/door-pin',
    fn: 'me',
    operationId: 'deleteDoorPin',
    summary: "Remove the resident's own door PIN (resident)",
    auth: 'jwt',
    status: 204,
  }),
] as const satisfies readonly Route[];
