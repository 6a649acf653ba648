import { documents } from './dynamo-client.ts';
import { loadCodeVault } from './code-vault.ts';
import { config } from './config.ts';
import { LobbyTable } from './lobby-table.ts';
import { s3ObjectStore } from './object-store.ts';
import { iotPanelChannel } from './panel-channel.ts';
import { panelRepository } from './panel-repository.ts';
import type { Stores } from '../domain/stores.ts';

/**
 * The production wiring of the domain's stores. The DynamoDB client comes with it; S3 and
 * the IoT data plane are imported on their first call (object-store.ts, panel-channel.ts).
 */
export async function productionStores(): Promise<Stores> {
  const vault = await loadCodeVault();
  const table = new LobbyTable(documents(), config.tableName);
  return {
    table,
    vault,
    photos: s3ObjectStore(config.photosBucket),
    panels: iotPanelChannel(),
    panelRecords: panelRepository(table),
    now: () => new Date(),
  };
}
