import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { monotonicFactory, ulid } from 'ulid';
import type { AccessEvent, AccessMethod, ClaimResponse, CommandAck, CredentialEntry, Heartbeat, PanelResponse, PhotoUrlResponse, SyncResponse } from '../protocol/messages.ts';
import { unlockCommand } from '../protocol/messages.ts';
import { scheduleAllows } from '../protocol/schedule.ts';
import { verifyVisitorQr } from '../protocol/visitor-qr.ts';
import { HEARTBEAT_SECONDS } from '../protocol/topics.ts';
import { PanelConnection, RequestTimeoutError } from './connection.ts';
import { CredentialStore, type OfflinePassPolicy } from './credential-store.ts';
import { EventQueue, type OutboxTransport } from './event-queue.ts';
import { readJson, writeJsonAtomic } from './files.ts';
import type { PanelIdentity } from './identity.ts';
import { KeypadThrottle } from './keypad-throttle.ts';
import { errorText, stderrLogger, type PanelLogger } from './log.ts';
import { takePhoto } from './photo.ts';
import type { AgentEvents, DoorRelease, EntryResult, PanelAgentConfig, PanelAgentOptions, PanelStatus, SyncSummary } from './agent-types.ts';
import { sameReported, shadowTopicsFor, type ShadowDocument } from './shadow-document.ts';
import { Retry, sleep, withDeadline } from './timing.ts';

export type { DoorRelease, EntryResult, PanelAgentConfig, PanelAgentOptions, PanelStatus, SyncSummary } from './agent-types.ts';

/**
 * The reference panel agent: what a door panel runs. It keeps the property's credential set
 * in step with the cloud (shadow announces the version; request/response delivers current /
 * delta / full), decides keypad entries locally (offline too), claims single-use passes in
 * the cloud, executes remote unlocks at most once and never late, and queues every decision as
 * an access event (grants with a photo) until the broker has it.
 */
interface PendingClaim {
  attemptId: string;
  credentialId: string;
  eventId: string;
  at: string;
}

interface ClaimsState {
  /** single-use credentials used on this panel (by id, with the time), kept while they are in the set */
  usedLocally: Record<string, string>;
  /** offline grants to report with pass.claim { offline: true } */
  pending: PendingClaim[];
}

interface ExecutedCommand {
  expiresAt: string;
  eventId: string;
}

const METHOD_OF: Record<CredentialEntry['type'], AccessMethod> = {
  'delivery-pin': 'delivery-pin',
  'delivery-pass': 'delivery-pass',
  'visitor-pass': 'visitor',
};


export class PanelAgent extends EventEmitter<AgentEvents> {
  readonly identity: PanelIdentity;
  readonly stateDir: string;
  readonly now: () => Date;
  private readonly config: Required<Omit<PanelAgentConfig, 'keypad' | 'photo' | 'fetch' | 'log'>> & Pick<PanelAgentConfig, 'keypad' | 'photo'>;
  private readonly log: PanelLogger;
  private readonly fetch: typeof fetch;
  private readonly onDoorRelease?: (release: DoorRelease) => void;
  private readonly connection: PanelConnection;
  private readonly shadowTopics: ReturnType<typeof shadowTopicsFor>;
  private readonly nextUlid = monotonicFactory();

  private store!: CredentialStore;
  private outbox!: EventQueue;
  private throttle!: KeypadThrottle;
  private claims: ClaimsState = { usedLocally: {}, pending: [] };
  private executed = new Map<string, ExecutedCommand>();
  private started = false;
  private stopped = false;

  private syncRunning: Promise<void> | undefined;
  private syncAgain = false;
  private shadowVersion = 0;
  private qrKeys: Record<string, string> = {};
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private syncRetry = new Retry();
  private flushRetry = new Retry();
  private reconciling: Promise<void> | undefined;
  private flushing = false;
  private flushAgain = false;

