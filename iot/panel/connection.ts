import { EventEmitter } from 'node:events';
import { iot, io, mqtt } from 'aws-iot-device-sdk-v2';
import { ulid } from 'ulid';
import { PROTOCOL_VERSION, readMessage, replyEnvelope, replyTo, type PanelRequest, type PanelRequestOp, type ReplyTo } from '../protocol/messages.ts';
import { panelTopics } from '../protocol/topics.ts';
import { parseMqttUrl, type PanelIdentity } from './identity.ts';
import { errorText, silentLogger, type PanelLogger } from './log.ts';

/**
 * The panel's MQTT 3.1.1 connection to AWS IoT Core through the AWS IoT Device SDK v2 (aws-crt):
 * client id = thing name, persistent session (clean_session false, so QoS 1 messages sent
 * while the panel was away are replayed), mutual TLS with the thing certificate (or
 * username/password where a broker wants that).
 *
 * Two ways of being offline, both surfaced as 'disconnect' / 'connect' events:
 * - the network drops: the CRT reconnects by itself ('interrupt' ... 'resume');
 * - the initial connect fails, or `disconnect()` was called: a CRT connection cannot be
 *   reopened after disconnect, so `connect()` builds a new one and retries with backoff.
 */
export interface ConnectionOptions {
  keepAliveSeconds?: number;
  /** publish/subscribe give up after this long (no PUBACK/SUBACK) */
  operationTimeoutMs?: number;
  /** default for request(): how long to wait for the response */
  requestTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: PanelLogger;
}

export interface ConnectInfo {
  /** the broker still had our session (subscriptions, queued QoS 1 messages) */
  sessionPresent: boolean;
  /** true when the CRT restored an interrupted connection by itself */
  resumed: boolean;
}

type Events = {
  connect: [ConnectInfo];
  disconnect: [{ reason: string }];
  message: [topic: string, payload: Buffer];
};

