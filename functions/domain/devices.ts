import { ulid } from 'ulid';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { PushPlatform } from './call-ports.ts';
import { notFound } from './errors.ts';
import type { Stores } from './stores.ts';

/**
 * Where a member's app pushes go. Residents register their phones; staff may too (a call to a
 * staff member rings their devices). The token goes to the push service only; we keep its endpoint.
 */
export async function registerDevice(stores: Stores, caller: Caller, propertyId: string, input: { platform: PushPlatform; token: string }) {
  await requireRole(stores, caller, propertyId, ['resident', 'staff']);
  const endpoint = await stores.push.register(input.platform, input.token);
  const id = `dev_${ulid(stores.now().getTime())}`;
  await stores.devices.add({ id, propertyId, userId: caller.userId, platform: input.platform, endpoint, createdAt: stores.now().toISOString() });
  return { id, platform: input.platform };
}

export async function deleteDevice(stores: Stores, caller: Caller, propertyId: string, deviceId: string) {
  await requireRole(stores, caller, propertyId, ['resident', 'staff']);
  const device = await stores.devices.get(propertyId, caller.userId, deviceId);
  if (!device) throw notFound('No such device');
  await stores.push.unregister(device.endpoint);
  await stores.devices.remove(propertyId, caller.userId, deviceId);
}

/** Move-out and removal: the member's devices stop ringing (endpoints deleted, records gone). Safe to run again. */
export async function removeDevicesOf(stores: Stores, propertyId: string, userId: string) {
  const devices = await stores.devices.ofUser(propertyId, userId);
  await Promise.all(
    devices.map(async (d) => {
      await stores.push.unregister(d.endpoint);
      await stores.devices.remove(propertyId, userId, d.id);
    }),
  );
}
