import { documents } from './aws-clients.ts';
import { loadCodeVault } from './code-vault.ts';
import { config } from './config.ts';
import { LobbyTable } from './lobby-table.ts';
import type { Stores } from '../domain/stores.ts';

let stores: Promise<Stores> | undefined;

/** The production wiring of the domain's stores, built once per process. */
export function loadStores(): Promise<Stores> {
  stores ??= loadCodeVault().then((vault) => ({
    table: new LobbyTable(documents(), config.tableName),
    vault,
    now: () => new Date(),
  }));
  stores.catch(() => { stores = undefined; });
  return stores;
}
