import type { z } from 'zod';
import { listQuery } from '../schemas/common.ts';
import { createPropertyBody, patchSettingsBody } from '../schemas/properties.ts';
import { directoryQuery, moveInBody, putMemberBody } from '../schemas/people.ts';
import { createDeliveryPinBody, patchDeliveryPinBody } from '../schemas/delivery-pins.ts';
import { accessEventsQuery, createPanelBody } from '../schemas/panels.ts';
import { createDeliveryPassBody, createVisitorPassBody } from '../schemas/passes.ts';
import { listCallsQuery, listNotificationsQuery, patchMeBody, registerDeviceBody } from '../schemas/calls.ts';

/**
 * The one route table. The CDK API construct makes one Lambda per `fn` and one HTTP
 * API route per entry; the local server reads the same table; the OpenAPI document
 * is generated from it. Handlers find their operation by `routeKey`.
 */
export type FunctionName = 'properties' | 'people' | 'delivery-pins' | 'passes' | 'panels' | 'access-events' | 'calls' | 'me' | 'openapi';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  operationId: string;
  summary: string;
  /** 'jwt': the API's JWT authorizer must pass. 'none': public. */
  auth: 'jwt' | 'none';
  body?: z.ZodType;
  query?: z.ZodType;
  /** Honors the Idempotency-Key header. */
  idempotent?: boolean;
  /** Success status for the OpenAPI document. */
  status: 200 | 201 | 202 | 204;
}

/** Keeps each entry's literal types (path, fn, operationId, schemas): handlers are typed from them. */
const r = <const R extends Route>(route: R) => route;

