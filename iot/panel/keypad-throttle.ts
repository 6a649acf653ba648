import { readJson, writeJsonAtomic } from './files.ts';

/**
 * Keypad brute-force throttle: `maxFailures` wrong codes within `windowMs` lock the keypad for
 * `lockMs`. While locked, every entry is refused without looking at the code (so a guess made
 * during the lock reveals nothing). The state is saved, so a power cycle does not reset it.
 */
export interface KeypadThrottleConfig {
  /** wrong codes that trigger the lock (default 5) */
  maxFailures: number;
  /** ...within this sliding window (default 5 min) */
  windowMs: number;
  /** how long the keypad stays locked (default 5 min) */
  lockMs: number;
}

export const DEFAULT_KEYPAD_THROTTLE: KeypadThrottleConfig = { maxFailures: 5, windowMs: 5 * 60_000, lockMs: 5 * 60_000 };

interface ThrottleState {
  /** epoch ms of recent wrong codes, oldest first */
  failures: number[];
  lockedUntil?: number;
}

export const KEYPAD_FILE = 'keypad.json';

export class KeypadThrottle {
  readonly config: KeypadThrottleConfig;
  private state: ThrottleState = { failures: [] };
  private readonly file: string | undefined;

  constructor(config: Partial<KeypadThrottleConfig> = {}, stateDir?: string) {
    this.config = { ...DEFAULT_KEYPAD_THROTTLE, ...config };
    if (!(this.config.maxFailures >= 1) || !(this.config.windowMs > 0) || !(this.config.lockMs > 0)) {
      throw new Error('keypad throttle: maxFailures >= 1, windowMs > 0 and lockMs > 0 are required');
    }
    this.file = stateDir ? `${stateDir}/${KEYPAD_FILE}` : undefined;
  }

  static async open(config: Partial<KeypadThrottleConfig> = {}, stateDir?: string): Promise<KeypadThrottle> {
    const throttle = new KeypadThrottle(config, stateDir);
    if (throttle.file) {
      const saved = await readJson<ThrottleState>(throttle.file);
      if (saved && Array.isArray(saved.failures)) {
        throttle.state = { failures: saved.failures.filter((t) => typeof t === 'number'), ...(typeof saved.lockedUntil === 'number' && { lockedUntil: saved.lockedUntil }) };
      }
    }
    return throttle;
  }

  /** The end of the current lock, or undefined when the keypad is usable at `now`. */
  lockedUntil(now: Date): Date | undefined {
    const until = this.state.lockedUntil;
    return until !== undefined && until > now.getTime() ? new Date(until) : undefined;
  }

  isLocked(now: Date): boolean {
    return this.lockedUntil(now) !== undefined;
  }

  /** Wrong codes counted in the window ending at `now`. */
  failureCount(now: Date): number {
    const since = now.getTime() - this.config.windowMs;
    return this.state.failures.filter((t) => t > since && t <= now.getTime()).length;
  }

  /**
   * Counts a wrong code. Returns `lockedUntil` when this failure engaged the lock. The failures
   * that caused a lock are forgotten, so after it a new series starts from zero.
   */
  async recordFailure(now: Date): Promise<{ lockedUntil?: Date }> {
    const t = now.getTime();
    const since = t - this.config.windowMs;
    const failures = [...this.state.failures.filter((f) => f > since && f <= t), t];
    let lockedUntil: Date | undefined;
    if (failures.length >= this.config.maxFailures) {
      lockedUntil = new Date(t + this.config.lockMs);
      this.state = { failures: [], lockedUntil: lockedUntil.getTime() };
    } else {
      this.state = { ...this.state, failures };
    }
    await this.save();
    return lockedUntil ? { lockedUntil } : {};
  }

  private async save(): Promise<void> {
    if (this.file) await writeJsonAtomic(this.file, this.state);
  }
}
