import { listQuery } from '../../schemas/common.ts';
import { auditPage, createPropertyBody, myPropertiesPage, patchSettingsBody, propertyView } from '../../schemas/properties.ts';
import { r, type Route } from '../route.ts';

/** The properties function's routes (the whole table: ../routes.ts). */
export const propertiesRoutes = [
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
    response: propertyView,
  }),
  r({
    method: 'GET',
    path: '/properties',
    fn: 'properties',
    operationId: 'listMyProperties',
    summary: "The caller's properties and role at each (any signed-in user; an operator sees every property)",
    auth: 'jwt',
    query: listQuery,
    status: 200,
    response: myPropertiesPage,
  }),
  r({
    method: 'GET',
    path: '/properties/{propertyId}',
    fn: 'properties',
    operationId: 'getProperty',
    summary: 'A property with its settings (any member)',
    auth: 'jwt',
    status: 200,
    response: propertyView,
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
    response: propertyView,
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
    response: auditPage,
  }),
] as const satisfies readonly Route[];
