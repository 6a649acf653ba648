import { createHash } from 'node:crypto';
import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { PushPlatform } from './call-ports.ts';
import { notFound } from './errors.ts';
import type { Stores } from './stores.ts';

/**
 * Devices a member keeps at most. Past it the oldest is dropped rather than the new one refused: a phone
 * reinstalled or replaced registers again, and its user must not be locked out by their own old tokens.
 * The cap bounds how many pushes one call fans out to.
 */
export const MAX_DEVICES_PER_USER = 10;

/** A device's id is a digest of its platform and token: the same phone registering again is the same device. */
const deviceId = (platform: PushPlatform, token: string) => `dev_${createHash('sha256').update(`${platform}\n${token}`).digest('base64url').slice(0, 26)}`;

/**
 * Where a member's app pushes go. Residents register their phones; staff too, because every staff member is a call
 * target (the panel directory lists each one): admins are not, so they do not (403). The token goes to the push
 * service only; we keep its endpoint, and the id is a digest of it (not reversible to the token).
 */
export async function registerDevice(stores: Stores, caller: Caller, propertyId: string, input: { platform: PushPlatform; token: string }) {
  await requireRole(stores, caller, propertyId, ['resident', 'staff']);
  const id = deviceId(input.platform, input.token);
  if (await stores.devices.get(propertyId, caller.userId, id)) return { id, platform: input.platform };
  const endpoint = await stores.push.register(input.platform, input.token);
  await stores.devices.add({ id, propertyId, userId: caller.userId, platform: input.platform, endpoint, createdAt: stores.now().toISOString() });
  // Over the cap: the oldest go (their endpoints too). Two registrations at once may leave one extra until the next.
  const mine = (await stores.devices.ofUser(propertyId, caller.userId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const evicted = mine.filter((d) => d.id !== id).slice(0, Math.max(0, mine.length - MAX_DEVICES_PER_USER));
  await Promise.all(
    evicted.map(async (d) => {
      await stores.push.unregister(d.endpoint);
      await stores.devices.remove(propertyId, caller.userId, d.id);
    }),
  );
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
