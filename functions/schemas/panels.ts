import * as z from 'zod';
import { displayText } from './common.ts';

export const createPanelBody = z.strictObject({
  name: displayText(60),
  kind: z.enum(['entrance', 'package-room']),
});

/** Times a query may ask about: event ids are ULIDs, whose time part cannot go before 1970, and nothing here predates 2000. */
const queryTime = z.iso.datetime({ offset: true }).refine((t) => {
  const ms = Date.parse(t);
  return ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2200, 0, 1);
}, 'must be between the years 2000 and 2199');

export const accessEventsQuery = z
  .strictObject({
    from: queryTime.optional(),
    to: queryTime.optional(),
    panelId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), { message: 'must not be before from', path: ['to'] });
