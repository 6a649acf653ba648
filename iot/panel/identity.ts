import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';

/**
 * Who a panel is and how it reaches IoT Core: the one file a panel needs besides its state.
 *
 * - mTLS (the AWS way): `certificatePem` + `privateKeyPem`, optionally `caPem` (absent = the system
 *   trust store, which holds Amazon Root CA 1 for `xxxx-ats.iot.<region>.amazonaws.com`).
 * - username/password (a local broker that authenticates that way): `username` + `password`,
 *   over `mqtts://` (with `caPem` if the broker's CA is private) or plain `mqtt://` on loopback.
 *
 * The MQTT client id is always `panelId` (= the IoT thing name; the panel policy checks it).
 */
export const panelIdentity = z
  .looseObject({
    panelId: z.string().regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be a valid IoT thing name'),
    propertyId: z.string().min(1),
    kind: z.string().min(1),
    mqttUrl: z.string().refine(isMqttUrl, 'must look like mqtts://host:port or mqtt://host:port'),
    certificatePem: z.string().optional(),
    privateKeyPem: z.string().optional(),
    caPem: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    /** The stage's topic root (iot/protocol/topics.ts panelTopicRoot), from the panel's creation response; absent = the local stand-in's. */
    topicRoot: z
      .string()
      .regex(/^[a-z0-9-]+\/panels$/, 'must look like lobby-<stage>/panels')
      .optional(),
  })
  .refine((i) => (i.certificatePem === undefined) === (i.privateKeyPem === undefined), {
    message: 'certificatePem and privateKeyPem go together',
    path: ['privateKeyPem'],
  });
export type PanelIdentity = z.infer<typeof panelIdentity>;

/** Where the local stack keeps its state: LOBBY_HOME, else `.lobby` in the working directory. */
export function lobbyHome(explicit?: string): string {
  return resolve(explicit ?? process.env.LOBBY_HOME ?? '.lobby');
}

/** `<home>/panels/<panelId>`: the panel's identity file and (by default) its state directory. */
export function panelDir(panelId: string, home?: string): string {
  return join(lobbyHome(home), 'panels', panelId);
}

export function identityPath(panelId: string, home?: string): string {
  return join(panelDir(panelId, home), 'identity.json');
}

/** Default state directory of a panel run from the local stack: `<home>/panels/<panelId>/state`. */
export function defaultStateDir(panelId: string, home?: string): string {
  return join(panelDir(panelId, home), 'state');
}

export async function loadIdentity(file: string): Promise<PanelIdentity> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read panel identity ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = panelIdentity.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new Error(`invalid panel identity ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Writes the identity (it holds a private key) readable by the owner only; returns the path. */
export async function saveIdentity(identity: PanelIdentity, file: string = identityPath(identity.panelId)): Promise<string> {
  const valid = panelIdentity.parse(identity);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}

export interface MqttEndpoint {
  tls: boolean;
  host: string;
  port: number;
}

function isMqttUrl(url: string): boolean {
  try {
    parseMqttUrl(url);
    return true;
  } catch {
    return false;
  }
}

/** `mqtts://host[:port]` (default 8883) or `mqtt://host[:port]` (default 1883). */
export function parseMqttUrl(url: string): MqttEndpoint {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'mqtts:';
  if (!tls && parsed.protocol !== 'mqtt:') throw new Error(`unsupported MQTT URL scheme '${parsed.protocol}' (use mqtts:// or mqtt://)`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error(`MQTT URL '${url}' has no host`);
  return { tls, host, port: parsed.port ? Number(parsed.port) : tls ? 8883 : 1883 };
}
