import { accessEventsPage, accessEventsQuery } from '../../schemas/panels.ts';
import { r, type Route } from '../route.ts';

/** The access-events function's routes (the whole table: ../routes.ts). */
export const accessEventsRoutes = [
  r({
    method: 'GET',
    path: '/properties/{propertyId}/access-events',
    fn: 'access-events',
    operationId: 'listAccessEvents',
    summary: 'Access events newest first, with short-lived photo URLs (admin, staff)',
    auth: 'jwt',
    scopes: ['lobby/events.read'],
    query: accessEventsQuery,
    status: 200,
    response: accessEventsPage,
  }),
] as const satisfies readonly Route[];