  constructor(options: PanelAgentOptions) {
    super();
    this.identity = options.identity;
    this.stateDir = options.stateDir;
    this.now = options.now ?? (() => new Date());
    const config = options.config ?? {};
    this.config = {
      heartbeatMs: config.heartbeatMs ?? HEARTBEAT_SECONDS * 1000,
      requestTimeoutMs: config.requestTimeoutMs ?? 8_000,
      syncWaitMs: config.syncWaitMs ?? 5_000,
      claimTimeoutMs: config.claimTimeoutMs ?? 4_000,
      claimAttempts: config.claimAttempts ?? 2,
      retryMs: config.retryMs ?? 2_000,
      startTimeoutMs: config.startTimeoutMs ?? 10_000,
      keepAliveSeconds: config.keepAliveSeconds ?? 30,
      reconnectMinMs: config.reconnectMinMs ?? 1_000,
      reconnectMaxMs: config.reconnectMaxMs ?? 30_000,
      keypad: config.keypad,
      photo: config.photo,
    };
    this.log = config.log ?? stderrLogger(`panel ${options.identity.panelId}`);
    this.fetch = config.fetch ?? globalThis.fetch;
    this.onDoorRelease = options.onDoorRelease;
    this.shadowTopics = shadowTopicsFor(this.identity.panelId);
    this.connection = new PanelConnection(this.identity, {
      keepAliveSeconds: this.config.keepAliveSeconds,
      requestTimeoutMs: this.config.requestTimeoutMs,
      reconnectMinMs: this.config.reconnectMinMs,
      reconnectMaxMs: this.config.reconnectMaxMs,
      log: this.log,
    });
    const { commands } = this.connection.topics;
    this.connection.addSubscription(commands, this.shadowTopics.getAccepted, this.shadowTopics.getRejected, this.shadowTopics.updateDelta);
    this.connection.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.connection.on('connect', () => this.onConnected());
    this.connection.on('disconnect', () => this.onDisconnected());
  }

  /**
   * Loads the saved state and goes online. Resolves once connected and synced, or after
   * `startTimeoutMs` (the panel then works offline from its saved set and keeps trying).
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    this.store = await CredentialStore.open({ stateDir: this.stateDir, fetch: this.fetch, now: this.now });
    this.outbox = await EventQueue.open(join(this.stateDir, 'outbox'));
    this.throttle = await KeypadThrottle.open(this.config.keypad, this.stateDir);
    const claims = await readJson<ClaimsState>(this.file('claims.json'));
    if (claims) this.claims = { usedLocally: claims.usedLocally ?? {}, pending: claims.pending ?? [] };
    this.qrKeys = (await readJson<Record<string, string>>(this.file('qr-keys.json'))) ?? {};
    const executed = await readJson<Record<string, ExecutedCommand>>(this.file('commands.json'));
    this.executed = new Map(Object.entries(executed ?? {}));
    this.log.info('starting', { version: this.store.version, entries: this.store.size, outbox: this.outbox.size });
    try {
      await this.connection.connect(this.config.startTimeoutMs);
      await this.waitForSync(this.config.startTimeoutMs);
    } catch (error) {
      this.log.warn('offline at start, working from the saved set', { error: errorText(error) });
    }
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
    await this.waitForSync(timeoutMs);
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  status(): PanelStatus {
    const lockedUntil = this.throttle?.lockedUntil(this.now());
    return {
      panelId: this.identity.panelId,
      connected: this.connection.connected,
      version: this.store?.version ?? 0,
      keyVersion: this.store?.keyVersion ?? 0,
      digest: this.store?.digest ?? '',
      entries: this.store?.size ?? 0,
      ...(this.store?.syncedAt && { lastSyncAt: this.store.syncedAt }),
      syncing: this.syncRunning !== undefined,
      outbox: this.outbox?.size ?? 0,
      ...(lockedUntil && { keypadLockedUntil: lockedUntil.toISOString() }),
      pendingClaims: this.claims.pending.length,
      offlinePassPolicy: this.store?.offlinePassPolicy ?? 'deny',
      timezone: this.store?.timezone ?? 'UTC',
      qrKeyIds: Object.keys(this.qrKeys),
    };
  }

  /**
   * The credential a code stands for in the set the panel holds, without pressing
   * a key: no event, no photo, no lockout count (for diagnostics and tests).
   */
  credentialFor(code: string): CredentialEntry | undefined {
    return this.store?.lookupCode(code);
  }

  /** The held entry for a credential id (e.g. to see that a revocation arrived). */
  credentialById(id: string): CredentialEntry | undefined {
    return this.store?.byCredentialId(id);
  }

