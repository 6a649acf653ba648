import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import type { CredentialEntry } from '../protocol/messages.ts';
import { AccessRecorder } from './access-recorder.ts';
import { withConfigDefaults, type AgentEvents, type EntryResult, type PanelAgentOptions, type PanelStatus } from './agent-types.ts';
import { ClaimLedger } from './claim-ledger.ts';
import { CommandLedger } from './command-ledger.ts';
import { PanelConnection } from './connection.ts';
import { CredentialStore } from './credential-store.ts';
import { EntryFlow } from './entry-flow.ts';
import { EventQueue } from './event-queue.ts';
import { HeartbeatSender } from './heartbeat.ts';
import type { PanelIdentity } from './identity.ts';
import { KeypadThrottle } from './keypad-throttle.ts';
import { errorText, stderrLogger, type PanelLogger } from './log.ts';
import { OutboxPump } from './outbox-pump.ts';
import { PassClaims } from './pass-claims.ts';
import { RemoteUnlock } from './remote-unlock.ts';
import { PanelCalls } from './calls.ts';
import { PackageRoom, type DeliveryResult, type PickupResult, type RecipientPick } from './package-room.ts';
import { ShadowSync } from './shadow-sync.ts';
import { SyncLoop } from './sync-loop.ts';
import { sleep } from './timing.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';

export type { DoorRelease, EntryResult, PanelAgentConfig, PanelAgentOptions, PanelStatus, SyncSummary } from './agent-types.ts';

/**
 * The reference panel agent: what a door panel runs. A facade over parts a vendor can read
 * one at a time:
 * - entry-decider.ts: the entry rules, pure (code/QR + held set + clock + throttle -> decision)
 * - entry-flow.ts: the door (decide, claim in the cloud, count wrong codes, record)
 * - claim-ledger.ts / pass-claims.ts: single-use passes (used here, offline grants owed; claims)
 * - command-ledger.ts / remote-unlock.ts: remote unlocks, at most once and never late
 * - shadow-sync.ts: the credentials shadow through the device SDK's shadow client
 * - sync-loop.ts: current / delta / full credential sync
 * - outbox-pump.ts, access-recorder.ts, heartbeat.ts: events (with photos), acks, liveness
 * - calls.ts: the directory (kept on disk) and calls (call.start, state on `calls`, ring timer)
 * - package-room.ts: the package room's Delivery and Resident screens
 * Build it with `PanelAgent.open(options)` (or `new PanelAgent(options)` then `start()`).
 */
/** The parts, loaded from the state dir by start(). */
interface Parts {
  store: CredentialStore;
  throttle: KeypadThrottle;
  claimLedger: ClaimLedger;
  pump: OutboxPump;
  claims: PassClaims;
  shadow: ShadowSync;
  syncLoop: SyncLoop;
  heartbeat: HeartbeatSender;
  entries: EntryFlow;
  unlock: RemoteUnlock;
  calls: PanelCalls;
  packageRoom: PackageRoom;
}

export class PanelAgent extends EventEmitter<AgentEvents> {
  readonly identity: PanelIdentity;
  readonly stateDir: string;
  readonly now: () => Date;
  private readonly options: PanelAgentOptions;
  private readonly config: ReturnType<typeof withConfigDefaults>;
  private readonly log: PanelLogger;
  private readonly connection: PanelConnection;
  private readonly nextUlid = monotonicFactory();
  private parts: Parts | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;
  /** a message of another protocol major seen, refused */
  private refusedProtocol: string | undefined;

