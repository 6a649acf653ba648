import type { PanelAgent } from './agent.ts';
import { readStdinLine, UsageError } from './cli-input.ts';
import { errorText, type stderrLogger } from './log.ts';
import { PackageRoomError, type RecipientPick } from './package-room.ts';

/** `deliver` / `pickup` at a package-room panel: one JSON line; exit 0 granted and reported, 1 denied, 3 granted but still queued. */
export async function packageRoomOnce(
  agent: PanelAgent,
  command: 'deliver' | 'pickup',
  values: { code?: string; unit?: string[]; count?: string[]; pin?: string },
  timeoutMs: number,
  log: ReturnType<typeof stderrLogger>,
): Promise<number> {
  const units = values.unit ?? [];
  // '-' reads the code or PIN from stdin (not in the process list, not in npm's echo).
  const secret = async (value: string | undefined, what: string) => {
    if (!value) throw new UsageError(`${command} needs --${what}`);
    const read = value === '-' ? await readStdinLine() : value;
    if (!read) throw new UsageError(`${command} --${what} -: nothing on stdin`);
    return read;
  };
  const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
  let result: Awaited<ReturnType<PanelAgent['deliver']>> | Awaited<ReturnType<PanelAgent['pickup']>>;
  try {
    if (command === 'deliver') {
      const counts = values.count ?? [];
      if (units.length === 0) throw new UsageError('deliver needs --unit (and --count) for each recipient');
      if (counts.length > 0 && counts.length !== units.length) throw new UsageError('deliver: one --count per --unit');
      const picks: RecipientPick[] = units.map((unit, i) => ({ unit, count: Number(counts[i] ?? 1) }));
      result = await agent.deliver(await secret(values.code, 'code'), picks);
    } else {
      if (units.length !== 1 || !units[0]) throw new UsageError('pickup needs exactly one --unit');
      result = await agent.pickup(units[0], await secret(values.pin, 'pin'));
    }
  } catch (error) {
    if (!(error instanceof PackageRoomError)) throw error;
    print({ decision: 'denied', reason: error.reason });
    return 1;
  }
  let reported = agent.connected;
  if (reported) {
    try {
      await agent.drain(timeoutMs);
    } catch (error) {
      reported = false;
      log.error('access event not delivered (it stays queued and goes out with the next connection)', { error: errorText(error) });
    }
  } else log.warn('offline: decided from the saved set; the event stays queued and goes out with the next connection');
  const offline = result.offline === true || !reported ? { offline: true } : {};
  if (result.decision !== 'granted') {
    print({ decision: 'denied', reason: result.reason, eventId: result.eventId, ...offline });
    return 1;
  }
  if ('recipients' in result) print({ decision: 'granted', deliveryIds: [result.eventId], recipients: result.recipients, ...offline });
  else print({ decision: 'granted', packages: result.packages ?? 0, unit: result.unit, eventId: result.eventId, ...offline });
  return reported ? 0 : 3;
}
