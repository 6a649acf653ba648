import { join } from 'node:path';
import type * as z from 'zod';
import type { DirectoryEntry, packageRecipient } from '../protocol/messages.ts';
import type { EntryResult } from './agent-types.ts';
import type { PanelCalls } from './calls.ts';
import type { EntryFlow } from './entry-flow.ts';
import { readJson, writeJsonAtomic } from './files.ts';
import { errorText, type PanelLogger } from './log.ts';

/**
 * The package room (seed 001), on a panel of kind `package-room`:
 * - Delivery: a delivery PIN or pass, decided exactly like at an entrance (schedules, doors,
 *   single-use passes claimed in the cloud, whose grace re-entry lets an entrance's courier in
 *   here too) -> recipients picked from the directory copy the panel holds (by name or unit; the
 *   last copy offline) -> a count each -> Finish: the code is decided only now, so an abandoned
 *   screen burns no single-use pass; a grant releases the door, takes the photo and records ONE
 *   access event carrying `delivery.recipients`.
 * - Resident: unit -> door PIN (entry-decider.ts decideResidentPin, bound to the unit; a wrong
 *   pair counts towards the keypad lock) -> door, photo, an access event with `pickup`.
 * Both go through the outbox, so offline they are decided here and reported later, once.
 *
 * The cloud keeps the packages (one record per recipient, written with the event). The panel
 * only keeps a tally of what was delivered through THIS panel since the unit's last pickup here
 * (packages.json), to show "3 packages" on the pickup screen; front-desk packages and other
 * package rooms are not in it.
 */
export type PackageRecipient = z.input<typeof packageRecipient>;

/** Who the courier picked: a unit (as typed or from the list) or a directory line; `count` packages. */
export type RecipientPick = ({ unit: string } | { targetId: string }) & { count: number };

/** A Finish or a pickup refused before anything reached the door (nothing recorded, nothing counted). */
export class PackageRoomError extends Error {
  constructor(readonly reason: 'not-a-package-room' | 'no-recipients' | 'too-many-recipients' | 'bad-count' | 'unknown-unit' | 'unknown-recipient' | 'no-unit') {
    super(`package room: ${reason}`);
    this.name = 'PackageRoomError';
  }
}

export type DeliveryResult = EntryResult & { recipients: PackageRecipient[] };
/** `packages`: what this panel delivered to the unit since its last pickup here (see above). */
export type PickupResult = EntryResult & { unit: string; packages?: number };

const DELIVERY_METHODS = ['delivery-pin', 'delivery-pass'] as const;
const MAX_RECIPIENTS = 10;
const MAX_COUNT = 99;

/** "4b " is unit 4B: case, accents and surrounding space do not matter (as in the directory search). */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

export class PackageRoom {
  private tally: Record<string, number> | undefined;
  private directoryLoaded = false;

  constructor(
    private readonly parts: {
      kind: string;
      stateDir: string;
      entries: EntryFlow;
      calls: PanelCalls;
      log: PanelLogger;
    },
  ) {}

  get isPackageRoom(): boolean {
    return this.parts.kind === 'package-room';
  }

  /** The Delivery / Search Directory screens open: the directory from the cloud, or the saved copy offline. */
  async openDirectory(): Promise<{ entries: number; offline: boolean }> {
    const synced = await this.parts.calls.syncDirectory();
    this.directoryLoaded = true;
    return synced;
  }

  /** Directory lines matching a name or unit, for the recipient list. */
  search(query: string): DirectoryEntry[] {
    return this.parts.calls.search(query);
  }

  /** Finish delivery: decides the code, and on a grant records one event carrying every recipient. */
  async deliver(code: string, picks: RecipientPick[]): Promise<DeliveryResult> {
    this.requirePackageRoom();
    const recipients = await this.resolve(picks);
    const result = await this.parts.entries.enter(code, 'keypad', { methods: DELIVERY_METHODS, grant: { delivery: { recipients } } });
    if (result.decision === 'granted') {
      await this.changeTally((t) => {
        for (const r of recipients) t[folded(r.unit)] = (t[folded(r.unit)] ?? 0) + r.count;
      });
    }
    return { ...result, recipients };
  }

  /** Resident -> unit -> door PIN: on a grant the event carries `pickup` and the unit's tally here is cleared. */
  async pickup(unit: string, pin: string): Promise<PickupResult> {
    this.requirePackageRoom();
    if (unit.trim() === '' || unit.length > 20) throw new PackageRoomError('unknown-unit');
    // The directory's spelling of the unit when it has one ("4b" -> "4B"); the PIN's hash binds the unit either way.
    const known = (await this.directory()).find((e) => e.unit !== null && folded(e.unit) === folded(unit))?.unit;
    const shown = known ?? unit.trim();
    const result = await this.parts.entries.enterResidentPin(shown, pin, { pickup: { unit: shown } });
    if (result.decision !== 'granted') return { ...result, unit: shown };
    let packages: number | undefined;
    await this.changeTally((t) => {
      packages = t[folded(shown)] ?? 0;
      delete t[folded(shown)];
    });
    return { ...result, unit: shown, ...(packages !== undefined && { packages }) };
  }

  /** The tally as this panel knows it (unit -> packages delivered here since the last pickup here). */
  async waiting(): Promise<Record<string, number>> {
    return { ...(await this.loadTally()) };
  }

  private requirePackageRoom(): void {
    if (!this.isPackageRoom) throw new PackageRoomError('not-a-package-room');
  }

  private async directory(): Promise<DirectoryEntry[]> {
    if (!this.directoryLoaded) await this.openDirectory();
    return this.parts.calls.search('');
  }

  /** Every pick names a unit of the directory copy (a line picked by name brings its unit and target id). */
  private async resolve(picks: RecipientPick[]): Promise<PackageRecipient[]> {
    if (picks.length === 0) throw new PackageRoomError('no-recipients');
    if (picks.length > MAX_RECIPIENTS) throw new PackageRoomError('too-many-recipients');
    const directory = await this.directory();
    return picks.map((pick) => {
      if (!Number.isInteger(pick.count) || pick.count < 1 || pick.count > MAX_COUNT) throw new PackageRoomError('bad-count');
      if ('targetId' in pick) {
        const line = directory.find((e) => e.targetId === pick.targetId);
        if (!line) throw new PackageRoomError('unknown-recipient');
        // Staff lines have no unit: a package room delivers to units.
        if (line.unit === null) throw new PackageRoomError('no-unit');
        return { unit: line.unit, targetId: line.targetId, count: pick.count };
      }
      const unit = directory.find((e) => e.unit !== null && folded(e.unit) === folded(pick.unit))?.unit;
      if (!unit) throw new PackageRoomError('unknown-unit');
      return { unit, count: pick.count };
    });
  }

  private async loadTally(): Promise<Record<string, number>> {
    this.tally ??= (await readJson<Record<string, number>>(join(this.parts.stateDir, 'packages.json'))) ?? {};
    return this.tally;
  }

  /** The event is on disk before this runs; the tally is only a display hint, so a failed write is logged, not thrown. */
  private async changeTally(change: (tally: Record<string, number>) => void): Promise<void> {
    try {
      const next = { ...(await this.loadTally()) };
      change(next);
      this.tally = next;
      await writeJsonAtomic(join(this.parts.stateDir, 'packages.json'), next);
    } catch (error) {
      this.parts.log.warn('package tally not saved', { error: errorText(error) });
    }
  }
}