  constructor(options: PanelAgentOptions) {
    super();
    this.options = options;
    this.identity = options.identity;
    this.stateDir = options.stateDir;
    this.now = options.now ?? (() => new Date());
    this.config = withConfigDefaults(options.config ?? {});
    this.log = options.config?.log ?? stderrLogger(`panel ${options.identity.panelId}`);
    this.connection = new PanelConnection(this.identity, {
      keepAliveSeconds: this.config.keepAliveSeconds,
      requestTimeoutMs: this.config.requestTimeoutMs,
      reconnectMinMs: this.config.reconnectMinMs,
      reconnectMaxMs: this.config.reconnectMaxMs,
      log: this.log,
    });
    this.connection.addSubscription(this.connection.topics.commands, this.connection.topics.calls);
    this.connection.on('message', (topic, payload) => {
      if (topic === this.connection.topics.commands && this.parts) {
        this.parts.unlock.handle(payload).catch((error) => this.log.error('command handling failed', { error: errorText(error) }));
      } else if (topic === this.connection.topics.calls && this.parts) {
        this.parts.calls.handle(payload).catch((error) => this.log.error('call state handling failed', { error: errorText(error) }));
      }
    });
    this.connection.on('connect', () => this.onConnected());
    this.connection.on('disconnect', () => {
      this.stopTimers();
      this.emit('disconnected');
    });
  }

  /** A started agent: state loaded, online and synced (or working offline after `startTimeoutMs`). */
  static async open(options: PanelAgentOptions): Promise<PanelAgent> {
    const agent = new PanelAgent(options);
    await agent.start();
    return agent;
  }

  /**
   * Loads the saved state and goes online. Resolves once connected and synced, or after
   * `startTimeoutMs` (the panel then works offline from its saved set and keeps trying).
   */
  start(): Promise<void> {
    this.starting ??= this.load().then(async (parts) => {
      this.parts = parts;
      this.log.info('starting', { version: parts.store.version, entries: parts.store.size, outbox: parts.pump.size });
      try {
        await this.connection.connect(this.config.startTimeoutMs);
        await parts.syncLoop.wait(this.config.startTimeoutMs);
      } catch (error) {
        this.log.warn('offline at start, working from the saved set', { error: errorText(error) });
      }
    });
    return this.starting;
  }

  private async load(): Promise<Parts> {
    const { config, log, connection, stateDir, now } = this;
    const cfg = this.options.config ?? {};
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const fetchFn = cfg.fetch ?? globalThis.fetch;
    const [store, outbox, throttle, claimLedger, commandLedger] = await Promise.all([
      CredentialStore.open({ stateDir, fetch: fetchFn, now }),
      EventQueue.open(join(stateDir, 'outbox')),
      KeypadThrottle.open(cfg.keypad, stateDir),
      ClaimLedger.open(stateDir),
      CommandLedger.open(stateDir),
    ]);
    const stopped = () => this.stopped;
    const online = () => connection.connected;
    const newEventId = (at: Date) => this.nextUlid(at.getTime());
    const refusedVersion = (version: string, what: string) => {
      this.refusedProtocol = version.slice(0, 16);
      log.error('protocol version not supported, ignored', { what, version: this.refusedProtocol, supported: PROTOCOL_VERSION });
    };
    const pump = new OutboxPump({ outbox, connection, log, fetch: fetchFn, retryMs: config.retryMs, stopped });
    const recorder = new AccessRecorder({
      panelId: this.identity.panelId,
      photo: cfg.photo,
      onDoorRelease: this.options.onDoorRelease,
      outbox,
      events: this,
      log,
      online,
      queued: () => pump.kick(),
    });
    const claims = new PassClaims({ connection, ledger: claimLedger, log, claimTimeoutMs: config.claimTimeoutMs, claimAttempts: config.claimAttempts });
    const reconcile = () => void claims.reconcile().catch((error) => log.warn('claim reconciliation failed', { error: errorText(error) }));
    // A claim that timed out while the connection stayed up is reported with the next beat, not at the next reconnect:
    // the cloud accepts an offline claim only close to when it could have happened.
    const heartbeat = new HeartbeatSender({
      connection,
      store,
      throttle,
      log,
      now,
      heartbeatMs: config.heartbeatMs,
      afterBeat: () => claimLedger.pending.length > 0 && reconcile(),
    });
    let syncLoop: SyncLoop | undefined;
    const shadow = await ShadowSync.open({
      panelId: this.identity.panelId,
      stateDir,
      connection,
      store,
      log,
      refusedVersion,
      wantSync: () => void syncLoop?.request('shadow'),
      syncing: () => syncLoop?.syncing ?? false,
    });
    syncLoop = new SyncLoop({
      connection,
      store,
      events: this,
      log,
      retryMs: config.retryMs,
      stopped,
      afterSync: async () => {
        await claimLedger.forgetGone((id) => store.byCredentialId(id) !== undefined);
        shadow.report();
        heartbeat.send();
      },
    });
    const entries = new EntryFlow({
      store,
      throttle,
      ledger: claimLedger,
      claims,
      recorder,
      log,
      now,
      online,
      newEventId,
      qrKeys: () => shadow.qrKeys,
      propertyId: this.identity.propertyId,
      panel: { id: this.identity.panelId, kind: this.identity.kind },
      keypadLocked: () => heartbeat.send(),
    });
    const unlock = new RemoteUnlock({ ledger: commandLedger, recorder, pump, events: this, log, now, newEventId, refusedVersion });
    const calls = new PanelCalls({ connection, stateDir, events: this, log, joinMedia: this.options.joinMedia });
    const packageRoom = new PackageRoom({ kind: this.identity.kind, stateDir, entries, calls, log });
    return { store, throttle, claimLedger, pump, claims, shadow, syncLoop, heartbeat, entries, unlock, calls, packageRoom };
  }

