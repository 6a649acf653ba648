import type { Panel, PanelRef } from '../domain/records.ts';
import type { PanelRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, type Item } from './table-keys.ts';

/**
 * Panel records in the Lobby table: the panel item under its property
 * (PROP#<propertyId> / PANEL#<panelId>) and a global index from the panel id (the IoT
 * thing name, all a topic carries) to its property (PANELREF#<panelId> / META).
 */
const panelKey = (ref: PanelRef) => ({ pk: keys.property(ref.propertyId), sk: keys.panel(ref.id) });
const indexKey = (panelId: string) => ({ pk: keys.panelIndex(panelId), sk: keys.meta });

/** The item's attributes that are not the panel's (keys, item type). */
function toPanel(item: Item): Panel {
  const { pk: _pk, sk: _sk, type: _type, ...panel } = item;
  return panel as unknown as Panel;
}

/** A conditional update whose condition failing means "nothing to do" (the panel is gone, or the news is old). */
const ignoringStale = (write: Promise<unknown>) =>
  write.then(
    () => undefined,
    (error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    },
  );

export function panelRepository(table: LobbyTable): PanelRepository {
  return {
    async propertyOf(panelId) {
      const ref = await table.get<{ propertyId: string } & Item>(indexKey(panelId).pk, indexKey(panelId).sk);
      return ref?.propertyId;
    },
    async get(ref) {
      const key = panelKey(ref);
      const item = await table.get(key.pk, key.sk);
      return item ? toPanel(item) : undefined;
    },
    async all(propertyId) {
      return (await table.queryAll(keys.property(propertyId), keys.panel(''))).map((item) => toPanel(item));
    },
    async page(propertyId, limit, cursor) {
      const page = await table.query({ pk: keys.property(propertyId), skPrefix: keys.panel(''), limit, cursor });
      return { items: page.items.map((item) => toPanel(item)), nextCursor: page.nextCursor };
    },
    add(panel) {
      return [
        asWrite({ Put: { Item: { ...panelKey(panel), type: 'panel', ...panel } } }),
        asWrite({ Put: { Item: { ...indexKey(panel.id), type: 'panel-ref', propertyId: panel.propertyId } } }),
      ];
    },
    remove(ref) {
      return [asWrite({ Delete: { Key: panelKey(ref) } }), asWrite({ Delete: { Key: indexKey(ref.id) } })];
    },
    recordHeartbeat(ref, beat) {
      return ignoringStale(
        table.update({
          Key: panelKey(ref),
          UpdateExpression: 'SET lastSeenAt = :at, heardAt = :heard, reportedVersion = :v, reportedDigest = :d, keypadLockedUntil = :locked',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastSeenAt) OR lastSeenAt <= :at)',
          ExpressionAttributeValues: { ':at': beat.at, ':heard': beat.heardAt, ':v': beat.version, ':d': beat.digest, ':locked': beat.keypadLockedUntil },
        }),
      );
    },
    async recordPresence(ref, presence, also = []) {
      const update = {
        Key: panelKey(ref),
        UpdateExpression: 'SET connected = :c, presenceAt = :at, disconnectReason = :r',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(presenceAt) OR presenceAt <= :at)',
        ExpressionAttributeValues: { ':c': presence.connected, ':at': presence.at, ':r': presence.disconnectReason },
      };
      if (also.length === 0) return ignoringStale(table.update(update));
      // With what it causes (a panel.online/offline webhook event): written only when the news is not old.
      try {
        await table.transact([{ Update: update }, ...also]);
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
      }
    },
    endSilence(ref, now, gapBefore) {
      return ignoringStale(
        table.update({
          Key: panelKey(ref),
          UpdateExpression: 'SET offlineFrom = heardAt, onlineSince = :now, heardAt = :now',
          ConditionExpression: 'attribute_exists(heardAt) AND heardAt < :gapBefore',
          ExpressionAttributeValues: { ':now': now, ':gapBefore': gapBefore },
        }),
      );
    },
  };
}
