import { join } from 'node:path';
import type { UnlockCommand } from '../protocol/messages.ts';
import { readJson, writeJsonAtomic } from './files.ts';

/**
 * Remote unlocks run at most once and never late (`commands.json`): a command is admitted once,
 * before its expiry by the panel's clock; a repeat (re-sent, or replayed from the persistent
 * session, or after a restart) is confirmed again with the first run's event, never run again.
 * Entries are kept until their command expires, after which no copy could be admitted anyway.
 */
interface Executed {
  expiresAt: string;
  eventId: string;
}

export type Admission = { verdict: 'run'; eventId: string } | { verdict: 'repeat'; eventId: string } | { verdict: 'expired' };

export const COMMANDS_FILE = 'commands.json';

export class CommandLedger {
  private executed = new Map<string, Executed>();

  private constructor(private readonly file: string | undefined) {}

  static async open(stateDir?: string): Promise<CommandLedger> {
    const ledger = new CommandLedger(stateDir ? join(stateDir, COMMANDS_FILE) : undefined);
    const saved = ledger.file ? await readJson<Record<string, Executed>>(ledger.file) : undefined;
    for (const [id, done] of Object.entries(saved ?? {})) {
      if (typeof done?.expiresAt === 'string' && typeof done.eventId === 'string') ledger.executed.set(id, done);
    }
    return ledger;
  }

  /**
   * Decides and records in one synchronous step (a duplicate arriving while the first run is
   * still saving is a repeat). `eventId` names the run's access event. Call save() before acting.
   */
  admit(command: Pick<UnlockCommand, 'commandId' | 'expiresAt'>, now: Date, eventId: () => string): Admission {
    for (const [id, done] of this.executed) if (Date.parse(done.expiresAt) < now.getTime()) this.executed.delete(id);
    const done = this.executed.get(command.commandId);
    if (done) return { verdict: 'repeat', eventId: done.eventId };
    if (Date.parse(command.expiresAt) <= now.getTime()) return { verdict: 'expired' };
    const run = { expiresAt: command.expiresAt, eventId: eventId() };
    this.executed.set(command.commandId, run);
    return { verdict: 'run', eventId: run.eventId };
  }

  async save(): Promise<void> {
    if (this.file) await writeJsonAtomic(this.file, Object.fromEntries(this.executed));
  }
}