  /** Resolves when every queued event (and ack, and offline claim) has reached the cloud; rejects after `timeoutMs`. */
  async drain(timeoutMs = 30_000): Promise<void> {
    this.requireStarted();
    const deadline = Date.now() + timeoutMs;
    this.flushOutbox();
    await withDeadline(this.outbox.whenEmpty(), timeoutMs, `outbox not delivered within ${timeoutMs} ms (${this.outbox.size} left)`);
    while (this.claims.pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`offline claims not reconciled within ${timeoutMs} ms`);
      await this.reconcileClaims().catch(() => {});
      if (this.claims.pending.length > 0) await sleep(200);
    }
  }

  /** Forces a sync now (normally driven by connects and shadow deltas). */
  async sync(): Promise<void> {
    this.requireStarted();
    await this.requestSync('requested');
  }

  /**
   * A visitor QR token scanned at the panel: verified offline with the property's
   * public keys from the shadow, valid only inside its window by this panel's
   * clock, refused if the set marks the pass revoked.
   */
  async scan(token: string): Promise<EntryResult> {
    this.requireStarted();
    if (this.syncRunning) await this.waitForSync(this.config.syncWaitMs).catch(() => {});
    const at = this.now();
    const eventId = this.nextUlid(at.getTime());
    const base = { eventId, at, method: 'visitor' as const };
    let result: EntryResult;
    if (this.throttle.isLocked(at)) {
      result = await this.decide({ ...base, decision: 'denied', reason: 'keypad-locked' });
    } else {
      const verdict = verifyVisitorQr(token, { publicKeys: this.qrKeys, propertyId: this.identity.propertyId, now: at });
      if (!verdict.ok) {
        // Forged or garbled tokens count like wrong codes; honest but expired ones do not.
        const forged = verdict.reason === 'malformed' || verdict.reason === 'bad-signature' || verdict.reason === 'unknown-key';
        const lockedUntil = forged ? (await this.throttle.recordFailure(at)).lockedUntil : undefined;
        result = await this.decide({ ...base, decision: 'denied', reason: `qr-${verdict.reason}` });
        if (lockedUntil) await this.reportLock(at, lockedUntil);
      } else {
        const entry = this.store.byCredentialId(verdict.claims.id);
        result = entry?.revoked
          ? await this.decide({ ...base, decision: 'denied', reason: 'revoked', credentialId: verdict.claims.id })
          : await this.decide({ ...base, decision: 'granted', credentialId: verdict.claims.id });
      }
    }
    this.emit('decision', result);
    return result;
  }

  /** A code typed on the keypad: decides, releases the door on a grant, and queues the access event. */
  async enter(code: string, options: { source?: 'keypad' | 'qr' } = {}): Promise<EntryResult> {
    this.requireStarted();
    const result = await this.decideEntry(code, options.source ?? 'keypad');
    this.emit('decision', result);
    return result;
  }

  // ---- decisions -------------------------------------------------------------------------

  private async decideEntry(code: string, source: 'keypad' | 'qr'): Promise<EntryResult> {
    // Right after a (re)connect a sync is under way: let revocations land before deciding.
    if (this.syncRunning) await this.waitForSync(this.config.syncWaitMs).catch(() => {});
    const at = this.now();
    const eventId = this.nextUlid(at.getTime());
    const unknownMethod: AccessMethod = source === 'qr' ? 'visitor' : 'delivery-pin';

    if (this.throttle.isLocked(at)) {
      return this.decide({ eventId, at, method: unknownMethod, decision: 'denied', reason: 'keypad-locked' });
    }
    const entry = this.store.lookupCode(code);
    if (!entry) {
      const claimed = source === 'keypad' ? await this.claimUnknownCode(code, { eventId, at }) : undefined;
      if (claimed) return claimed;
      const { lockedUntil } = await this.throttle.recordFailure(at);
      const result = await this.decide({ eventId, at, method: unknownMethod, decision: 'denied', reason: 'unknown-code' });
      if (lockedUntil) await this.reportLock(at, lockedUntil);
      return result;
    }
    const method = METHOD_OF[entry.type] ?? unknownMethod;
    const base = { eventId, at, method, credentialId: entry.id };
    const invalid = entry.revoked ? 'revoked' : this.invalidReason(entry, at);
    if (invalid) return this.decide({ ...base, decision: 'denied', reason: invalid });
    if (entry.singleUse) return this.redeemSingleUse(entry, base);
    return this.decide({ ...base, decision: 'granted' });
  }

  /**
   * Under the deny offline policy the panel holds no single-use passes (a stolen panel
   * must not give them away): a code it does not know may be one, which only the
   * cloud can tell. Undefined when it is not a pass (or no answer came): an unknown code.
   */
  private async claimUnknownCode(code: string, base: { eventId: string; at: Date }): Promise<EntryResult | undefined> {
    if (this.store.offlinePassPolicy === 'allow-once-and-reconcile' || !this.connection.connected) return undefined;
    try {
      const reply = await this.connection.request<ClaimResponse | Extract<PanelResponse, { ok: false }>>(
        { op: 'pass.claim', attemptId: ulid(), code, eventId: base.eventId, at: base.at.toISOString() },
        { timeoutMs: this.config.claimTimeoutMs, attempts: this.config.claimAttempts },
      );
      if (!reply.ok || reply.credentialId === undefined) return undefined;
      const pass = { ...base, method: 'delivery-pass' as const, credentialId: reply.credentialId };
      if (reply.decision === 'granted') return this.decide({ ...pass, decision: 'granted', ...(reply.reason !== undefined && { reason: reply.reason }) });
      return this.decide({ ...pass, decision: 'denied', reason: reply.reason ?? 'already-used' });
    } catch (error) {
      this.log.warn('code claim got no answer', { error: errorText(error) });
      return undefined;
    }
  }

  private invalidReason(entry: CredentialEntry, at: Date): string | undefined {
    if (entry.validFrom && at.getTime() < Date.parse(entry.validFrom)) return 'not-yet-valid';
    if (entry.validUntil && at.getTime() >= Date.parse(entry.validUntil)) return 'expired';
    if (entry.schedule && !scheduleAllows(entry.schedule, at, this.store.timezone)) return 'outside-schedule';
    return undefined;
  }

  /**
   * Single-use credentials: online, the cloud decides (pass.claim, retried with the same
   * attemptId so a lost reply gets the same answer), always, so its rules (grace re-entry,
   * cancellation, a use on another panel) apply; without an answer the property's offline
   * policy decides, and a pass used on this panel is not let in again offline.
   */
  private async redeemSingleUse(entry: CredentialEntry, base: { eventId: string; at: Date; method: AccessMethod; credentialId: string }): Promise<EntryResult> {
    const attemptId = ulid();
    const claim = { op: 'pass.claim' as const, attemptId, credentialId: entry.id, eventId: base.eventId, at: base.at.toISOString() };
    let unreachable: 'offline' | 'claim-timeout' = 'offline';
    if (this.connection.connected) {
      try {
        const reply = await this.connection.request<ClaimResponse | Extract<PanelResponse, { ok: false }>>(claim, {
          timeoutMs: this.config.claimTimeoutMs,
          attempts: this.config.claimAttempts,
        });
        if (!reply.ok) {
          this.log.warn('pass claim refused', { credentialId: entry.id, error: reply.error });
          return this.decide({ ...base, decision: 'denied', reason: 'claim-error' });
        }
        if (reply.decision === 'granted') {
          await this.markUsed(entry.id, base.at);
          // e.g. reason 'grace-reentry': the cloud let the same courier in again shortly after
          return this.decide({ ...base, decision: 'granted', ...(reply.reason !== undefined && { reason: reply.reason }) });
        }
        return this.decide({ ...base, decision: 'denied', reason: reply.reason ?? 'already-used' });
      } catch (error) {
        // No answer (timeout, connection lost, any transport failure): the cloud may or may not
        // have the claim; an offline grant reconciles with the same attemptId, so it cannot count twice.
        unreachable = error instanceof RequestTimeoutError ? 'claim-timeout' : 'offline';
        this.log.warn('pass claim got no answer, applying the offline policy', { credentialId: entry.id, policy: this.store.offlinePassPolicy, error: errorText(error) });
      }
    }
    if (this.store.offlinePassPolicy !== 'allow-once-and-reconcile') {
      return this.decide({ ...base, decision: 'denied', reason: unreachable, offline: true });
    }
    if (this.claims.usedLocally[entry.id]) return this.decide({ ...base, decision: 'denied', reason: 'already-used', offline: true });
    this.claims.usedLocally[entry.id] = base.at.toISOString();
    this.claims.pending.push({ attemptId, credentialId: entry.id, eventId: base.eventId, at: base.at.toISOString() });
    await this.saveClaims();
    return this.decide({ ...base, decision: 'granted', offline: true });
  }

  private async markUsed(credentialId: string, at: Date): Promise<void> {
    this.claims.usedLocally[credentialId] = at.toISOString();
    await this.saveClaims();
  }

  /** Records a decision: door, photo (grants), access event queued, outbox flushed when online. */
  private async decide(d: { eventId: string; at: Date; method: AccessMethod; decision: 'granted' | 'denied'; reason?: string; credentialId?: string; commandId?: string; offline?: boolean }): Promise<EntryResult> {
    const offline = d.offline === true || !this.connection.connected;
    const event: AccessEvent = {
      eventId: d.eventId,
      at: d.at.toISOString(),
      method: d.method,
      decision: d.decision,
      ...(d.reason !== undefined && { reason: d.reason }),
      ...(d.credentialId !== undefined && { credentialId: d.credentialId }),
      ...(d.commandId !== undefined && { commandId: d.commandId }),
      ...(offline && { offline: true }),
    };
    let photo: Buffer | undefined;
    if (d.decision === 'granted') {
      this.releaseDoor({ method: d.method, eventId: d.eventId, at: event.at, credentialId: d.credentialId, commandId: d.commandId });
      photo = takePhoto({ panelId: this.identity.panelId, at: d.at, method: d.method, eventId: d.eventId }, this.config.photo);
    }
    await this.outbox.enqueueEvent(event, photo);
    this.log.info('access decision', { eventId: d.eventId, method: d.method, decision: d.decision, reason: d.reason, credentialId: d.credentialId, commandId: d.commandId, offline });
    this.emit('event', event);
    const result: EntryResult = {
      decision: d.decision,
      method: d.method,
      ...(d.reason !== undefined && { reason: d.reason }),
      eventId: d.eventId,
      ...(d.credentialId !== undefined && { credentialId: d.credentialId }),
      ...(offline && { offline: true }),
    };
    this.flushOutbox();
    return result;
  }

  private releaseDoor(release: DoorRelease): void {
    const clean = Object.fromEntries(Object.entries(release).filter(([, v]) => v !== undefined)) as unknown as DoorRelease;
    try {
      this.onDoorRelease?.(clean);
    } catch (error) {
      this.log.error('door release hook failed', { error: errorText(error) });
    }
    this.emit('door', clean);
  }

  /** The keypad just locked: one access event for the lock itself, and the cloud hears it in a heartbeat. */
  private async reportLock(at: Date, lockedUntil: Date): Promise<void> {
    this.log.warn('keypad locked after repeated wrong codes', { until: lockedUntil.toISOString() });
    await this.decide({ eventId: this.nextUlid(at.getTime()), at, method: 'delivery-pin', decision: 'denied', reason: 'keypad-locked' });
    this.sendHeartbeat();
  }

  // ---- remote unlock ---------------------------------------------------------------------

  private async onCommand(payload: Buffer): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn('unreadable command');
      return;
    }
    const parsed = unlockCommand.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('invalid command', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return;
    }
    const command = parsed.data;
    const now = this.now();
    this.pruneExecuted(now);
    const done = this.executed.get(command.commandId);
    if (done) {
      // A re-sent (or replayed) command: confirm again, never unlock again.
      this.log.info('command already executed', { commandId: command.commandId });
      await this.sendAck({ commandId: command.commandId, status: 'executed', at: now.toISOString(), eventId: done.eventId });
      return;
    }
    if (Date.parse(command.expiresAt) <= now.getTime()) {
      this.log.warn('command expired, not executed', { commandId: command.commandId, expiresAt: command.expiresAt });
      await this.sendAck({ commandId: command.commandId, status: 'expired', at: now.toISOString() });
      return;
    }
    const eventId = this.nextUlid(now.getTime());
    this.executed.set(command.commandId, { expiresAt: command.expiresAt, eventId }); // before any await: a duplicate arriving now is a repeat
    await this.saveExecuted();
    await this.decide({ eventId, at: now, method: 'remote-unlock', decision: 'granted', commandId: command.commandId });
    await this.sendAck({ commandId: command.commandId, status: 'executed', at: now.toISOString(), eventId });
  }

  private async sendAck(ack: CommandAck): Promise<void> {
    this.emit('ack', ack);
    try {
      await this.connection.publish(this.connection.topics.acks, ack);
    } catch (error) {
      this.log.warn('ack not sent, queued', { commandId: ack.commandId, error: errorText(error) });
      await this.outbox.enqueueAck(ack);
      this.flushOutbox();
    }
  }

  private pruneExecuted(now: Date): void {
    for (const [id, command] of this.executed) if (Date.parse(command.expiresAt) < now.getTime()) this.executed.delete(id);
  }

  // ---- sync ------------------------------------------------------------------------------

  private onConnected(): void {
    if (this.stopped) return;
    // Started first, synchronously: an entry from now on waits for this sync.
    const sync = this.requestSync('connect');
    this.shadowGet();
    this.startHeartbeat();
    this.emit('connected');
    void sync.then(async () => {
      await this.reconcileClaims().catch((error) => this.log.warn('claim reconciliation failed', { error: errorText(error) }));
      this.flushOutbox();
    });
  }

  private onDisconnected(): void {
    this.stopTimers();
    this.emit('disconnected');
  }

  private requestSync(reason: string): Promise<void> {
    if (this.syncRunning) {
      this.syncAgain = true;
      return this.syncRunning;
    }
    const run = async () => {
      do {
        this.syncAgain = false;
        if (!this.connection.connected || this.stopped) return;
        try {
          await this.syncOnce(reason);
          this.syncRetry.reset();
        } catch (error) {
          this.log.warn('credential sync failed', { reason, error: errorText(error) });
          if (!this.syncAgain) this.syncRetry.schedule(this.config.retryMs, () => void this.requestSync('retry'));
        }
      } while (this.syncAgain);
    };
    this.syncRunning = run().finally(() => (this.syncRunning = undefined));
    return this.syncRunning;
  }

  private async syncOnce(reason: string): Promise<void> {
    let forceFull = false;
    for (let round = 0; round < 3; round++) {
      const haveVersion = forceFull ? 0 : this.store.version;
      const haveKeyVersion = forceFull ? 0 : this.store.keyVersion;
      const response = await this.connection.request<SyncResponse | Extract<PanelResponse, { ok: false }>>({ op: 'credentials.sync', haveVersion, haveKeyVersion });
      if (!response.ok) throw new Error(`sync refused: ${response.error}`);
      const outcome = await this.store.apply(response);
      if (outcome.status === 'needs-full') {
        this.log.warn('credential set out of step, fetching it in full', { why: outcome.why });
        forceFull = true;
        continue;
      }
      const summary: SyncSummary = { kind: response.kind, version: this.store.version, keyVersion: this.store.keyVersion, digest: this.store.digest, entries: this.store.size };
      this.log.info('credentials synced', { reason, ...summary, digest: undefined });
      await this.afterSync();
      this.emit('synced', summary);
      return;
    }
    throw new Error('credential set still out of step after a full sync');
  }

  private async afterSync(): Promise<void> {
    // Single-use credentials no longer in the set need no local "used" mark any more.
    let changed = false;
    for (const id of Object.keys(this.claims.usedLocally)) {
      if (!this.store.byCredentialId(id) && !this.claims.pending.some((p) => p.credentialId === id)) {
        delete this.claims.usedLocally[id];
        changed = true;
      }
    }
    if (changed) await this.saveClaims();
    this.reportShadow();
    this.sendHeartbeat();
  }

  private async waitForSync(timeoutMs: number): Promise<void> {
    const running = this.syncRunning;
    if (running) await withDeadline(running, timeoutMs, `sync not finished within ${timeoutMs} ms`);
  }

  /** Offline grants of single-use passes, reported with their original attemptId and eventId. */
  private reconcileClaims(): Promise<void> {
    this.reconciling ??= (async () => {
      for (const claim of [...this.claims.pending]) {
        if (!this.connection.connected) return;
        const reply = await this.connection.request<ClaimResponse | Extract<PanelResponse, { ok: false }>>(
          { op: 'pass.claim', attemptId: claim.attemptId, credentialId: claim.credentialId, eventId: claim.eventId, at: claim.at, offline: true },
          { timeoutMs: this.config.claimTimeoutMs, attempts: this.config.claimAttempts },
        );
        if (!reply.ok) this.log.warn('offline claim refused by the cloud', { credentialId: claim.credentialId, error: reply.error });
        else if (reply.decision !== 'granted') this.log.warn('offline grant not confirmed by the cloud', { credentialId: claim.credentialId, eventId: claim.eventId, reason: reply.reason });
        else this.log.info('offline grant reconciled', { credentialId: claim.credentialId, eventId: claim.eventId });
        this.claims.pending = this.claims.pending.filter((p) => p.attemptId !== claim.attemptId);
        await this.saveClaims();
      }
    })().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  // ---- shadow ----------------------------------------------------------------------------

  private shadowGet(): void {
    this.connection.publish(this.shadowTopics.get, { clientToken: ulid() }).catch((error) => this.log.warn('shadow get failed', { error: errorText(error) }));
  }

  /** Visitor-QR public keys (current and previous), kept on disk so scans verify offline after a restart. */
  private async saveQrKeys(keys: Record<string, string>): Promise<void> {
    const valid = Object.fromEntries(Object.entries(keys).filter(([, v]) => typeof v === 'string'));
    if (JSON.stringify(valid) === JSON.stringify(this.qrKeys)) return;
    this.qrKeys = valid;
    await writeJsonAtomic(this.file('qr-keys.json'), valid);
    this.reportShadow();
  }

  private reportShadow(): void {
    const reported = { version: this.store.version, keyVersion: this.store.keyVersion, qrKeys: this.qrKeys, timezone: this.store.timezone, offlinePassPolicy: this.store.offlinePassPolicy };
    this.connection
      .publish(this.shadowTopics.update, { state: { reported }, clientToken: ulid() })
      .catch((error) => this.log.warn('shadow report failed', { error: errorText(error) }));
  }

  /** get/accepted and update/delta: newer than what we saw, and announcing a set we lack, start a sync. */
  private onShadow(kind: 'get' | 'delta', document: ShadowDocument): void {
    const version = typeof document.version === 'number' ? document.version : 0;
    if (version < this.shadowVersion || (kind === 'delta' && version === this.shadowVersion)) {
      this.log.debug('stale shadow message dropped', { kind, version, seen: this.shadowVersion });
      return;
    }
    this.shadowVersion = version;
    const wanted = kind === 'get' ? document.state?.desired : document.state;
    if (!wanted) return;
    if (wanted.qrKeys && typeof wanted.qrKeys === 'object') {
      // A delta holds only the keys that changed and never says which were retired:
      // read the whole desired state instead.
      if (kind === 'get') void this.saveQrKeys(wanted.qrKeys as Record<string, string>);
      else this.shadowGet();
    }
    const policy = {
      timezone: typeof wanted.timezone === 'string' ? wanted.timezone : undefined,
      offlinePassPolicy: wanted.offlinePassPolicy === 'deny' || wanted.offlinePassPolicy === 'allow-once-and-reconcile' ? (wanted.offlinePassPolicy as OfflinePassPolicy) : undefined,
    };
    if (this.store.hasSet && (policy.timezone || policy.offlinePassPolicy)) void this.store.applyPolicy(policy).then((changed) => changed && this.reportShadow());
    const wantedVersion = typeof wanted.version === 'number' ? wanted.version : this.store.version;
    const wantedKey = typeof wanted.keyVersion === 'number' ? wanted.keyVersion : this.store.keyVersion;
    if (wantedKey !== this.store.keyVersion || wantedVersion > this.store.version) {
      this.log.info('shadow announces a newer credential set', { version: wantedVersion, keyVersion: wantedKey, have: this.store.version });
      void this.requestSync('shadow');
    } else if (wantedVersion < this.store.version) {
      this.log.debug('shadow announces an older set than the panel holds, ignored', { version: wantedVersion, have: this.store.version });
    } else if (kind === 'delta' || !sameReported(document.state?.reported, this.store)) {
      // We hold what is desired but never said so (e.g. a report lost across a reconnect).
      if (!this.syncRunning) this.reportShadow();
    }
  }

  // ---- heartbeat, outbox -----------------------------------------------------------------

  private startHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.config.heartbeatMs);
  }

  private sendHeartbeat(): void {
    if (!this.connection.connected) return;
    const now = this.now();
    const lockedUntil = this.throttle.lockedUntil(now);
    const beat: Heartbeat = {
      at: now.toISOString(),
      credentials: { version: this.store.version, digest: this.store.digest },
      ...(lockedUntil && { keypadLockedUntil: lockedUntil.toISOString() }),
    };
    this.connection.publish(this.connection.topics.heartbeat, beat).catch((error) => this.log.debug('heartbeat not sent', { error: errorText(error) }));
    // A claim that timed out while the connection stayed up is reported now, not at the next reconnect:
    // the cloud accepts an offline claim only close to when it could have happened.
    if (this.claims.pending.length > 0) void this.reconcileClaims().catch((error) => this.log.warn('claim reconciliation failed', { error: errorText(error) }));
  }

  private readonly transport: OutboxTransport = {
    photoUploadUrl: async (eventId) => {
      const reply = await this.connection.request<PhotoUrlResponse | Extract<PanelResponse, { ok: false }>>({ op: 'photo.upload-url', eventId });
      if (!reply.ok) throw new Error(`photo upload URL refused: ${reply.error}`);
      return { url: reply.url, key: reply.key };
    },
    putPhoto: async (url, jpeg) => {
      const response = await this.fetch(url, { method: 'PUT', body: new Uint8Array(jpeg), headers: { 'content-type': 'image/jpeg' } });
      if (!response.ok) throw new Error(`photo upload failed: HTTP ${response.status}`);
      await response.arrayBuffer().catch(() => undefined);
    },
    publishEvent: (event) => this.connection.publish(this.connection.topics.events, event),
    publishAck: (ack) => this.connection.publish(this.connection.topics.acks, ack),
  };

  private flushOutbox(): void {
    if (!this.connection.connected || this.stopped || this.outbox.size === 0) return;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushAgain = false;
    this.flushing = true;
    this.outbox.flush(this.transport).then(
      (result) => {
        this.flushing = false;
        this.flushRetry.reset();
        if (result.sent > 0) this.log.debug('outbox flushed', { ...result });
        // Something queued right after the run ended is picked up here.
        if (this.flushAgain || this.outbox.size > 0) this.flushOutbox();
      },
      (error: unknown) => {
        this.flushing = false;
        this.log.warn('outbox flush failed, will retry', { left: this.outbox.size, error: errorText(error) });
        if (this.connection.connected) this.flushRetry.schedule(this.config.retryMs, () => this.flushOutbox());
      },
    );
  }

  // ---- plumbing --------------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    if (topic === this.connection.topics.commands) {
      this.onCommand(payload).catch((error) => this.log.error('command handling failed', { error: errorText(error) }));
      return;
    }
    if (topic === this.shadowTopics.getAccepted || topic === this.shadowTopics.updateDelta) {
      let document: ShadowDocument;
      try {
        document = JSON.parse(payload.toString('utf8')) as ShadowDocument;
      } catch {
        return;
      }
      this.onShadow(topic === this.shadowTopics.updateDelta ? 'delta' : 'get', document);
      return;
    }
    if (topic === this.shadowTopics.getRejected) {
      // 404 before the cloud ever wrote the shadow: the sync request covers it.
      this.log.debug('shadow get rejected', { payload: payload.toString('utf8').slice(0, 200) });
    }
  }

  private stopTimers(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.syncRetry.cancel();
    this.flushRetry.cancel();
  }

  private requireStarted(): void {
    if (!this.started || !this.store) throw new Error('PanelAgent: call start() first');
  }

  private file(name: string): string {
    return join(this.stateDir, name);
  }

  private saveClaims(): Promise<void> {
    return writeJsonAtomic(this.file('claims.json'), this.claims);
  }

  private saveExecuted(): Promise<void> {
    return writeJsonAtomic(this.file('commands.json'), Object.fromEntries(this.executed));
  }
}
