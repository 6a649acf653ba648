import { ulid } from 'ulid';
import { forbidden } from './errors.ts';
import type { Caller } from './caller.ts';
import { defaultSettings, type PropertySettings } from '../schemas/properties.ts';
import { loadProperty, type Property } from './property-record.ts';
import { auditEntry } from './audit.ts';
import { anyMember, requireRole, adminsOnly, type Role } from './access.ts';
import type { Page } from './records.ts';
import { announce } from './credential-sets.ts';
import { repairDigests } from './reconcile.ts';
import type { Stores } from './stores.ts';

export async function createProperty(stores: Stores, caller: Caller, input: { name: string; timezone: string }): Promise<Property> {
  if (!caller.operator) throw forbidden('Only operators create properties');
  const id = `prop_${ulid()}`;
  const property: Property = { id, ...input, settings: defaultSettings, createdAt: stores.now().toISOString() };
  await stores.table.transact([stores.properties.add(property, caller.userId), auditEntry(stores, id, caller.userId, 'property.created', { type: 'property', id })]);
  return property;
}

export async function getProperty(stores: Stores, caller: Caller, propertyId: string): Promise<Property> {
  await requireRole(stores, caller, propertyId, anyMember);
  return loadProperty(stores, propertyId);
}

export interface PropertyMembership {
  propertyId: string;
  name: string;
  role: Role | 'operator';
}

/**
 * GET /properties: the caller's properties and role at each, one page. Memberships being
 * removed are left out; an operator pages every property (with their own role where they are a member).
 */
export async function listMyProperties(stores: Stores, caller: Caller, limit: number, cursor?: string): Promise<Page<PropertyMembership>> {
  if (caller.operator) {
    const page = await stores.properties.page(limit, cursor);
    const items = await Promise.all(
      page.items.map(async (property): Promise<PropertyMembership> => {
        const membership = await stores.members.get(property.id, caller.userId);
        const role = membership && !membership.leaving ? membership.role : 'operator';
        return { propertyId: property.id, name: property.name, role };
      }),
    );
    return { items, nextCursor: page.nextCursor };
  }
  const page = await stores.members.pageForUser(caller.userId, limit, cursor);
  const items = await Promise.all(
    page.items
      .filter((membership) => !membership.leaving)
      .map(async (membership) => {
        const property = await stores.properties.get(membership.propertyId);
        return property && { propertyId: property.id, name: property.name, role: membership.role };
      }),
  );
  return { items: items.filter((item) => item !== undefined), nextCursor: page.nextCursor };
}

export async function patchSettings(stores: Stores, caller: Caller, propertyId: string, patch: Partial<PropertySettings>): Promise<Property> {
  await requireRole(stores, caller, propertyId, adminsOnly);
  await stores.table.transact([
    stores.properties.patchSettings(propertyId, patch),
    auditEntry(stores, propertyId, caller.userId, 'property.settings-changed', { type: 'property', id: propertyId }),
  ]);
  // Panels decide offline passes by this setting, and hold the passes only under it; door PINs
  // reach entrances only under the other: give or withdraw them (a new set version) and tell them now.
  if (patch.offlinePassPolicy !== undefined || patch.residentDoorPinsAtEntrances !== undefined) {
    await repairDigests(stores, propertyId);
    await announce(stores, propertyId);
  }
  return loadProperty(stores, propertyId);
}
