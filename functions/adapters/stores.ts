import type { Stores } from '../domain/stores.ts';

let stores: Promise<Stores> | undefined;

/**
 * The production stores (production-stores.ts), built once per process on the first
 * request. Imported then, not at load: the wiring and the AWS SDK behind it are a chunk
 * of their own, so a cold start reads only the handler before the runtime is ready.
 */
export function loadStores(): Promise<Stores> {
  stores ??= import('./production-stores.ts').then((m) => m.productionStores());
  stores.catch(() => {
    stores = undefined;
  });
  return stores;
}
