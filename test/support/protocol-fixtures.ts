import { readFileSync, readdirSync } from 'node:fs';

/** The golden panel-protocol messages (test/fixtures/panel-protocol), read by both sides' tests. */
const dir = new URL('../fixtures/panel-protocol/', import.meta.url);

/** Every fixture's name (its file name without .json). */
export const protocolFixtureNames = (): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

export const protocolFixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
