import { ulid } from 'ulid';
import { forbidden } from './errors.ts';
import type { Caller } from './caller.ts';
import { defaultSettings, type PropertySettings } from '../schemas/properties.ts';
import { loadProperty, type Property } from './property-record.ts';
import { auditEntry } from './audit.ts';
import { anyMember, requireRole, adminsOnly } from './access.ts';
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
