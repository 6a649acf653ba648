import type { BenchContext } from './lib/context.ts';
import { log, median, ms } from './lib/stats.ts';

/**
 * Roster sync (PUT .../roster) on the local stack, through the API as a property-management system
 * calls it: `rows` residents (each its own unit, with an e-mail and a phone) into a fresh property.
 * - coldMs: the first PUT (every row a move-in: membership, resident, audit record, roster entry);
 * - unchangedMs: the same PUT again (two queries, no writes);
 * - changedMs: the same roster with 10% of the names changed and 10% of the rows gone (updates, move-outs);
 * - dryRunMs: that last roster with dryRun (the diff only).
 * `runs` fresh properties, the median of each; wall clock of the whole HTTP call.
 */
interface RosterResult {
  added: string[];
  updated: string[];
  movedOut: string[];
  unchanged: string[];
  errors: unknown[];
}

const rosterOf = (rows: number) =>
  Array.from({ length: rows }, (_, i) => ({
    externalId: `pms-${i}`,
    name: `Resident ${i}`,
    unit: `${Math.floor(i / 10) + 1}${'ABCDEFGHJK'[i % 10]}`,
    email: `resident-${i}@example.com`,
    phone: `+1555${String(1000000 + i).slice(-7)}`,
    moveInDate: '2025-01-01',
  }));

export async function rosterBench(ctx: BenchContext, opts: { rows?: number; runs?: number } = {}) {
  const rows = opts.rows ?? 300;
  const runs = opts.runs ?? 3;
  const samples = { coldMs: [] as number[], unchangedMs: [] as number[], changedMs: [] as number[], dryRunMs: [] as number[] };
  for (let run = 0; run < runs; run++) {
    const property = await ctx.newProperty(`Bench Roster Tower ${run}`);
    const roster = rosterOf(rows);
    const put = async (residents: unknown[], dryRun = false) => {
      const t = performance.now();
      const reply = await ctx.expect<RosterResult>(200, 'PUT', `/properties/${property.id}/roster`, { token: property.tokens.admin, body: { residents, dryRun } });
      return { ms: performance.now() - t, body: reply.body };
    };
    const cold = await put(roster);
    if (cold.body.added.length !== rows || cold.body.errors.length > 0) throw new Error(`cold: ${cold.body.added.length} added, ${cold.body.errors.length} errors`);
    const unchanged = await put(roster);
    if (unchanged.body.unchanged.length !== rows) throw new Error(`unchanged: ${unchanged.body.unchanged.length} of ${rows}`);
    const changedRoster = roster.filter((_, i) => i % 10 !== 9).map((r, i) => (i % 10 === 0 ? { ...r, name: `${r.name} Jr` } : r));
    const dry = await put(changedRoster, true);
    const changed = await put(changedRoster);
    if (changed.body.movedOut.length !== rows / 10 || changed.body.updated.length !== Math.ceil((rows * 0.9) / 10)) {
      throw new Error(`changed: ${changed.body.updated.length} updated, ${changed.body.movedOut.length} moved out`);
    }
    samples.coldMs.push(cold.ms);
    samples.unchangedMs.push(unchanged.ms);
    samples.dryRunMs.push(dry.ms);
    samples.changedMs.push(changed.ms);
    log(`roster ${rows} rows: cold ${ms(cold.ms, 0)} ms, unchanged ${ms(unchanged.ms, 0)} ms, dryRun ${ms(dry.ms, 0)} ms, changed ${ms(changed.ms, 0)} ms`);
  }
  return {
    rows,
    runs,
    coldMs: ms(median(samples.coldMs), 0),
    unchangedMs: ms(median(samples.unchangedMs), 0),
    dryRunMs: ms(median(samples.dryRunMs), 0),
    changedMs: ms(median(samples.changedMs), 0),
    samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => ms(x, 0))])),
  };
}
