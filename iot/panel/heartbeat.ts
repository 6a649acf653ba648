import type { Heartbeat } from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';
import type { PanelConnection } from './connection.ts';
import type { CredentialStore } from './credential-store.ts';
import type { KeypadThrottle } from './keypad-throttle.ts';
import { errorText, type PanelLogger } from './log.ts';

/** Liveness for the cloud while online: the set the panel holds and a keypad lock, every `heartbeatMs`. */
export class HeartbeatSender {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly parts: {
      connection: PanelConnection;
      store: CredentialStore;
      throttle: KeypadThrottle;
      log: PanelLogger;
      now: () => Date;
      heartbeatMs: number;
      /** after each beat (e.g. report owed claims close to when they happened) */
      afterBeat: () => void;
    },
  ) {}

  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.send(), this.parts.heartbeatMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  send(): void {
    const { connection, store, throttle, log } = this.parts;
    if (!connection.connected) return;
    const now = this.parts.now();
    const lockedUntil = throttle.lockedUntil(now);
    const beat: Heartbeat = {
      protocolVersion: PROTOCOL_VERSION,
      at: now.toISOString(),
      credentials: { version: store.version, digest: store.digest },
      ...(lockedUntil && { keypadLockedUntil: lockedUntil.toISOString() }),
    };
    connection.publish(connection.topics.heartbeat, beat).catch((error) => log.debug('heartbeat not sent', { error: errorText(error) }));
    this.parts.afterBeat();
  }
}
