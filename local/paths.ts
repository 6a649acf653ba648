import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';

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

/**
 * The stack running from `home`: its local.json, when the `npm start` that wrote it (its `pid`) is
 * still alive. Else one sentence saying what to do (the CLIs print it and exit 2).
 */
export async function runningStack<T extends { pid?: number }>(home: string): Promise<{ info: T } | { problem: string }> {
  const file = layout(home).localJson;
  let info: T;
  try {
    info = JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return { problem: `no local stack in ${home} (no ${file}): start one with 'npm start', or point at it with --home DIR or LOBBY_HOME` };
  }
  if (typeof info.pid !== 'number' || !isAlive(info.pid)) {
    return { problem: `the local stack in ${home} is not running (its process ${info.pid ?? '?'} is gone): start it with 'npm start'` };
  }
  return { info };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
