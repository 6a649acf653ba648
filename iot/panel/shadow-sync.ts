import { join } from 'node:path';
import { iotshadow, mqtt } from 'aws-iot-device-sdk-v2';
import { ulid } from 'ulid';
import { compatibleVersion, PROTOCOL_VERSION } from '../protocol/version.ts';
import { CREDENTIALS_SHADOW_NAME, partialShadowState, shadowDelta, shadowGetAccepted, type PartialShadowState } from '../protocol/shadow.ts';
import type { PanelConnection } from './connection.ts';
import type { CredentialStore } from './credential-store.ts';
import { readJson, writeJsonAtomic } from './files.ts';
import { errorText, type PanelLogger } from './log.ts';

export const QR_KEYS_FILE = 'qr-keys.json';

/**
 * The credentials named shadow, through the device SDK's shadow client: on every connect it
 * subscribes (get accepted/rejected, delta) and reads the document; it reports what the panel
 * holds. Every document is parsed; one that does not parse, or of another protocol major, is
 * logged and ignored. A desired set newer than the one held (or another key version) asks
 * the sync loop for a sync. The visitor-QR public keys it brings are kept in `qr-keys.json`
 * so scans verify offline after a restart.
 */
export class ShadowSync {
  private client: iotshadow.IotShadowClient | undefined;
  private clientFor: mqtt.MqttClientConnection | undefined;
  private seenVersion = 0;
  private keys: Record<string, string> = {};

  private constructor(
    private readonly parts: {
      panelId: string;
      stateDir: string;
      connection: PanelConnection;
      store: CredentialStore;
      log: PanelLogger;
      /** the shadow announces a set the panel lacks */
      wantSync: () => void;
      syncing: () => boolean;
      refusedVersion: (version: string, what: string) => void;
    },
  ) {}

  static async open(parts: ShadowSync['parts']): Promise<ShadowSync> {
    const sync = new ShadowSync(parts);
    const saved = await readJson<unknown>(join(parts.stateDir, QR_KEYS_FILE));
    const keys = partialShadowState.shape.qrKeys.safeParse(saved);
    if (keys.success && keys.data) sync.keys = keys.data;
    return sync;
  }

  get qrKeys(): Record<string, string> {
    return this.keys;
  }

  private get ref() {
    return { thingName: this.parts.panelId, shadowName: CREDENTIALS_SHADOW_NAME };
  }

  /** On each connect: (re)subscribe through the shadow client of this MQTT connection, then read the document. */
  async onConnected(): Promise<void> {
    const mqttConnection = this.parts.connection.mqttConnection;
    if (!mqttConnection) return;
    let client = this.client;
    if (!client || this.clientFor !== mqttConnection) {
      client = new iotshadow.IotShadowClient(mqttConnection);
      this.client = client;
      this.clientFor = mqttConnection;
    }
    const qos = mqtt.QoS.AtLeastOnce;
    const granted = await Promise.all([
      client.subscribeToGetNamedShadowAccepted(this.ref, qos, (error, doc) => (error ? this.unreadable('get', error) : this.onDocument('get', doc))),
      // 404 before the cloud ever wrote the shadow: the sync request covers it.
      client.subscribeToGetNamedShadowRejected(this.ref, qos, (_error, rejected) => this.parts.log.debug('shadow get rejected', { code: rejected?.code })),
      client.subscribeToNamedShadowDeltaUpdatedEvents(this.ref, qos, (error, delta) => (error ? this.unreadable('delta', error) : this.onDocument('delta', delta))),
    ]);
    if (granted.some((g) => (g.qos as number) === 128 || g.error_code)) throw new Error('shadow subscription refused (check the IoT policy)');
    this.get();
  }

  get(): void {
    this.client
      ?.publishGetNamedShadow({ ...this.ref, clientToken: ulid() }, mqtt.QoS.AtLeastOnce)
      .catch((error) => this.parts.log.warn('shadow get failed', { error: errorText(error) }));
  }

  /** Reports what the panel holds. */
  report(): void {
    const { store } = this.parts;
    if (!this.client || !this.parts.connection.connected) return;
    const reported = {
      protocolVersion: PROTOCOL_VERSION,
      version: store.version,
      keyVersion: store.keyVersion,
      qrKeys: this.keys,
      timezone: store.timezone,
      offlinePassPolicy: store.offlinePassPolicy,
    };
    this.client
      .publishUpdateNamedShadow({ ...this.ref, state: { reported }, clientToken: ulid() }, mqtt.QoS.AtLeastOnce)
      .catch((error) => this.parts.log.warn('shadow report failed', { error: errorText(error) }));
  }

  private unreadable(kind: string, error: unknown): void {
    this.parts.log.warn('unreadable shadow document, ignored', { kind, error: errorText(error) });
  }

  /** get/accepted and update/delta: newer than what we saw, and announcing a set we lack, start a sync. */
  private onDocument(kind: 'get' | 'delta', raw: unknown): void {
    const { store, log } = this.parts;
    const parsed = kind === 'get' ? shadowGetAccepted.safeParse(raw) : shadowDelta.safeParse(raw);
    if (!parsed.success) {
      log.warn('invalid shadow document, ignored', { kind, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) });
      return;
    }
    const document = parsed.data;
    if (document.version < this.seenVersion || (kind === 'delta' && document.version === this.seenVersion)) {
      log.debug('stale shadow message dropped', { kind, version: document.version, seen: this.seenVersion });
      return;
    }
    const wanted: PartialShadowState | undefined = 'desired' in document.state ? document.state.desired : (document.state as PartialShadowState);
    if (!wanted) return;
    if (wanted.protocolVersion !== undefined && !compatibleVersion(wanted.protocolVersion)) {
      this.parts.refusedVersion(wanted.protocolVersion, 'credentials shadow');
      return;
    }
    this.seenVersion = document.version;
    if (wanted.qrKeys) {
      // A delta holds only the keys that changed and never says which were retired: read the whole desired state instead.
      if (kind === 'get') void this.saveQrKeys(wanted.qrKeys);
      else this.get();
    }
    if (store.hasSet && (wanted.timezone || wanted.offlinePassPolicy)) {
      store.applyPolicy({ timezone: wanted.timezone, offlinePassPolicy: wanted.offlinePassPolicy }).then(
        (changed) => changed && this.report(),
        (error: unknown) => log.error('could not save the property settings from the shadow', { error: errorText(error) }),
      );
    }
    const wantedVersion = wanted.version ?? store.version;
    const wantedKey = wanted.keyVersion ?? store.keyVersion;
    const reported = 'reported' in document.state ? document.state.reported : undefined;
    if (wantedKey !== store.keyVersion || wantedVersion > store.version) {
      log.info('shadow announces a newer credential set', { version: wantedVersion, keyVersion: wantedKey, have: store.version });
      this.parts.wantSync();
    } else if (wantedVersion < store.version) {
      log.debug('shadow announces an older set than the panel holds, ignored', { version: wantedVersion, have: store.version });
    } else if (kind === 'delta' || reported?.version !== store.version || reported?.keyVersion !== store.keyVersion) {
      // We hold what is desired but never said so (e.g. a report lost across a reconnect).
      if (!this.parts.syncing()) this.report();
    }
  }

  private async saveQrKeys(keys: Record<string, string>): Promise<void> {
    if (JSON.stringify(keys) === JSON.stringify(this.keys)) return;
    this.keys = keys;
    try {
      await writeJsonAtomic(join(this.parts.stateDir, QR_KEYS_FILE), keys);
    } catch (error) {
      this.parts.log.error('could not save the visitor QR keys', { error: errorText(error) });
    }
    this.report();
  }
}
