import type { ThrottleRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, unlessConditionFails } from './table-keys.ts';

/** Claim throttles per panel, in its property's partition: THROTTLE#<panelId>#<minute> and THROTTLE#<panelId>#unknown#<window>; expire by TTL. */
const claimKey = (panel: { id: string; propertyId: string }, minute: number) => ({ pk: keys.property(panel.propertyId), sk: keys.claimThrottle(panel.id, minute) });
const unknownKey = (panel: { id: string; propertyId: string }, window: number) => ({ pk: keys.property(panel.propertyId), sk: keys.unknownCodeThrottle(panel.id, window) });
const slotBack = (panel: { id: string; propertyId: string }, window: number) => ({
  Key: unknownKey(panel, window),
  UpdateExpression: 'ADD misses :minusOne',
  ExpressionAttributeValues: { ':minusOne': -1 },
});

export function throttleRepository(table: LobbyTable): ThrottleRepository {
  return {
    async countClaim(panel, minute, keepUntil) {
      const out = await table.update({
        Key: claimKey(panel, minute),
        UpdateExpression: 'ADD claims :one SET expiresAtEpoch = :ttl',
        ExpressionAttributeValues: { ':one': 1, ':ttl': keepUntil },
        ReturnValues: 'UPDATED_NEW',
      });
      return out.Attributes?.claims as number;
    },
    takeUnknownCodeSlot(panel, window, max, keepUntil) {
      return unlessConditionFails(
        table.update({
          Key: unknownKey(panel, window),
          UpdateExpression: 'ADD misses :one SET expiresAtEpoch = :ttl',
          ConditionExpression: 'attribute_not_exists(misses) OR misses < :max',
          ExpressionAttributeValues: { ':one': 1, ':ttl': keepUntil, ':max': max },
        }),
      );
    },
    unknownCodeSlotBack: (panel, window) => asWrite({ Update: slotBack(panel, window) }),
    async giveBackUnknownCodeSlot(panel, window) {
      await table.update(slotBack(panel, window));
    },
  };
}