  /** Goes offline for good and stops the timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimers();
    await this.connection.disconnect();
  }

  /** Simulates losing the network: the panel keeps deciding from its set and queues events. */
  async disconnect(): Promise<void> {
    await this.connection.disconnect();
  }

  /** Back online: resolves when connected and the reconnect sync is done (events flush in the background). */
  async reconnect(timeoutMs = this.config.startTimeoutMs): Promise<void> {
    await this.connection.connect(timeoutMs);
    await this.parts?.syncLoop.wait(timeoutMs);
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  status(): PanelStatus {
    const p = this.parts;
    const lockedUntil = p?.throttle.lockedUntil(this.now());
    return {
      panelId: this.identity.panelId,
      connected: this.connection.connected,
      version: p?.store.version ?? 0,
      keyVersion: p?.store.keyVersion ?? 0,
      digest: p?.store.digest ?? '',
      entries: p?.store.size ?? 0,
      ...(p?.store.syncedAt && { lastSyncAt: p.store.syncedAt }),
      syncing: p?.syncLoop.syncing ?? false,
      outbox: p?.pump.size ?? 0,
      ...(lockedUntil && { keypadLockedUntil: lockedUntil.toISOString() }),
      pendingClaims: p?.claimLedger.pending.length ?? 0,
      offlinePassPolicy: p?.store.offlinePassPolicy ?? 'deny',
      timezone: p?.store.timezone ?? 'UTC',
      qrKeyIds: Object.keys(p?.shadow.qrKeys ?? {}),
      protocol: { version: PROTOCOL_VERSION, ...(this.refusedProtocol !== undefined && { refused: this.refusedProtocol }) },
    };
  }

  /**
   * The credential a code stands for in the set the panel holds, without pressing
   * a key: no event, no photo, no lockout count (for diagnostics and tests).
   */
  credentialFor(code: string): CredentialEntry | undefined {
    return this.parts?.store.lookupCode(code);
  }

  /** The held entry for a credential id (e.g. to see that a revocation arrived). */
  credentialById(id: string): CredentialEntry | undefined {
    return this.parts?.store.byCredentialId(id);
  }

  /** Resolves when every queued event (and ack, and offline claim) has reached the cloud; rejects after `timeoutMs`. */
  async drain(timeoutMs = 30_000): Promise<void> {
    const p = this.requireStarted();
    const deadline = Date.now() + timeoutMs;
    await p.pump.drain(timeoutMs);
    while (p.claimLedger.pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`offline claims not reconciled within ${timeoutMs} ms`);
      await p.claims.reconcile().catch(() => {});
      if (p.claimLedger.pending.length > 0) await sleep(200);
    }
  }

  /** Forces a sync now (normally driven by connects and shadow deltas). */
  async sync(): Promise<void> {
    await this.requireStarted().syncLoop.request('requested');
  }

