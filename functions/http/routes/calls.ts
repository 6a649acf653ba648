import { listCallsQuery, listNotificationsQuery } from '../../schemas/calls.ts';
import { r, type Route } from '../route.ts';

/** The calls function's routes (the whole table: ../routes.ts). */
export const callsRoutes = [
  r({
    method: 'GET',
    path: '/properties/{propertyId}/calls',
    fn: 'calls',
    operationId: 'listCalls',
    summary: 'Calls from panels, newest first (admin, staff; a resident sees calls to their unit)',
    auth: 'jwt',
    query: listCallsQuery,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/calls/{callId}',
    fn: 'calls',
    operationId: 'getCall',
    summary: 'A call: status, who answered, whether the door opened (the answerer also gets a fresh media session while it is up)',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/calls/{callId}/accept',
    fn: 'calls',
    operationId: 'acceptCall',
    summary: 'Take a ringing call (a resident of the called unit, or the called staff member): one wins, the others stop ringing; returns the media session',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/calls/{callId}/decline',
    fn: 'calls',
    operationId: 'declineCall',
    summary: 'Decline a ringing call (the panel says so; the visitor may call again), or hang up one you accepted',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/calls/{callId}/open-door',
    fn: 'calls',
    operationId: 'openCallDoor',
    summary: 'Open the door for the caller (whoever accepted, while the call is up): an expiring unlock, the access event has method "call"; the call ends',
    auth: 'jwt',
    status: 202,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/notifications',
    fn: 'calls',
    operationId: 'listNotifications',
    summary: 'Notification records, newest first, with masked recipients (admin, staff; a resident sees their own)',
    auth: 'jwt',
    query: listNotificationsQuery,
    status: 200,
  }),
] as const satisfies readonly Route[];
