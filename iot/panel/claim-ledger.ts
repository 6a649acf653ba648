import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './files.ts';

/**
 * What the panel remembers about single-use passes (`claims.json`): which it let in (so one is
 * not let in twice while offline) and which offline grants the cloud has not heard of yet
 * (reported with pass.claim { offline: true }, same attemptId and eventId, so they count once).
 */
export interface PendingClaim {
  attemptId: string;
  credentialId: string;
  eventId: string;
  at: string;
}

interface Saved {
  /** single-use credentials used on this panel (by id, with the time), kept while they are in the set */
  usedLocally: Record<string, string>;
  pending: PendingClaim[];
}

export const CLAIMS_FILE = 'claims.json';

export class ClaimLedger {
  private state: Saved = { usedLocally: {}, pending: [] };

  private constructor(private readonly file: string | undefined) {}

  /** Loads `<stateDir>/claims.json`; memory-only without a state dir. */
  static async open(stateDir?: string): Promise<ClaimLedger> {
    const ledger = new ClaimLedger(stateDir ? join(stateDir, CLAIMS_FILE) : undefined);
    const saved = ledger.file ? await readJson<Partial<Saved>>(ledger.file) : undefined;
    if (saved) {
      ledger.state = {
        usedLocally: typeof saved.usedLocally === 'object' && saved.usedLocally !== null ? saved.usedLocally : {},
        pending: Array.isArray(saved.pending) ? saved.pending.filter(isPending) : [],
      };
    }
    return ledger;
  }

  usedHere(credentialId: string): boolean {
    return this.state.usedLocally[credentialId] !== undefined;
  }

  /** Offline grants not yet reported, oldest first. */
  get pending(): readonly PendingClaim[] {
    return this.state.pending;
  }

  /** The cloud granted a claim: remember the use (an offline retry must not let it in again). */
  async markUsed(credentialId: string, at: Date): Promise<void> {
    this.state.usedLocally[credentialId] = at.toISOString();
    await this.save();
  }

  /** An offline grant: used here, and owed to the cloud. */
  async recordOfflineGrant(claim: PendingClaim): Promise<void> {
    this.state.usedLocally[claim.credentialId] = claim.at;
    this.state.pending.push(claim);
    await this.save();
  }

  /** The cloud has answered the offline claim (whatever it said): it is no longer owed. */
  async settle(attemptId: string): Promise<void> {
    this.state.pending = this.state.pending.filter((p) => p.attemptId !== attemptId);
    await this.save();
  }

  /** After a sync: passes gone from the set need no "used" mark (unless a claim is still owed). */
  async forgetGone(held: (credentialId: string) => boolean): Promise<void> {
    let changed = false;
    for (const id of Object.keys(this.state.usedLocally)) {
      if (!held(id) && !this.state.pending.some((p) => p.credentialId === id)) {
        delete this.state.usedLocally[id];
        changed = true;
      }
    }
    if (changed) await this.save();
  }

  private async save(): Promise<void> {
    if (this.file) await writeJsonAtomic(this.file, this.state);
  }
}

const isPending = (p: unknown): p is PendingClaim =>
  typeof p === 'object' && p !== null && ['attemptId', 'credentialId', 'eventId', 'at'].every((k) => typeof (p as Record<string, unknown>)[k] === 'string');
