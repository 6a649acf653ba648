import * as z from 'zod';
import { displayText, pathId } from './common.ts';

export const listPackagesQuery = z.strictObject({
  status: z.enum(['awaiting-pickup', 'picked-up']).optional(),
  unit: displayText(20).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** A package received at the front desk (staff, admin). */
export const logPackageBody = z.strictObject({
  unit: displayText(20),
  count: z.number().int().min(1).max(99).optional(),
  carrier: displayText(120).optional(),
  /** One resident of the unit (default: the whole unit is notified). */
  residentId: pathId.optional(),
});

// Responses, built on first call (a route only points at them).
const once = <S extends z.ZodType>(build: () => S): (() => S) => {
  let schema: S | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
};
const instant = () => z.string().meta({ format: 'date-time' });

export const packageView = once(() =>
  z
    .strictObject({
      id: z.string(),
      unit: z.string(),
      residentId: z.string().nullable().describe('The resident picked at the panel or by staff; null for the whole unit, or when nobody lives there (unknownUnit).'),
      count: z.number().int(),
      status: z.enum(['awaiting-pickup', 'picked-up']),
      deliveredAt: instant(),
      deliveryEventId: z.string().nullable().describe('The package-room Finish; null for a package logged at the front desk.'),
      panelId: z.string().optional(),
      carrier: z.string().optional(),
      loggedBy: z.string().optional(),
      unknownUnit: z.boolean().optional().describe('Nobody lived in the unit when it was delivered: nobody was notified.'),
      remindedAt: instant().optional(),
      pickedUpAt: instant().optional(),
      pickupEventId: z.string().optional(),
      handedOverBy: z.string().optional(),
    })
    .meta({ id: 'Package' }),
);

export const packagesPage = once(() =>
  z
    .strictObject({ items: z.array(packageView()), nextCursor: z.string().nullable().describe('Opaque; send it back as `cursor` for the next page. null on the last page.') })
    .meta({ id: 'PackagePage' }),
);
