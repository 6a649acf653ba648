import { ulid } from 'ulid';
import { conflict, invalid, notFound } from './errors.ts';
import type { DoorLimits } from '../../iot/protocol/doors.ts';
import type { Caller } from './caller.ts';
import type { Schedule } from '../schemas/common.ts';
import { adminsOnly, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { assertAcceptableCode, claimCodeEntry, codeHint, releaseCodeEntry } from './codes.ts';
import { loadProperty } from './property-record.ts';
import { credentialSync } from './panels.ts';
import { canonicalDoors } from './set-digests.ts';
import { attempt } from './transactions.ts';
import type { Page } from './records.ts';
import type { Stores } from './stores.ts';

/** A reusable keypad code for a recurring carrier (USPS, UPS...). Admins only. */
export interface DeliveryPin {
  id: string;
  description: string;
  pinHint: string;
  schedule: Schedule | null;
  /** the doors it opens; null: every door */
  doors: DoorLimits | null;
  createdAt: string;
  updatedAt: string;
}

/** The stored item: the PIN sealed, its HMAC as the link to its code sentinel. */
export interface DeliveryPinItem extends DeliveryPin {
  sealedPin: string;
  codeKey: string;
}

const view = ({ id, description, pinHint, schedule, doors, createdAt, updatedAt }: DeliveryPinItem): DeliveryPin => ({
  id,
  description,
  pinHint,
  schedule: schedule ?? null,
  doors: doors ?? null,
  createdAt,
  updatedAt,
});

const codeTaken = () => conflict('That code is already in use at this property; choose another', 'code-in-use');

async function loadPin(stores: Stores, propertyId: string, pinId: string): Promise<DeliveryPinItem> {
  const item = await stores.deliveryPins.get(propertyId, pinId);
  if (!item) throw notFound('No such delivery PIN');
  return item;
}

/**
 * Door limits as stored: canonical, and only panels of this property (else 400). A panel
 * decommissioned later simply stops being one of the doors.
 */
async function checkedDoors(stores: Stores, propertyId: string, doors: DoorLimits | null | undefined): Promise<DoorLimits | null> {
  const limits = canonicalDoors(doors);
  if (!limits) return null;
  if (limits.panelIds) {
    const ours = new Set((await stores.panelRecords.all(propertyId)).map((p) => p.id));
    const errors = limits.panelIds.flatMap((id, i) => (ours.has(id) ? [] : [{ path: `doors.panelIds.${i}`, message: 'is not a panel of this property' }]));
    if (errors.length > 0) throw invalid('doors names a panel this property does not have', errors);
  }
  return limits;
}

export async function createDeliveryPin(stores: Stores, caller: Caller, propertyId: string, input: { description: string; pin: string; schedule?: Schedule; doors?: DoorLimits }) {
  // Membership and settings together: one round trip (a non-member still learns nothing, requireRole throws first).
  const [, { settings }] = await Promise.all([requireRole(stores, caller, propertyId, adminsOnly), loadProperty(stores, propertyId)]);
  assertAcceptableCode(input.pin, settings.codeLength, 'pin');
  const doors = await checkedDoors(stores, propertyId, input.doors);
  const now = stores.now().toISOString();
  const item: DeliveryPinItem = {
    id: `pin_${ulid()}`,
    description: input.description,
    pinHint: codeHint(input.pin),
    schedule: input.schedule ?? null,
    doors,
    createdAt: now,
    updatedAt: now,
    sealedPin: stores.vault.encrypt(input.pin),
    codeKey: stores.vault.codeKey(propertyId, input.pin),
  };
  const failed = await attempt(() =>
    stores.table.transact([
      claimCodeEntry(stores, propertyId, input.pin, { type: 'delivery-pin', id: item.id }),
      stores.deliveryPins.put(propertyId, item),
      auditEntry(stores, propertyId, caller.userId, 'delivery-pin.created', { type: 'delivery-pin', id: item.id }),
    ]),
  );
  if (failed === 0) throw codeTaken();
  if (failed > 0) throw conflict('The delivery PIN could not be saved; try again');
  return { ...view(item), pin: input.pin };
}

export async function listDeliveryPins(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<DeliveryPin>> {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const page = await stores.deliveryPins.page(propertyId, limit, cursor);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

/** One PIN, with whether each door has it yet. */
export async function getDeliveryPin(stores: Stores, caller: Caller, propertyId: string, pinId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const pin = view(await loadPin(stores, propertyId, pinId));
  return { ...pin, sync: await credentialSync(stores, propertyId, pinId, true, { doors: pin.doors ?? undefined }) };
}

export async function patchDeliveryPin(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  pinId: string,
  patch: { description?: string; pin?: string; schedule?: Schedule | null; doors?: DoorLimits | null },
) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const current = await loadPin(stores, propertyId, pinId);
  const next: DeliveryPinItem = {
    ...current,
    description: patch.description ?? current.description,
    schedule: patch.schedule === undefined ? (current.schedule ?? null) : patch.schedule,
    doors: patch.doors === undefined ? (current.doors ?? null) : await checkedDoors(stores, propertyId, patch.doors),
    updatedAt: stores.now().toISOString(),
  };
  const newPin = patch.pin !== undefined && stores.vault.codeKey(propertyId, patch.pin) !== current.codeKey ? patch.pin : undefined;
  if (newPin !== undefined) {
    assertAcceptableCode(newPin, (await loadProperty(stores, propertyId)).settings.codeLength, 'pin');
    Object.assign(next, { pinHint: codeHint(newPin), sealedPin: stores.vault.encrypt(newPin), codeKey: stores.vault.codeKey(propertyId, newPin) });
  }
  const codeSwap =
    newPin === undefined ? [] : [claimCodeEntry(stores, propertyId, newPin, { type: 'delivery-pin', id: pinId }), releaseCodeEntry(stores, propertyId, current.codeKey, pinId)];
  const failed = await attempt(() =>
    stores.table.transact([
      ...codeSwap,
      stores.deliveryPins.put(propertyId, next, current.codeKey),
      auditEntry(stores, propertyId, caller.userId, newPin === undefined ? 'delivery-pin.updated' : 'delivery-pin.code-changed', { type: 'delivery-pin', id: pinId }),
    ]),
  );
  if (failed === 0 && newPin !== undefined) throw codeTaken();
  if (failed >= 0) throw conflict('The delivery PIN changed meanwhile; reload and try again');
  // A new PIN is echoed once, so the admin can pass it on to the carrier.
  return newPin === undefined ? view(next) : { ...view(next), pin: newPin };
}

export async function deleteDeliveryPin(stores: Stores, caller: Caller, propertyId: string, pinId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const current = await loadPin(stores, propertyId, pinId);
  const failed = await attempt(() =>
    stores.table.transact([
      stores.deliveryPins.remove(propertyId, pinId, current.codeKey),
      releaseCodeEntry(stores, propertyId, current.codeKey, pinId),
      auditEntry(stores, propertyId, caller.userId, 'delivery-pin.deleted', { type: 'delivery-pin', id: pinId }),
    ]),
  );
  if (failed >= 0) throw conflict('The delivery PIN changed meanwhile; reload and try again');
}

/** The whole PIN, for an admin to tell a carrier. Every reveal is on the audit trail. */
export async function revealDeliveryPin(stores: Stores, caller: Caller, propertyId: string, pinId: string) {
  await requireRole(stores, caller, propertyId, adminsOnly);
  const current = await loadPin(stores, propertyId, pinId);
  await stores.table.transact([auditEntry(stores, propertyId, caller.userId, 'delivery-pin.revealed', { type: 'delivery-pin', id: pinId })]);
  return { pin: stores.vault.decrypt(current.sealedPin) };
}
