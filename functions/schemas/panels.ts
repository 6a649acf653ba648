import { z } from 'zod';
import { displayText } from './common.ts';

export const createPanelBody = z.strictObject({
  name: displayText(60),
  kind: z.enum(['entrance', 'package-room']),
});

export const accessEventsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  panelId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