export class NotConnectedError extends Error {
  constructor(what = 'not connected') {
    super(what);
    this.name = 'NotConnectedError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(op: string, ms: number) {
    super(`no response to ${op} within ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** A reply came but it is not one this panel can read: not the op's shape, or another protocol major. */
export class InvalidReplyError extends Error {
  constructor(op: string, why: string) {
    super(`unreadable reply to ${op}: ${why}`);
    this.name = 'InvalidReplyError';
  }
}

/** A request body without its requestId and version: request() adds them. */
export type RequestBody = DistributiveOmit<PanelRequest, 'requestId' | 'protocolVersion'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve(response: unknown): void;
  reject(error: Error): void;
}

export class PanelConnection extends EventEmitter<Events> {
  readonly topics: ReturnType<typeof panelTopics>;
  private readonly client = new mqtt.MqttClient();
  private readonly log: PanelLogger;
  private readonly options: Required<Omit<ConnectionOptions, 'log'>>;
  private readonly subscriptions = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private connection: mqtt.MqttClientConnection | undefined;
  private online = false;
  /** the owner wants to be online (start()/connect() called, disconnect() not) */
  private wanted = false;
  private loop: Promise<void> | undefined;
  private wakeLoop: (() => void) | undefined;

  constructor(
    readonly identity: PanelIdentity,
    options: ConnectionOptions = {},
  ) {
    super();
    // The stage's topic root comes with the connection material (absent: the local stand-in's).
    this.topics = panelTopics(identity.panelId, identity.topicRoot);
    this.log = options.log ?? silentLogger;
    this.options = {
      keepAliveSeconds: options.keepAliveSeconds ?? 30,
      operationTimeoutMs: options.operationTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 8_000,
      reconnectMinMs: options.reconnectMinMs ?? 1_000,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
    };
    this.subscriptions.add(this.topics.responses);
    this.on('message', (topic, payload) => {
      if (topic === this.topics.responses) this.onResponse(payload);
    });
  }

  get connected(): boolean {
    return this.online;
  }

  /** The SDK connection while online, for the SDK's service clients (the shadow client). */
  get mqttConnection(): mqtt.MqttClientConnection | undefined {
    return this.online ? this.connection : undefined;
  }

  /** Topics subscribed (QoS 1) on every connect; add them before connect(). */
  addSubscription(...topics: string[]): void {
    for (const topic of topics) this.subscriptions.add(topic);
    if (this.online) for (const topic of topics) this.subscribe(topic).catch((error) => this.log.warn('subscribe failed', { topic, error: errorText(error) }));
  }

  /**
   * Goes online and stays online (retrying with backoff) until disconnect(). Resolves when
   * connected, or rejects after `timeoutMs` (the attempts go on in the background).
   */
  async connect(timeoutMs?: number): Promise<void> {
    this.wanted = true;
    if (this.online) return;
    // While the SDK is restoring an interrupted connection it owns the reconnect: a second
    // connection with the same client id would only take the session over and flap.
    if (!this.connection) this.loop ??= this.connectLoop().finally(() => (this.loop = undefined));
    await new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.off('connect', done);
              reject(new Error(`could not connect to ${this.identity.mqttUrl} within ${timeoutMs} ms`));
            }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connect', done);
    });
  }

  /** Goes offline and stays offline until connect(): the persistent session keeps what arrives meanwhile. */
  async disconnect(): Promise<void> {
    this.wanted = false;
    this.wakeLoop?.();
    const connection = this.connection;
    this.connection = undefined;
    const wasOnline = this.online;
    this.online = false;
    this.failPending(new NotConnectedError('disconnected'));
    if (connection) {
      await withTimeout(connection.disconnect(), 5_000, 'disconnect').catch((error) => this.log.debug('disconnect', { error: errorText(error) }));
    }
    if (wasOnline) this.emit('disconnect', { reason: 'requested' });
    await this.loop;
  }

  /** QoS 1 publish (QoS 0 on request); resolves on PUBACK. Fails at once when offline. */
  async publish(topic: string, payload: unknown, qos: 0 | 1 = 1): Promise<void> {
    const connection = this.connection;
    if (!this.online || !connection) throw new NotConnectedError(`not connected: cannot publish to ${topic}`);
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    try {
      await withTimeout(connection.publish(topic, body, qos === 1 ? mqtt.QoS.AtLeastOnce : mqtt.QoS.AtMostOnce), this.options.operationTimeoutMs, `publish ${topic}`);
    } catch (error) {
      // The CRT fails in-flight operations when the connection goes; callers treat that as offline.
      if (!this.online || this.connection !== connection) throw new NotConnectedError(`connection lost while publishing to ${topic}`);
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Request/response over `requests` / `responses`: publishes the body with a requestId and
   * resolves with the response carrying that requestId (ok true or false), parsed with the op's
   * reply schema (an unreadable reply rejects with InvalidReplyError). With `attempts` > 1 the
   * same request (same requestId, so the cloud may answer any copy) is re-sent on timeout.
   */
  async request<B extends RequestBody>(body: B, options: { timeoutMs?: number; attempts?: number; requestId?: string } = {}): Promise<ReplyTo[B['op']]> {
    const requestId = options.requestId ?? ulid();
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const attempts = Math.max(1, options.attempts ?? 1);
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(requestId, { resolve, reject }));
    answer.catch(() => {}); // rejections are observed below
    try {
      for (let attempt = 1; ; attempt++) {
        await this.publish(this.topics.requests, { protocolVersion: PROTOCOL_VERSION, requestId, ...body });
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        const outcome = await Promise.race([answer, timedOut]).finally(() => clearTimeout(timer));
        if (outcome !== 'timeout') return readReply<B['op']>(body.op, outcome);
        if (attempt >= attempts) throw new RequestTimeoutError(body.op, timeoutMs);
        this.log.info('request timed out, sending again', { op: body.op, requestId, attempt });
      }
    } finally {
      this.pending.delete(requestId);
    }
  }

  private onResponse(payload: Buffer): void {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn('unreadable response');
      return;
    }
    const envelope = replyEnvelope.safeParse(raw);
    if (!envelope.success) {
      this.log.warn('response without a requestId, ignored');
      return;
    }
    // Replies to requests nobody waits for any more (replayed after a reconnect) are dropped.
    this.pending.get(envelope.data.requestId)?.resolve(raw);
  }

  private failPending(error: Error): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(error);
    }
  }

  private async connectLoop(): Promise<void> {
    let delay = this.options.reconnectMinMs;
    while (this.wanted && !this.online) {
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        if (!this.wanted) return;
        this.log.warn('connect failed, retrying', { url: this.identity.mqttUrl, inMs: delay, error: errorText(error) });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wakeLoop = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeLoop = undefined;
        delay = Math.min(delay * 2, this.options.reconnectMaxMs);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const connection = this.client.new_connection(this.buildConfig());
    // Operations failing because we are going offline on purpose are expected, not worth a warning.
    connection.on('error', (error) => (this.wanted ? this.log.warn : this.log.debug)('mqtt error', { error: errorText(error) }));
    connection.on('message', (topic, payload) => {
      if (this.connection === connection) this.emit('message', topic, Buffer.from(payload));
    });
    connection.on('interrupt', (error) => {
      if (this.connection !== connection) return;
      this.online = false;
      this.failPending(new NotConnectedError('connection interrupted'));
      this.log.warn('connection interrupted', { error: errorText(error) });
      this.emit('disconnect', { reason: errorText(error) });
    });
    connection.on('resume', (returnCode, sessionPresent) => {
      if (this.connection !== connection || returnCode !== 0) return;
      this.online = true;
      this.log.info('connection resumed', { sessionPresent });
      // Without the old session the broker forgot our subscriptions.
      const resubscribe = sessionPresent ? Promise.resolve() : this.subscribeAll();
      resubscribe.catch((error) => this.log.warn('resubscribe failed', { error: errorText(error) })).finally(() => this.emit('connect', { sessionPresent, resumed: true }));
    });
    this.connection = connection;
    let sessionPresent: boolean;
    try {
      sessionPresent = await withTimeout(connection.connect(), this.options.operationTimeoutMs + 5_000, 'connect');
    } catch (error) {
      if (this.connection === connection) this.connection = undefined;
      connection.disconnect().catch(() => {});
      throw error;
    }
    if (!this.wanted || this.connection !== connection) {
      if (this.connection === connection) this.connection = undefined;
      await connection.disconnect().catch(() => {});
      return;
    }
    this.online = true;
    try {
      await this.subscribeAll();
    } catch (error) {
      this.online = false;
      this.connection = undefined;
      await connection.disconnect().catch(() => {});
      throw error;
    }
    this.log.info('connected', { url: this.identity.mqttUrl, sessionPresent });
    this.emit('connect', { sessionPresent, resumed: false });
  }

  private async subscribeAll(): Promise<void> {
    await Promise.all([...this.subscriptions].map((topic) => this.subscribe(topic)));
  }

  private async subscribe(topic: string): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new NotConnectedError();
    // Messages are dispatched from the connection's 'message' event, so those the broker
    // replays from the persistent session before this SUBACK are not lost.
    const granted = await withTimeout(connection.subscribe(topic, mqtt.QoS.AtLeastOnce), this.options.operationTimeoutMs, `subscribe ${topic}`).catch((error: unknown) => {
      throw error instanceof Error ? error : new Error(String(error));
    });
    if (granted.error_code || (granted.qos as number) === 128) throw new Error(`subscription to ${topic} refused (check the IoT policy)`);
  }

  private buildConfig(): mqtt.MqttConnectionConfig {
    const { identity } = this;
    const endpoint = parseMqttUrl(identity.mqttUrl);
    const common = {
      client_id: identity.panelId,
      host_name: endpoint.host,
      port: endpoint.port,
      clean_session: false,
      keep_alive: this.options.keepAliveSeconds,
      ping_timeout: 5_000,
      protocol_operation_timeout: this.options.operationTimeoutMs,
      reconnect_min_sec: Math.max(1, Math.round(this.options.reconnectMinMs / 1000)),
      reconnect_max_sec: Math.max(1, Math.round(this.options.reconnectMaxMs / 1000)),
    };
    const usesPassword = identity.username !== undefined || identity.password !== undefined;
    if (!endpoint.tls) {
      if (identity.certificatePem) throw new Error(`${identity.mqttUrl}: a client certificate needs mqtts://`);
      // Plain TCP: only for a development broker on loopback.
      return { ...common, socket_options: new io.SocketOptions(), username: identity.username, password: identity.password, disable_metrics: true };
    }
    const builder =
      identity.certificatePem && identity.privateKeyPem
        ? iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(identity.certificatePem, identity.privateKeyPem)
        : iot.AwsIotMqttConnectionConfigBuilder.new_default_builder();
    if (identity.caPem) builder.with_certificate_authority(identity.caPem);
    builder
      .with_endpoint(common.host_name)
      .with_port(common.port)
      .with_client_id(common.client_id)
      .with_clean_session(false)
      .with_keep_alive_seconds(common.keep_alive)
      .with_ping_timeout_ms(common.ping_timeout)
      .with_protocol_operation_timeout_ms(common.protocol_operation_timeout)
      .with_reconnect_min_sec(common.reconnect_min_sec)
      .with_reconnect_max_sec(common.reconnect_max_sec);
    if (identity.username !== undefined) builder.with_username(identity.username);
    if (identity.password !== undefined) builder.with_password(identity.password);
    const config = builder.build();
    // The SDK appends "?SDK=...&Version=..." to the username for AWS metrics; a broker that
    // checks usernames would see a different one.
    if (usesPassword) config.disable_metrics = true;
    return config;
  }
}

function readReply<Op extends PanelRequestOp>(op: Op, raw: unknown): ReplyTo[Op] {
  const read = readMessage(replyTo[op], raw);
  if (read.ok) return read.message as ReplyTo[Op];
  throw new InvalidReplyError(op, read.reason === 'unsupported-version' ? `protocol ${read.version} is not supported` : read.issues.join('; '));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
