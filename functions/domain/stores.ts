import type { LobbyTable } from '../adapters/lobby-table.ts';
import type { CodeVault } from '../adapters/code-vault.ts';

/** What the domain needs from the outside world, passed in so tests and handlers choose. */
export interface Stores {
  table: LobbyTable;
  vault: CodeVault;
  now(): Date;
}
