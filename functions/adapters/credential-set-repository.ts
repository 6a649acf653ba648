import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CredentialItem, CredentialRecord, SetChange, SetHead, Snapshot } from '../domain/credential-sets.ts';
import type { CredentialSetRepository } from '../domain/repositories.ts';
import { DOOR_PIN_PREFIX } from './door-pin-repository.ts';
import type { LobbyTable } from './lobby-table.ts';
import { asWrite, keys, propertyIdOf, unlessConditionFails, withoutKeys, type Item } from './table-keys.ts';

/**
 * A property's credential set in its partition: the head (CREDSET, in the sparse byOwner
 * index under CREDSETS so the reconciler finds every set), a change record per version
 * (CHANGE#<version, 12 digits>), a record per credential (CREDVER#<id>, its entry digest
 * per key version in `digestK<n>`), and snapshot records (SNAPSHOT#k<key>#v<version>).
 */
const headKey = (propertyId: string) => ({ pk: keys.property(propertyId), sk: keys.credentialSet });
const recordKey = (propertyId: string, credentialId: string) => ({ pk: keys.property(propertyId), sk: keys.credentialVersion(credentialId) });
const digestAttribute = (keyVersion: number) => `digestK${keyVersion}`;
const DIGEST_ATTRIBUTE = /^digestK([0-9]+)$/;
/** Sort-key prefixes of the credential types (functions/shared CREDENTIAL_TYPES) in a property's partition. */
const CREDENTIAL_PREFIXES = [keys.deliveryPin(''), keys.deliveryPass(''), keys.visitorPass(''), DOOR_PIN_PREFIX];
/** A snapshot's sort key: the whole set, or (`variant`) a per-door subset of it. */
const snapshotKey = (keyVersion: number, version: number, variant?: string) => (variant ? `${keys.snapshot(keyVersion, version)}#${variant}` : keys.snapshot(keyVersion, version));

function toRecord(item: Item): CredentialRecord {
  const digests: Record<number, string | null> = {};
  for (const [name, value] of Object.entries(item)) {
    const match = DIGEST_ATTRIBUTE.exec(name);
    if (match) digests[Number(match[1])] = value as string | null;
  }
  const { version, op, changedAt, entryDigest, audience } = item as Item & Partial<CredentialRecord> & { entryDigest?: string | null };
  return {
    credentialId: item.sk.slice(keys.credentialVersion('').length),
    version: version as number,
    op: op as CredentialRecord['op'],
    changedAt,
    digests,
    legacyDigest: entryDigest,
    ...(audience !== undefined && { audience }),
  };
}

