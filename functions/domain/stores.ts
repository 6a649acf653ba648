import type { LobbyTable } from '../adapters/lobby-table.ts';
import type { CodeVault } from '../adapters/code-vault.ts';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { PanelChannel } from '../adapters/panel-channel.ts';

/** What the domain needs from the outside world, passed in so tests and handlers choose. */
export interface Stores {
  table: LobbyTable;
  vault: CodeVault;
  photos: ObjectStore;
  panels: PanelChannel;
  now(): Date;
}
