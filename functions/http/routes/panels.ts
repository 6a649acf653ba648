import { listQuery } from '../../schemas/common.ts';
import { createPanelBody } from '../../schemas/panels.ts';
import { r, type Route } from '../route.ts';

/** The panels function's routes (the whole table: ../routes.ts). */
export const panelsRoutes = [
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
] as const satisfies readonly Route[];
