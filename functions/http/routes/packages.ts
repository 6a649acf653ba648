import { listPackagesQuery, logPackageBody, packagesPage, packageView } from '../../schemas/packages.ts';
import { r, type Route } from '../route.ts';

/** The packages function's routes (the whole table: ../routes.ts). */
export const packagesRoutes = [
  r({
    method: 'GET',
    path: '/properties/{propertyId}/packages',
    fn: 'packages',
    operationId: 'listPackages',
    summary: "Packages, newest first, by status and unit (admin, staff; a resident sees their unit's)",
    auth: 'jwt',
    query: listPackagesQuery,
    status: 200,
    response: packagesPage,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/packages',
    fn: 'packages',
    operationId: 'logPackage',
    summary: "Log a package received at the front desk (staff, admin): waiting for pickup, the unit's residents (or the one named) notified as they chose",
    auth: 'jwt',
    body: logPackageBody,
    idempotent: true,
    status: 201,
    response: packageView,
  }),
  r({
    method: 'POST',
    path: '/properties/{propertyId}/packages/{packageId}/picked-up',
    fn: 'packages',
    operationId: 'handOverPackage',
    summary: 'Hand a waiting package over (staff, admin); 409 when it was picked up already',
    auth: 'jwt',
    status: 200,
    response: packageView,
  }),
] as const satisfies readonly Route[];
