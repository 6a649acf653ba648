import { resolve } from 'node:path';

/** Where the local stack keeps its state: .lobby/ by default, LOBBY_HOME or --home to move it (shared with the panel CLI). */
export { lobbyHome } from '../iot/panel/identity.ts';

export const layout = (home: string) => ({
  home,
  localJson: resolve(home, 'local.json'),
  keys: resolve(home, 'keys'),
  jwtPrivateKey: resolve(home, 'keys', 'jwt-private.jwk.json'),
  codeSecret: resolve(home, 'keys', 'code-secret'),
  dynamodb: resolve(home, 'dynamodb'),
  s3: resolve(home, 's3'),
  iot: resolve(home, 'iot'),
  kvs: resolve(home, 'kvs'),
  streamCheckpoint: resolve(home, 'stream-checkpoint.json'),
});

export interface Ports {
  api: number;
  dynamodb: number;
  s3: number;
  mqtt: number;
  iotData: number;
  kvs: number;
  kvsWss: number;
}

export const portsFrom = (base: number): Ports => ({ api: base, dynamodb: base + 1, s3: base + 2, mqtt: base + 3, iotData: base + 4, kvs: base + 5, kvsWss: base + 6 });
export const DEFAULT_PORT_BASE = 4700;
