import { httpHandler } from '../http/handler.ts';
import { cancelPassesOf } from '../domain/delivery-passes.ts';
import { revokeVisitorPassesOf } from '../domain/visitor-passes.ts';
import { deleteMember, listMembers, listResidents, moveIn, moveOut, putMember, searchDirectory } from '../domain/people.ts';

export const handler = httpHandler('people', {
  listMembers: async ({ stores, caller, params, query }) => ({ status: 200, body: await listMembers(stores, caller, params.propertyId!, query.limit, query.cursor) }),
  putMember: async ({ stores, caller, params, body }) => ({ status: 200, body: await putMember(stores, caller, params.propertyId!, params.userId!, body.role) }),
  deleteMember: async ({ stores, caller, params }) => {
    await deleteMember(stores, caller, params.propertyId!, params.userId!);
    return { status: 204 };
  },
  moveIn: async ({ stores, caller, params, body }) => ({ status: 201, body: await moveIn(stores, caller, params.propertyId!, body) }),
  listResidents: async ({ stores, caller, params, query }) => ({ status: 200, body: await listResidents(stores, caller, params.propertyId!, query.limit, query.cursor) }),
  moveOut: async ({ stores, caller, params }) => {
    await moveOut(stores, caller, params.propertyId!, params.residentId!, async (resident) => {
      await cancelPassesOf(stores, params.propertyId!, resident.userId, caller.userId);
      await revokeVisitorPassesOf(stores, params.propertyId!, resident.userId, caller.userId);
    });
    return { status: 204 };
  },
  searchDirectory: async ({ stores, caller, params, query }) => ({ status: 200, body: await searchDirectory(stores, caller, params.propertyId!, query) }),
});