const table = [
  r({ method: 'GET', path: '/openapi.json', fn: 'openapi', operationId: 'getOpenApi', summary: 'This API as OpenAPI 3.1', auth: 'none', status: 200 }),

  r({
    method: 'POST',
    path: '/properties',
    fn: 'properties',
    operationId: 'createProperty',
    summary: 'Create a property (operator)',
    auth: 'jwt',
    body: createPropertyBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}',
    fn: 'properties',
    operationId: 'getProperty',
    summary: 'A property with its settings (any member)',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'PATCH',
    path: '/properties/{propertyId}/settings',
    fn: 'properties',
    operationId: 'patchSettings',
    summary: 'Change property settings (admin)',
    auth: 'jwt',
    body: patchSettingsBody,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/audit',
    fn: 'properties',
    operationId: 'listAudit',
    summary: 'The audit trail, newest first (admin)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),

  r({
    method: 'GET',
    path: '/properties/{propertyId}/members',
    fn: 'people',
    operationId: 'listMembers',
    summary: 'Admins and staff (admin)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'PUT',
    path: '/properties/{propertyId}/members/{userId}',
    fn: 'people',
    operationId: 'putMember',
    summary: 'Make a user admin or staff (admin; operator for the first admin)',
    auth: 'jwt',
    body: putMemberBody,
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/members/{userId}',
    fn: 'people',
    operationId: 'deleteMember',
    summary: 'Remove an admin or staff member (admin)',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/residents',
    fn: 'people',
    operationId: 'moveIn',
    summary: 'Move a resident in (admin, staff)',
    auth: 'jwt',
    body: moveInBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/residents',
    fn: 'people',
    operationId: 'listResidents',
    summary: 'Residents (admin, staff)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/residents/{residentId}',
    fn: 'people',
    operationId: 'moveOut',
    summary: 'Move a resident out: revokes their credentials and membership at once (admin, staff)',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/directory',
    fn: 'people',
    operationId: 'searchDirectory',
    summary: 'Directory: display name and unit, searchable (members)',
    auth: 'jwt',
    query: directoryQuery,
    status: 200,
  }),

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

  r({
    method: 'POST',
    path: '/properties/{propertyId}/delivery-passes',
    fn: 'passes',
    operationId: 'createDeliveryPass',
    summary: 'Make a single-use delivery pass with a generated code (residents unless turned off; staff; admins)',
    auth: 'jwt',
    body: createDeliveryPassBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/delivery-passes',
    fn: 'passes',
    operationId: 'listDeliveryPasses',
    summary: 'Delivery passes, newest first (a resident sees their own)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/delivery-passes/{passId}',
    fn: 'passes',
    operationId: 'getDeliveryPass',
    summary: 'A delivery pass with its status and whether the doors have it',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/delivery-passes/{passId}/reveal',
    fn: 'passes',
    operationId: 'revealDeliveryPass',
    summary: "Show an active pass's code to staff or admins (its maker sees it on GET); recorded in the audit trail",
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/delivery-passes/{passId}',
    fn: 'passes',
    operationId: 'cancelDeliveryPass',
    summary: 'Cancel a delivery pass: it stops working on every door',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/visitor-passes',
    fn: 'passes',
    operationId: 'createVisitorPass',
    summary: 'Invite a visitor for a time window: keypad code and offline-verifiable QR token',
    auth: 'jwt',
    body: createVisitorPassBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/visitor-passes',
    fn: 'passes',
    operationId: 'listVisitorPasses',
    summary: 'Visitor passes, newest first (a resident sees their own)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/visitor-passes/{passId}',
    fn: 'passes',
    operationId: 'getVisitorPass',
    summary: 'A visitor pass with its code, QR token and sync state',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/visitor-passes/{passId}/reveal',
    fn: 'passes',
    operationId: 'revealVisitorPass',
    summary: "Show a live visitor pass's code and QR token to staff or admins (its maker sees them on GET); recorded in the audit trail",
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/visitor-passes/{passId}',
    fn: 'passes',
    operationId: 'revokeVisitorPass',
    summary: 'Revoke a visitor pass: code and QR stop working on every door',
    auth: 'jwt',
    status: 204,
  }),

  r({
    method: 'POST',
    path: '/properties/{propertyId}/panels',
    fn: 'panels',
    operationId: 'createPanel',
    summary: 'Create a panel and its IoT identity; the connection material is returned once (admin)',
    auth: 'jwt',
    body: createPanelBody,
    idempotent: true,
    status: 201,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/panels',
    fn: 'panels',
    operationId: 'listPanels',
    summary: 'Panels with their credential sync state (admin, staff)',
    auth: 'jwt',
    query: listQuery,
    status: 200,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/panels/{panelId}',
    fn: 'panels',
    operationId: 'getPanel',
    summary: 'A panel: desired vs reported credential-set version, inSync, lastSeenAt (admin, staff)',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'DELETE',
    path: '/properties/{propertyId}/panels/{panelId}',
    fn: 'panels',
    operationId: 'decommissionPanel',
    summary: 'Decommission a panel (lost, stolen, replaced): its certificate is deactivated, it can no longer connect or claim, and it leaves every sync list (admin)',
    auth: 'jwt',
    status: 204,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/panels/{panelId}/unlock',
    fn: 'panels',
    operationId: 'unlockPanel',
    summary: 'Send a remote unlock with an expiry (admin, staff, resident)',
    auth: 'jwt',
    status: 202,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/panels/{panelId}/commands/{commandId}',
    fn: 'panels',
    operationId: 'getCommand',
    summary: 'Status of an unlock command: sent, executed or expired',
    auth: 'jwt',
    status: 200,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/panel-keys/rotate',
    fn: 'panels',
    operationId: 'rotatePanelKeys',
    summary: 'Rotate the panel code-hash key and the visitor QR signing key, e.g. after a panel was stolen (admin)',
    auth: 'jwt',
    status: 202,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}/access-events',
    fn: 'access-events',
    operationId: 'listAccessEvents',
    summary: 'Access events newest first, with short-lived photo URLs (admin, staff)',
    auth: 'jwt',
    query: accessEventsQuery,
    status: 200,
  }),

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

  r({
    method: 'GET',
    path: '/properties/{propertyId}/me',
    fn: 'me',
    operationId: 'getMe',
    summary: "The resident's own record: name, unit, contact, how they are told of deliveries and calls (resident)",
    auth: 'jwt',
    status: 200,
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
] as const satisfies readonly Route[];

/** The table as plain `Route`s, for CDK, the local gateway and the OpenAPI document. */
export const routes: readonly Route[] = table;

/** The routes one function serves, with their literal types. */
export type RoutesOf<F extends FunctionName> = Extract<(typeof table)[number], { fn: F }>;

/** The `{name}` segments of a path, in order: '/a/{x}/b/{y}' -> ['x', 'y']. */
export const pathParamNames = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));

/** The same at the type level: '/a/{x}/b/{y}' -> 'x' | 'y'. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
/** The path parameters of a route: exactly its `{names}`, each validated by the shell. */
export type PathParams<P extends string> = { [K in ParamNames<P>]: string };
/** The validated body: the output of the route's body schema (none: undefined). */
export type BodyOf<R extends Route> = R extends { body: infer S extends z.ZodType } ? z.output<S> : undefined;
/** The validated query: the output of the route's query schema (none: an empty object). */
export type QueryOf<R extends Route> = R extends { query: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

export function findRoute(key: string): Route | undefined {
  return routes.find((route) => routeKey(route) === key);
}