  /**
   * A visitor QR token scanned at the panel: verified offline with the property's
   * public keys from the shadow, valid only inside its window by this panel's
   * clock, refused if the set marks the pass revoked.
   */
  async scan(token: string): Promise<EntryResult> {
    return this.decide((p) => p.entries.scan(token));
  }

  /** A code typed on the keypad: decides, releases the door on a grant, and queues the access event. */
  async enter(code: string, options: { source?: 'keypad' | 'qr' } = {}): Promise<EntryResult> {
    return this.decide((p) => p.entries.enter(code, options.source ?? 'keypad'));
  }

  /**
   * A resident's unit and door PIN at the keypad (a package room's "Resident" screen, or an
   * entrance where the property allows door PINs): decided from the held set, counted by the
   * keypad throttle when wrong.
   */
  async enterResidentPin(unit: string, pin: string): Promise<EntryResult> {
    return this.decide((p) => p.entries.enterResidentPin(unit, pin));
  }

  /**
   * Package room, "Finish delivery": the code decided like at an entrance (delivery PINs and
   * passes only), recipients from the directory copy; a grant records one event with the delivery.
   * Throws PackageRoomError (nothing recorded) for a recipient the directory does not have.
   */
  async deliver(code: string, recipients: RecipientPick[]): Promise<DeliveryResult> {
    return this.decide((p) => p.packageRoom.deliver(code, recipients));
  }

  /** Package room, "Resident": unit and door PIN; a grant records the pickup (see package-room.ts for `packages`). */
  async pickup(unit: string, pin: string): Promise<PickupResult> {
    return this.decide((p) => p.packageRoom.pickup(unit, pin));
  }

  /** The package room's screens (directory for recipients, the panel's tally of packages delivered here). */
  get packageRoom(): PackageRoom {
    return this.requireStarted().packageRoom;
  }

  /** The directory from the cloud, kept on disk (offline: the last copy). */
  async syncDirectory() {
    return this.requireStarted().calls.syncDirectory();
  }

  /** Directory entries (display name, unit, target id) matching a name or unit. */
  searchDirectory(query: string) {
    return this.requireStarted().calls.search(query);
  }

  /** The Call button: rings a unit (as typed) or a directory target; then `call` events follow. Needs the network. */
  async call(target: { unit: string } | { targetId: string }) {
    return this.requireStarted().calls.start(target);
  }

  /** The visitor hangs up. */
  async hangUp(callId: string): Promise<void> {
    await this.requireStarted().calls.hangUp(callId);
  }

  /** Every decision at the door: after the sync under way, and announced as a `decision` event. */
  private async decide<T extends EntryResult>(decision: (p: Parts) => Promise<T>): Promise<T> {
    const p = this.requireStarted();
    await this.settleSync(p);
    const result = await decision(p);
    this.emit('decision', result);
    return result;
  }

  /** Right after a (re)connect a sync is under way: let revocations land before deciding. */
  private async settleSync(p: Parts): Promise<void> {
    if (p.syncLoop.syncing) await p.syncLoop.wait(this.config.syncWaitMs).catch(() => {});
  }

  private onConnected(): void {
    const p = this.parts;
    if (this.stopped || !p) return;
    // The shadow first (subscribed, document asked for), like a vendor's boot order; the sync is
    // started synchronously all the same: an entry from now on waits for it.
    const shadowReady = p.shadow.onConnected().catch((error) => this.log.warn('shadow subscription failed', { error: errorText(error) }));
    const sync = p.syncLoop.request('connect', shadowReady);
    p.heartbeat.start();
    this.emit('connected');
    void sync.then(async () => {
      await p.claims.reconcile().catch((error) => this.log.warn('claim reconciliation failed', { error: errorText(error) }));
      p.pump.kick();
    });
  }

  private stopTimers(): void {
    this.parts?.calls.stop();
    this.parts?.heartbeat.stop();
    this.parts?.syncLoop.stop();
    this.parts?.pump.stop();
  }

  private requireStarted(): Parts {
    if (!this.parts) throw new Error('PanelAgent: call start() (or PanelAgent.open()) first');
    return this.parts;
  }
}
