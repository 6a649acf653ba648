import type { Integration, IntegrationClientRef, IntegrationRepository } from '../domain/integrations.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, withoutKeys } from './table-keys.ts';

/**
 * Integrations: PROP#<propertyId> / INTEGRATION#<id>, and one global reference per app client,
 * INTCLIENT#<clientId> / META, that the authorizer reads from a token's client_id (one
 * consistent get). Both are written together and marked deleted together.
 */
const recordKey = (propertyId: string, id: string) => ({ pk: keys.property(propertyId), sk: `INTEGRATION#${id}` });
const clientKey = (clientId: string) => ({ pk: `INTCLIENT#${clientId}`, sk: keys.meta });

export function integrationRepository(table: LobbyTable): IntegrationRepository {
  return {
    async get(propertyId, id) {
      const { pk, sk } = recordKey(propertyId, id);
      const raw = await table.get(pk, sk);
      return raw && (withoutKeys(raw) as unknown as Integration);
    },
    async all(propertyId) {
      const items = await table.queryAll(keys.property(propertyId), 'INTEGRATION#');
      return items.map((raw) => withoutKeys(raw) as unknown as Integration);
    },
    async byClientId(clientId) {
      const { pk, sk } = clientKey(clientId);
      const raw = await table.get(pk, sk);
      if (!raw) return undefined;
      const { propertyId, integrationId, scopes, deletedAt } = raw as unknown as IntegrationClientRef;
      return { propertyId, integrationId, scopes, ...(deletedAt ? { deletedAt } : {}) };
    },
    add(propertyId, integration) {
      return [
        asWrite({ Put: { Item: { ...recordKey(propertyId, integration.id), type: 'integration', ...integration }, ConditionExpression: 'attribute_not_exists(pk)' } }),
        asWrite({
          Put: {
            Item: { ...clientKey(integration.clientId), type: 'integration-client', propertyId, integrationId: integration.id, scopes: integration.scopes },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      ];
    },
    markDeleted(propertyId, integration, at) {
      const update = { UpdateExpression: 'SET deletedAt = :at', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':at': at } };
      return [asWrite({ Update: { Key: recordKey(propertyId, integration.id), ...update } }), asWrite({ Update: { Key: clientKey(integration.clientId), ...update } })];
    },
    holds(propertyId, id) {
      return asWrite({ ConditionCheck: { Key: recordKey(propertyId, id), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)' } });
    },
  };
}