export function credentialSetRepository(table: LobbyTable): CredentialSetRepository {
  return {
    async head(propertyId) {
      const head = await table.get<SetHead & Item>(headKey(propertyId).pk, headKey(propertyId).sk);
      return head && { version: head.version, digest: head.digest, keyVersion: head.keyVersion, audiences: head.audiences ?? {} };
    },
    commitHead(propertyId, from, to) {
      return asWrite({
        Update: {
          Key: headKey(propertyId),
          UpdateExpression: 'SET #v = :next, #d = :digest, #k = :key, #a = :audiences, #t = :type, gsi1pk = :heads, gsi1sk = :property',
          ConditionExpression: 'attribute_not_exists(pk) OR (#v = :current AND #k = :currentKey)',
          ExpressionAttributeNames: { '#v': 'version', '#d': 'digest', '#k': 'keyVersion', '#a': 'audiences', '#t': 'type' },
          ExpressionAttributeValues: {
            ':next': to.version,
            ':digest': to.digest,
            ':audiences': to.audiences ?? {},
            ':key': to.keyVersion,
            ':current': from.version,
            ':currentKey': from.keyVersion,
            ':type': 'credential-set',
            ':heads': keys.setHeads,
            ':property': propertyId,
          },
        },
      });
    },
    addChange(propertyId, change, keepUntil) {
      return asWrite({ Put: { Item: { pk: keys.property(propertyId), sk: keys.change(change.version), type: 'credential-change', ...change, expiresAtEpoch: keepUntil } } });
    },
    async changes(propertyId, from, to, limit) {
      const { items } = await table.query<SetChange & Item>({ pk: keys.property(propertyId), skPrefix: 'CHANGE#', skBetween: [keys.change(from), keys.change(to)], limit });
      return items.map((item) => withoutKeys(item) as unknown as SetChange);
    },
    async record(propertyId, credentialId) {
      const item = await table.get(recordKey(propertyId, credentialId).pk, recordKey(propertyId, credentialId).sk);
      return item && toRecord(item);
    },
    async records(propertyId) {
      return (await table.queryAll(keys.property(propertyId), keys.credentialVersion(''))).map(toRecord);
    },
    putRecord(propertyId, record) {
      return asWrite({
        Put: {
          Item: {
            ...recordKey(propertyId, record.credentialId),
            type: 'credential-version',
            version: record.version,
            [digestAttribute(record.keyVersion)]: record.digest,
            op: record.op,
            changedAt: record.changedAt,
            ...(record.audience !== undefined && { audience: record.audience }),
          },
        },
      });
    },
    async addNextKeyDigest(propertyId, credentialId, keyVersion, digest, version) {
      await unlessConditionFails(
        table.update({
          Key: recordKey(propertyId, credentialId),
          UpdateExpression: 'SET #digest = :digest, #type = :type, version = if_not_exists(version, :version), op = if_not_exists(op, :set)',
          // Not over a change the stream folded after the head the rotation read (its commit will fail and retry).
          ConditionExpression: 'attribute_not_exists(version) OR version < :version',
          ExpressionAttributeNames: { '#digest': digestAttribute(keyVersion), '#type': 'type' },
          ExpressionAttributeValues: { ':digest': digest, ':type': 'credential-version', ':version': version, ':set': 'set' },
        }),
      );
    },
    async credentials(propertyId) {
      const lists = await Promise.all(CREDENTIAL_PREFIXES.map((prefix) => table.queryAll(keys.property(propertyId), prefix)));
      return lists.flat().map((item) => withoutKeys(item) as unknown as CredentialItem);
    },
    async snapshot(propertyId, keyVersion, version, variant) {
      const known = await table.get<Snapshot & Item & { expiresAtEpoch: number }>(keys.property(propertyId), snapshotKey(keyVersion, version, variant));
      return known && { key: known.key, digest: known.digest, bytes: known.bytes, keepUntil: known.expiresAtEpoch };
    },
    async saveSnapshot(propertyId, keyVersion, version, snapshot, keepUntil, variant) {
      await table.put({ pk: keys.property(propertyId), sk: snapshotKey(keyVersion, version, variant), type: 'credential-snapshot', ...snapshot, expiresAtEpoch: keepUntil });
    },
    claimRepair(propertyId, now, since) {
      return unlessConditionFails(
        table.update({
          Key: headKey(propertyId),
          UpdateExpression: 'SET repairCheckedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(repairCheckedAt) OR repairCheckedAt < :due)',
          ExpressionAttributeValues: { ':now': now, ':due': since },
        }),
      );
    },
    async propertiesWithSets() {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await table.query<{ gsi1sk: string }>({
          pk: keys.setHeads,
          skPrefix: 'prop_',
          limit: 500,
          cursor,
          index: { name: 'byOwner', partitionKey: 'gsi1pk' },
        });
        ids.push(...page.items.map((item) => item.gsi1sk));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    },
    fromStreamImage(image) {
      if (!image) return undefined;
      // Stream images come in DynamoDB's attribute-value form (the document client does not see them).
      const item = unmarshall(image as Record<string, AttributeValue>);
      return { propertyId: propertyIdOf(String(item.pk)), item: withoutKeys(item) as CredentialItem & Record<string, unknown> };
    },
  };
}
