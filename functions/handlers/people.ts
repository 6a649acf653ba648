import { httpHandler } from '../http/handler.ts';
import { peopleRoutes } from '../http/routes/people.ts';
import { deleteMember, listMembers, listResidents, moveIn, moveOut, putMember, searchDirectory } from '../domain/people.ts';

export const handler = httpHandler('people', peopleRoutes, {
  listMembers: async ({ stores, caller, params, query }) => ({ status: 200, body: await listMembers(stores, caller, params.propertyId, query.limit, query.cursor) }),
  putMember: async ({ stores, caller, params, body }) => ({ status: 200, body: await putMember(stores, caller, params.propertyId, params.userId, body.role) }),
  deleteMember: async ({ stores, caller, params }) => {
    await deleteMember(stores, caller, params.propertyId, params.userId);
    return { status: 204 };
  },
  moveIn: async ({ stores, caller, params, body }) => ({ status: 201, body: await moveIn(stores, caller, params.propertyId, body) }),
  listResidents: async ({ stores, caller, params, query }) => ({ status: 200, body: await listResidents(stores, caller, params.propertyId, query.limit, query.cursor) }),
  moveOut: async ({ stores, caller, params }) => {
    await moveOut(stores, caller, params.propertyId, params.residentId);
    return { status: 204 };
  },
  searchDirectory: async ({ stores, caller, params, query }) => ({ status: 200, body: await searchDirectory(stores, caller, params.propertyId, query) }),
});
