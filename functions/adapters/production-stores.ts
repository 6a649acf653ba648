import { documents } from './dynamo-client.ts';
import { loadCodeVault } from './code-vault.ts';
import { config } from './config.ts';
import { LobbyTable } from './lobby-table.ts';
import { s3ObjectStore } from './object-store.ts';
import { iotPanelChannel } from './panel-channel.ts';
import { snsPushSender } from './sns-push.ts';
import { chimePhoneDialer } from './chime-phone.ts';
import { kvsMedia } from './kvs-media.ts';
import { accessEventRepository } from './access-event-repository.ts';
import { auditRepository } from './audit-repository.ts';
import { codeRepository } from './code-repository.ts';
import { commandRepository } from './command-repository.ts';
import { credentialSetRepository } from './credential-set-repository.ts';
import { deliveryPinRepository } from './delivery-pin-repository.ts';
import { doorPinRepository } from './door-pin-repository.ts';
import { memberRepository } from './member-repository.ts';
import { panelRepository } from './panel-repository.ts';
import { calleeDirectory, callRepository, deviceRepository } from './call-repository.ts';
import { notificationRepository } from './notification-repository.ts';
import { integrationRepository } from './integration-repository.ts';
import { packageRepository } from './package-repository.ts';
import { webhookRepository } from './webhook-repository.ts';
import { passRepository } from './pass-repository.ts';
import { propertyRepository } from './property-repository.ts';
import { residentRepository } from './resident-repository.ts';
import { rosterRepository } from './roster-repository.ts';
import { throttleRepository } from './throttle-repository.ts';
import type { Stores } from '../domain/stores.ts';

/** The unit of work and every repository, on one Lobby table (benches and tests wire their own vault, bucket and panels). */
export function tableStores(table: LobbyTable): Omit<Stores, 'vault' | 'photos' | 'panels' | 'now' | 'media' | 'push' | 'phone'> {
  return {
    table,
    properties: propertyRepository(table),
    members: memberRepository(table),
    residents: residentRepository(table),
    audit: auditRepository(table),
    codes: codeRepository(table),
    deliveryPins: deliveryPinRepository(table),
    doorPins: doorPinRepository(table),
    passes: passRepository(table),
    credentialSets: credentialSetRepository(table),
    accessEvents: accessEventRepository(table),
    commands: commandRepository(table),
    throttles: throttleRepository(table),
    panelRecords: panelRepository(table),
    calls: callRepository(table),
    callees: calleeDirectory(table),
    devices: deviceRepository(table),
    notifications: notificationRepository(table),
    integrations: integrationRepository(table),
    packages: packageRepository(table),
    roster: rosterRepository(table),
    webhooks: webhookRepository(table),
  };
}

/**
 * The production wiring of the domain's stores. The DynamoDB client comes with it; S3 and
 * the IoT data plane are imported on their first call (object-store.ts, panel-channel.ts).
 */
export async function productionStores(): Promise<Stores> {
  const vault = await loadCodeVault();
  return {
    ...tableStores(new LobbyTable(documents(), config.tableName)),
    vault,
    photos: s3ObjectStore(config.photosBucket),
    panels: iotPanelChannel(),
    media: kvsMedia(),
    push: snsPushSender(),
    phone: chimePhoneDialer(),
    now: () => new Date(),
  };
}
