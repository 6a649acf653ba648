/**
 * Type-level checks of the typed operations (functions/http/handler.ts, routes.ts).
 * Not a vitest file: `npm run typecheck` checks it, and fails when a typing breaks
 * (a wrong type here, or an @ts-expect-error that no longer finds its error).
 * Only types are imported, so nothing here runs or loads a handler.
 */
import type { httpHandler as HttpHandler } from '../../functions/http/handler.ts';
import type { passesRoutes } from '../../functions/http/routes/passes.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function expectType<T extends true>(): void;

// Never called: its body only has to compile.
export function typedOperations(httpHandler: typeof HttpHandler, passes: typeof passesRoutes) {
  // A function is given its own routes (what its Lambda loads), never another's.
  // @ts-expect-error the passes routes do not belong to the openapi function
  httpHandler('openapi', passes, { getOpenApi: async () => ({ status: 200 }) });
  httpHandler('passes', [], {
    createDeliveryPass: async ({ params, body, query }) => {
      expectType<Equal<typeof params, { propertyId: string }>>();
      expectType<Equal<typeof body, { note?: string | undefined; validHours?: number | undefined }>>();
      expectType<Equal<typeof query, Record<string, never>>>();
      return { status: 201 };
    },
    listDeliveryPasses: async ({ params, query, body }) => {
      expectType<Equal<typeof query, { limit: number; cursor?: string | undefined }>>();
      expectType<Equal<typeof body, undefined>>();
      // @ts-expect-error the path has no {passId}
      void params.passId;
      return { status: 200 };
    },
    getDeliveryPass: async ({ params }) => {
      expectType<Equal<typeof params, { propertyId: string; passId: string }>>();
      return { status: 200 };
    },
    revealDeliveryPass: async () => ({ status: 200 }),
    cancelDeliveryPass: async () => ({ status: 204 }),
    createVisitorPass: async ({ body }) => {
      expectType<Equal<typeof body, { visitorName: string; startsAt: string; endsAt: string; visitorEmail?: string | undefined }>>();
      return { status: 201 };
    },
    listVisitorPasses: async () => ({ status: 200 }),
    getVisitorPass: async () => ({ status: 200 }),
    revealVisitorPass: async () => ({ status: 200 }),
    revokeVisitorPass: async () => ({ status: 204 }),
  });

  httpHandler('people', [], {
    listMembers: async () => ({ status: 200 }),
    putMember: async ({ params, body }) => {
      expectType<Equal<typeof params, { propertyId: string; userId: string }>>();
      expectType<Equal<typeof body, { role: 'admin' | 'staff' }>>();
      return { status: 200 };
    },
    deleteMember: async () => ({ status: 204 }),
    moveIn: async () => ({ status: 201 }),
    listResidents: async () => ({ status: 200 }),
    moveOut: async ({ params }) => {
      expectType<Equal<typeof params, { propertyId: string; residentId: string }>>();
      return { status: 204 };
    },
    searchDirectory: async ({ query }) => {
      expectType<Equal<typeof query, { q?: string | undefined; limit: number; cursor?: string | undefined }>>();
      return { status: 200 };
    },
  });

  httpHandler('panels', [], {
    createPanel: async () => ({ status: 201 }),
    listPanels: async () => ({ status: 200 }),
    getPanel: async () => ({ status: 200 }),
    decommissionPanel: async () => ({ status: 204 }),
    unlockPanel: async () => ({ status: 202 }),
    rotatePanelKeys: async () => ({ status: 202 }),
    getCommand: async ({ params }) => {
      expectType<Equal<typeof params, { propertyId: string; panelId: string; commandId: string }>>();
      return { status: 200 };
    },
  });

  // A function's map must name every operation of its routes...
  // @ts-expect-error listAccessEvents is missing
  httpHandler('access-events', [], {});
  // ...and no other.
  httpHandler('access-events', [], {
    listAccessEvents: async () => ({ status: 200 }),
    // @ts-expect-error getOpenApi belongs to the openapi function
    getOpenApi: async () => ({ status: 200 }),
  });
  // A public route's operation gets no request.
  httpHandler('openapi', [], {
    // @ts-expect-error auth: 'none' routes take no arguments
    getOpenApi: async (_request: { params: object }) => ({ status: 200 }),
  });
}
