import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Write } from '../domain/records.ts';

/*
 * The Lobby table's key layout and item shapes, for the repositories. No SDK code here
 * (the imports above are types): a repository reaches DynamoDB only through the
 * LobbyTable it is given, so importing one does not load lib-dynamodb.
 */

export type Item = Record<string, unknown> & { pk: string; sk: string };
type TransactEntry = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A transaction entry without TableName: the table fills it in. */
export type TransactItem = {
  [K in keyof TransactEntry]?: Omit<NonNullable<TransactEntry[K]>, 'TableName'>;
};
/** A repository's transaction entry as the domain sees it (opaque): see domain/records.ts Write. */
export const asWrite = (item: TransactItem) => item as unknown as Write;

/** Key layout of the single table. Everything of a property shares its partition. */
export const keys = {
  property: (propertyId: string) => `PROP#${propertyId}`,
  meta: 'META',
  member: (userId: string) => `MEMBER#${userId}`,
  resident: (residentId: string) => `RESIDENT#${residentId}`,
  deliveryPin: (pinId: string) => `PIN#${pinId}`,
  deliveryPass: (passId: string) => `PASS#${passId}`,
  visitorPass: (passId: string) => `VISITOR#${passId}`,
  code: (codeKey: string) => `CODE#${codeKey}`,
  credentialSet: 'CREDSET',
  audit: (sortableId: string) => `AUDIT#${sortableId}`,
  user: (userId: string) => `USER#${userId}`,
  panel: (panelId: string) => `PANEL#${panelId}`,
  /** Global lookup from a panel id (the IoT thing name) to its property. */
  panelIndex: (panelId: string) => `PANELREF#${panelId}`,
  /** Per credential: the set version that last changed it and its entry digest. */
  credentialVersion: (credentialId: string) => `CREDVER#${credentialId}`,
  change: (version: number) => `CHANGE#${String(version).padStart(12, '0')}`,
  snapshot: (keyVersion: number, version: number) => `SNAPSHOT#k${keyVersion}#v${version}`,
  event: (eventId: string) => `EVENT#${eventId}`,
  command: (commandId: string) => `CMD#${commandId}`,
  package: (packageId: string) => `PKG#${packageId}`,
  /** One per waiting package, under its unit (adapters/package-repository.ts); the unit key is URI-encoded so no '#' splits it. */
  packageWaiting: (unitKey: string, packageId: string) => `PKGWAIT#${encodeURIComponent(unitKey)}#${packageId}`,
  claimThrottle: (panelId: string, minute: number) => `THROTTLE#${panelId}#${minute}`,
  unknownCodeThrottle: (panelId: string, window: number) => `THROTTLE#${panelId}#unknown#${window}`,
  /** The byOwner index: a member's passes at a property. */
  owner: (propertyId: string, userId: string) => `OWNER#${propertyId}#${userId}`,
  /** The byOwner index: every property record (an operator's list of properties). */
  properties: 'PROPERTIES',
  /** The byOwner index: every property's credential-set head (sparse). */
  setHeads: 'CREDSETS',
};

/** The property a partition key belongs to. */
export const propertyIdOf = (pk: string) => pk.slice(keys.property('').length);

/** The item without its keys and index attributes: the record as the domain knows it. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, expiresAtEpoch: _ttl, ...rest } = item;
  return rest;
}

/** A conditional write whose condition failing means "no" (false), not an error. */
export const unlessConditionFails = (write: Promise<unknown>): Promise<boolean> =>
  write.then(
    () => true,
    (error: Error) => {
      if (error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    },
  );
