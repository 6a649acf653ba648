import { documents } from './aws-clients.ts';
import { loadCodeVault } from './code-vault.ts';
import { config } from './config.ts';
import { LobbyTable } from './lobby-table.ts';
import { s3ObjectStore } from './object-store.ts';
import { iotPanelChannel } from './panel-channel.ts';
import type { Stores } from '../domain/stores.ts';

let stores: Promise<Stores> | undefined;

/** The production wiring of the domain's stores, built once per process. */
export function loadStores(): Promise<Stores> {
  stores ??= loadCodeVault().then((vault) => ({
    table: new LobbyTable(documents(), config.tableName),
    vault,
    photos: s3ObjectStore(config.photosBucket),
    panels: iotPanelChannel(),
    now: () => new Date(),
  }));
  stores.catch(() => { stores = undefined; });
  return stores;
}
