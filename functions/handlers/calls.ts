import { httpHandler } from '../http/handler.ts';
import { callsRoutes } from '../http/routes/calls.ts';
import { acceptCall, declineCall, getCall, listCalls, openDoor } from '../domain/calls.ts';
import { listNotifications } from '../domain/notification-views.ts';

export const handler = httpHandler('calls', callsRoutes, {
  listCalls: async ({ stores, caller, params, query }) => ({ status: 200, body: await listCalls(stores, caller, params.propertyId, query) }),
  getCall: async ({ stores, caller, params }) => ({ status: 200, body: await getCall(stores, caller, params.propertyId, params.callId) }),
  acceptCall: async ({ stores, caller, params }) => ({
    status: 200,
    body: await acceptCall(stores, { kind: 'resident', userId: caller.userId }, params.propertyId, params.callId),
  }),
  declineCall: async ({ stores, caller, params }) => ({
    status: 200,
    body: await declineCall(stores, { kind: 'resident', userId: caller.userId }, params.propertyId, params.callId),
  }),
  openCallDoor: async ({ stores, caller, params }) => ({
    status: 202,
    body: await openDoor(stores, { kind: 'resident', userId: caller.userId }, params.propertyId, params.callId),
  }),
  listNotifications: async ({ stores, caller, params, query }) => ({ status: 200, body: await listNotifications(stores, caller, params.propertyId, query) }),
});
