import { unitKey } from '../../iot/protocol/credential-hash.ts';
import { requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import type { Caller } from './caller.ts';
import { assertAcceptableCode, codeHint } from './codes.ts';
import { conflict, notFound } from './errors.ts';
import { loadProperty } from './property-record.ts';
import { attempt } from './transactions.ts';
import type { Stores } from './stores.ts';

/**
 * A resident's own door PIN ("Resident" -> unit -> PIN at a package room; at entrances only if
 * the property turns `residentDoorPinsAtEntrances` on). The same rules as delivery PINs, stored
 * sealed, and unique per unit, not per property: its code sentinel is keyed by unit and PIN, and
 * its panel entry's hash binds the unit (residentPinHash), so 4B's and 5C's PINs may share digits
 * and a PIN alone opens nothing. One per resident, with an id that outlives a change, so a new
 * PIN replaces the old entry on the panels in one set version.
 */
export interface DoorPinItem {
  id: string;
  type: 'resident-door-pin';
  userId: string;
  residentId: string;
  unit: string;
  pinHint: string;
  sealedPin: string;
  codeKey: string;
  createdAt: string;
  updatedAt: string;
}

/** The credential id of a resident's door PIN (stable across changes of the PIN). */
export const doorPinId = (residentId: string) => `dpin_${residentId}`;

/** The code sentinel of a unit's door PIN: never equal to a keypad code's (those are digits only). */
const doorPinCodeKey = (stores: Stores, propertyId: string, unit: string, pin: string) => stores.vault.codeKey(propertyId, `${unitKey(unit)}#${pin}`);

async function residentOf(stores: Stores, caller: Caller, propertyId: string) {
  const membership = await requireRole(stores, caller, propertyId, ['resident']);
  const resident = membership.residentId ? await stores.residents.get(propertyId, membership.residentId) : undefined;
  if (!resident || resident.movedOutAt) throw notFound('No resident record');
  return resident;
}

/** PUT .../me/door-pin: sets or replaces the caller's PIN (old sentinel freed, new one taken, one transaction). */
export async function setDoorPin(stores: Stores, caller: Caller, propertyId: string, pin: string): Promise<void> {
  const [resident, { settings }] = await Promise.all([residentOf(stores, caller, propertyId), loadProperty(stores, propertyId)]);
  assertAcceptableCode(pin, settings.codeLength, 'pin');
  const current = await stores.doorPins.get(propertyId, resident.userId);
  const codeKey = doorPinCodeKey(stores, propertyId, resident.unit, pin);
  if (current?.codeKey === codeKey && current.residentId === resident.id) return;
  const now = stores.now().toISOString();
  const item: DoorPinItem = {
    id: doorPinId(resident.id),
    type: 'resident-door-pin',
    userId: resident.userId,
    residentId: resident.id,
    unit: resident.unit,
    pinHint: codeHint(pin),
    sealedPin: stores.vault.encrypt(pin),
    codeKey,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
  const failed = await attempt(() =>
    stores.table.transact([
      stores.codes.claim(propertyId, codeKey, { type: 'resident-door-pin', id: item.id }, Math.floor(stores.now().getTime() / 1000)),
      stores.doorPins.put(propertyId, item, current?.codeKey),
      auditEntry(stores, propertyId, caller.userId, current ? 'door-pin.changed' : 'door-pin.set', { type: 'resident-door-pin', id: item.id }, settings.auditRetentionDays),
      ...(current ? [stores.codes.release(propertyId, current.codeKey, current.id)] : []),
    ]),
  );
  if (failed === 0) throw conflict('Someone else in your unit uses that PIN; choose another', 'code-in-use');
  if (failed >= 0) throw conflict('Your door PIN changed meanwhile; try again');
}

/** DELETE .../me/door-pin: removes the caller's PIN (nothing to remove is fine). */
export async function deleteDoorPin(stores: Stores, caller: Caller, propertyId: string): Promise<void> {
  const resident = await residentOf(stores, caller, propertyId);
  await removeDoorPinOf(stores, propertyId, resident.userId, caller.userId);
}

/**
 * Removes a member's door PIN, if any (the resident, or their move-out). The stream takes it
 * off the panels. Safe to run again.
 */
export async function removeDoorPinOf(stores: Stores, propertyId: string, userId: string, actor: string, auditRetentionDays?: number): Promise<boolean> {
  for (let tryNo = 0; tryNo < 3; tryNo++) {
    const current = await stores.doorPins.get(propertyId, userId);
    if (!current) return false;
    const failed = await attempt(() =>
      stores.table.transact([
        stores.doorPins.remove(propertyId, userId, current.codeKey),
        stores.codes.release(propertyId, current.codeKey, current.id),
        auditEntry(stores, propertyId, actor, 'door-pin.removed', { type: 'resident-door-pin', id: current.id }, auditRetentionDays),
      ]),
    );
    if (failed < 0) return true;
  }
  throw conflict('The door PIN changed meanwhile; try again');
}
