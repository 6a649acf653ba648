import type { CodeRepository } from '../domain/repositories.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys } from './table-keys.ts';

/** Code sentinels: PROP#<propertyId> / CODE#<codeKey> (the code's HMAC, never the code), expiring with their credential. */
const key = (propertyId: string, codeKey: string) => ({ pk: keys.property(propertyId), sk: keys.code(codeKey) });

export function codeRepository(table: LobbyTable): CodeRepository {
  return {
    claim(propertyId, codeKey, credential, nowEpoch) {
      return asWrite({
        Put: {
          Item: {
            ...key(propertyId, codeKey),
            type: 'code',
            credentialType: credential.type,
            credentialId: credential.id,
            expiresAtEpoch: credential.expiresAtEpoch,
            ownerResidentId: credential.ownerResidentId,
          },
          // A sentinel of a credential that has expired frees its code, even before TTL deletes it.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtEpoch < :nowEpoch',
          ExpressionAttributeValues: { ':nowEpoch': nowEpoch },
        },
      });
    },
    release(propertyId, codeKey, credentialId) {
      return asWrite({
        Delete: { Key: key(propertyId, codeKey), ConditionExpression: 'attribute_not_exists(pk) OR credentialId = :id', ExpressionAttributeValues: { ':id': credentialId } },
      });
    },
    async holder(propertyId, codeKey) {
      const sentinel = await table.get<{ credentialType: string; credentialId: string; ownerResidentId?: string; pk: string; sk: string }>(
        key(propertyId, codeKey).pk,
        key(propertyId, codeKey).sk,
      );
      return sentinel && { credentialType: sentinel.credentialType, credentialId: sentinel.credentialId, ownerResidentId: sentinel.ownerResidentId };
    },
  };
}
