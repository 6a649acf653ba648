import * as z from 'zod';
import { schemaOnFirstUse } from './on-first-use.ts';
import { displayText, instant, lazy, page } from './common.ts';

export const createPanelBody = schemaOnFirstUse(() =>
  z.strictObject({
    name: displayText(60),
    kind: z.enum(['entrance', 'package-room']),
  }),
);

/** Times a query may ask about: event ids are ULIDs, whose time part cannot go before 1970, and nothing here predates 2000. */
const queryTime = schemaOnFirstUse(() =>
  z.iso.datetime({ offset: true }).refine((t) => {
    const ms = Date.parse(t);
    return ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2200, 0, 1);
  }, 'must be between the years 2000 and 2199'),
);

export const accessEventsQuery = schemaOnFirstUse(() =>
  z
    .strictObject({
      from: queryTime.optional(),
      to: queryTime.optional(),
      panelId: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2048).optional(),
    })
    .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), { message: 'must not be before from', path: ['to'] }),
);

// Responses (built on first use: common.ts `lazy`).
const panelFields = () => ({
  id: z.string(),
  propertyId: z.string(),
  name: z.string(),
  kind: z.enum(['entrance', 'package-room']),
  createdAt: instant(),
  credentials: z.strictObject({
    desiredVersion: z.number().int(),
    reportedVersion: z.number().int().nullable(),
    inSync: z.boolean(),
    lastSeenAt: instant().nullable(),
    online: z.boolean(),
  }),
  keypadLockedUntil: instant().nullable(),
});
export const panelView = lazy(() => z.strictObject(panelFields()).meta({ id: 'Panel' }));
export const panelsPage = lazy(() => page(panelView(), 'PanelPage'));
/** POST: the panel and, once, what it needs to connect (the private key is not kept). */
export const createdPanel = lazy(() =>
  z
    .strictObject({
      ...panelFields(),
      connection: z.strictObject({
        mqttUrl: z.string(),
        clientId: z.string(),
        certificatePem: z.string(),
        privateKeyPem: z.string(),
        caPem: z.string().optional().describe('Local stack only; in AWS the panel trusts Amazon Root CA 1.'),
        certificateArn: z.string().optional(),
        topicRoot: z.string(),
      }),
    })
    .meta({ id: 'CreatedPanel' }),
);
/** 202: the unlock is on its way; poll the command for its outcome. */
export const unlockAccepted = lazy(() => z.strictObject({ commandId: z.string(), expiresAt: instant() }).meta({ id: 'UnlockAccepted' }));
export const commandView = lazy(() =>
  z
    .strictObject({
      commandId: z.string(),
      panelId: z.string(),
      status: z.enum(['sent', 'executed', 'expired']),
      issuedAt: instant(),
      expiresAt: instant(),
      executedAt: instant().nullable(),
      eventId: z.string().nullable(),
    })
    .meta({ id: 'Command' }),
);
/** 202: a new panel key version; panels pick it up with their next full sync. */
export const keyRotation = lazy(() => z.strictObject({ keyVersion: z.number().int(), version: z.number().int() }).meta({ id: 'KeyRotation' }));

export const accessEventsPage = lazy(() =>
  page(
    z
      .strictObject({
        id: z.string(),
        at: instant(),
        panelId: z.string(),
        method: z.enum(['delivery-pin', 'delivery-pass', 'visitor', 'call', 'remote-unlock', 'resident-pickup', 'resident-door-pin']),
        decision: z.enum(['granted', 'denied']),
        reason: z.string().optional(),
        credentialId: z.string().optional(),
        commandId: z.string().optional(),
        offline: z.boolean().optional(),
        clockSkew: z.boolean().optional(),
        clockSkewSeconds: z.number().optional(),
        photoUrl: z.string().optional().describe('Presigned, short-lived.'),
      })
      .meta({ id: 'AccessEvent' }),
    'AccessEventPage',
  ),
);
