import type { DirectoryEntry } from '../protocol/messages.ts';
import type { PanelAgent } from './agent.ts';
import { errorText } from './log.ts';
import { PackageRoomError, type RecipientPick } from './package-room.ts';

/**
 * The package room's screens in the interactive simulator (seed 001's demo), one typed line
 * per step: Delivery (code -> recipient by name or unit -> count -> another or Finish) and
 * Resident (unit -> door PIN). "Search Directory" is the simulator's `directory` and `call`.
 * An empty line or `cancel` leaves a screen; nothing is decided before Finish.
 */
type Step =
  | { screen: 'delivery'; at: 'code' }
  | { screen: 'delivery'; at: 'recipient'; code: string; picks: RecipientPick[] }
  | { screen: 'delivery'; at: 'choose'; code: string; picks: RecipientPick[]; matches: DirectoryEntry[] }
  | { screen: 'delivery'; at: 'count'; code: string; picks: RecipientPick[]; pick: { unit: string } | { targetId: string }; label: string }
  | { screen: 'resident'; at: 'unit' }
  | { screen: 'resident'; at: 'pin'; unit: string };

const LIST_MAX = 10;

export class PackageRoomScreens {
  private step: Step | undefined;

  constructor(
    private readonly agent: PanelAgent,
    private readonly out: (line: string) => void,
  ) {}

  get active(): boolean {
    return this.step !== undefined;
  }

  /** The prompt of the current step. */
  get prompt(): string {
    switch (this.step?.at) {
      case 'code':
        return 'delivery PIN or pass> ';
      case 'recipient':
        return this.step.picks.length === 0 ? 'recipient (name or unit)> ' : 'another recipient, or Enter to Finish> ';
      case 'choose':
        return 'number> ';
      case 'count':
        return `packages for ${this.step.label} [1]> `;
      case 'unit':
        return 'unit> ';
      case 'pin':
        return 'door PIN> ';
      default:
        return 'panel> ';
    }
  }

  async delivery(): Promise<void> {
    const synced = await this.agent.packageRoom.openDirectory();
    this.out(`DELIVERY: type your delivery PIN or pass (no code? 'cancel', then 'directory <name or unit>' and 'call').${synced.offline ? ' (offline: the saved directory)' : ''}`);
    this.step = { screen: 'delivery', at: 'code' };
  }

  resident(): void {
    this.out('RESIDENT: your unit, then your door PIN.');
    this.step = { screen: 'resident', at: 'unit' };
  }

  /** One typed line for the current step. */
  async input(line: string): Promise<void> {
    const step = this.step;
    if (!step) return;
    const text = line.trim();
    if (text === 'cancel' || (text === '' && step.at !== 'recipient' && step.at !== 'count')) {
      this.out('cancelled');
      this.step = undefined;
      return;
    }
    try {
      switch (step.at) {
        case 'code':
          this.step = { screen: 'delivery', at: 'recipient', code: text, picks: [] };
          break;
        case 'recipient':
          if (text === '') {
            if (step.picks.length === 0) {
              this.out('cancelled');
              this.step = undefined;
            } else await this.finish(step.code, step.picks);
            break;
          }
          {
            const matches = this.agent.packageRoom.search(text).filter((e) => e.unit !== null);
            // A unit typed exactly is the whole unit (every resident there hears of it), not one person.
            const unit = matches.find((e) => e.unit?.toLowerCase() === text.toLowerCase())?.unit;
            if (unit) this.step = { screen: 'delivery', at: 'count', code: step.code, picks: step.picks, pick: { unit }, label: `unit ${unit}` };
            else this.choices(step.code, step.picks, matches);
          }
          break;
        case 'choose': {
          const picked = step.matches[Number(text) - 1];
          if (!picked) {
            this.out(`a number from 1 to ${step.matches.length}`);
            break;
          }
          this.choices(step.code, step.picks, [picked]);
          break;
        }
        case 'count': {
          const count = text === '' ? 1 : Number(text);
          if (!Number.isInteger(count) || count < 1 || count > 99) {
            this.out('1 to 99 packages');
            break;
          }
          this.step = { screen: 'delivery', at: 'recipient', code: step.code, picks: [...step.picks, { ...step.pick, count }] };
          break;
        }
        case 'unit':
          this.step = { screen: 'resident', at: 'pin', unit: text };
          break;
        case 'pin': {
          this.step = undefined;
          const result = await this.agent.pickup(step.unit, text);
          if (result.decision === 'granted') {
            this.out(
              `DOOR OPEN  ${result.packages ?? 0} package(s) delivered here for ${result.unit}  ${JSON.stringify({ decision: 'granted', packages: result.packages ?? 0, eventId: result.eventId })}`,
            );
          } else this.out(`denied: ${result.reason}  ${JSON.stringify({ decision: 'denied', reason: result.reason, eventId: result.eventId })}`);
          break;
        }
      }
    } catch (error) {
      this.step = undefined;
      this.out(error instanceof PackageRoomError ? `refused: ${error.reason}` : `error: ${errorText(error)}`);
    }
  }

  /** One match: ask its count; several: a numbered list; none: ask again. */
  private choices(code: string, picks: RecipientPick[], matches: DirectoryEntry[]): void {
    if (matches.length === 0) {
      this.out('nobody found; try a name or a unit');
      return;
    }
    const [only] = matches;
    if (matches.length === 1 && only) {
      const label = `${only.name} (${only.unit})`;
      this.step = { screen: 'delivery', at: 'count', code, picks, pick: { targetId: only.targetId }, label };
      return;
    }
    const shown = matches.slice(0, LIST_MAX);
    for (const [i, e] of shown.entries()) this.out(`  ${i + 1}. ${e.unit}  ${e.name}`);
    if (matches.length > shown.length) this.out(`  ... ${matches.length - shown.length} more: type more of the name or unit`);
    this.step = { screen: 'delivery', at: 'choose', code, picks, matches: shown };
  }

  private async finish(code: string, picks: RecipientPick[]): Promise<void> {
    this.step = undefined;
    const result = await this.agent.deliver(code, picks);
    if (result.decision === 'granted') {
      const to = result.recipients.map((r) => `${r.count} for ${r.unit}`).join(', ');
      this.out(`DOOR OPEN: ${to}${result.offline ? '  (decided offline)' : ''}  ${JSON.stringify({ decision: 'granted', deliveryIds: [result.eventId] })}`);
    } else this.out(`denied: ${result.reason}  ${JSON.stringify({ decision: 'denied', reason: result.reason, eventId: result.eventId })}`);
  }
}
