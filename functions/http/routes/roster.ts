import { ROSTER_MAX_BODY_BYTES, rosterBody, rosterResult } from '../../schemas/roster.ts';
import { r, type Route } from '../route.ts';

/** The roster function's routes (the whole table: ../routes.ts). */
export const rosterRoutes = [
  r({
    method: 'PUT',
    path: '/properties/{propertyId}/roster',
    fn: 'roster',
    operationId: 'syncRoster',
    summary:
      "Sync the whole resident roster from a property-management system (admin; integrations with lobby/residents.write): matched by externalId; new rows move in (on their moveInDate, in the property's time zone), changed rows are updated, rows missing or past their moveOutDate move out (everything revoked). Idempotent; dryRun reports the same diff and writes nothing; bad rows are reported in errors and skipped whole. Body up to 2 MB (2,000 rows).",
    auth: 'jwt',
    scopes: ['lobby/residents.write'],
    body: rosterBody,
    maxBodyBytes: ROSTER_MAX_BODY_BYTES,
    status: 200,
    response: rosterResult,
  }),
] as const satisfies readonly Route[];
