import { ulid } from 'ulid';
import type * as z from 'zod';
import { adminsOnly, requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import { unitKey } from './call-records.ts';
import { settleAll } from './concurrency.ts';
import { conflict } from './errors.ts';
import { finishMoveOut, moveInWrites, type Resident } from './people.ts';
import { loadProperty, type Property } from './property-record.ts';
import type { Write } from './records.ts';
import { localDate, startOfLocalDate } from './roster-dates.ts';
import type { Stores } from './stores.ts';
import { attempt } from './transactions.ts';
import { externalIdPattern, rosterRow } from '../schemas/roster.ts';

/*
 * Roster sync (PUT .../roster): the whole roster of a property-management system (PMS), applied
 * idempotently. Rules:
 * - Residents are matched by the PMS's `externalId`. Lobby keeps one roster entry per externalId
 *   (what the PMS last sent, and the resident it moved in): only those residents are the roster's.
 *   A resident moved in by hand (POST .../residents) is never touched by a sync.
 * - New row: moved in now (the API's move-in writes) if moveInDate <= today in the property's time
 *   zone, else scheduled: the entry waits, nobody is active until that day.
 * - Changed name, email, phone (or the unit's spelling): the resident is updated in place. A
 *   different unit is a move: out of the old unit (everything revoked: door PINs are bound to
 *   the unit) and in to the new one, a new residentId.
 * - Missing from the roster, or moveOutDate <= today: the API's resumable move-out, and the
 *   entry goes. A future moveOutDate is kept and applied on its day by the schedule
 *   (applyDueRosterChanges, run by the reconcile schedule).
 * - The roster is the source of truth: a roster resident moved out by hand in Lobby is moved in
 *   again by the next sync that still lists them (remove them in the PMS).
 * - Bad rows are reported in `errors` and skipped whole; valid rows apply. A resident whose row
 *   is bad but whose externalId can be read is not "missing". If some row's externalId cannot be
 *   read, nobody missing is moved out (`held`): that row might be them.
 * Roster residents have no app sign-in (their user id is `pms:<residentId>`): they are reached by
 * e-mail when the PMS gives one, and are in the directory for calls.
 */

export interface RosterRow {
  externalId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  moveInDate: string;
  moveOutDate?: string;
}

/** What Lobby keeps per roster resident: the row as the PMS last sent it, and the resident it moved in (none while scheduled). */
export interface RosterEntry extends RosterRow {
  propertyId: string;
  residentId?: string;
  /** Bumped on every write: each write is conditional on the one read (a sync and the schedule never both apply a change). */
  rev: number;
  /** When the schedule looks at it next (the start of the pending change's date in the property's time zone). */
  dueAt?: string;
}

export interface RosterRepository {
  /** Every entry of the property (one query). */
  all(propertyId: string): Promise<RosterEntry[]>;
  get(propertyId: string, externalId: string): Promise<RosterEntry | undefined>;
  /** The ids of the property's residents living here now (one query): a roster entry whose resident is not among them was moved out by hand. */
  livingResidentIds(propertyId: string): Promise<Set<string>>;
  /** The entry, new (no `seenRev`: none may exist) or over the one read (its rev unchanged); indexed as due at `entry.dueAt`. */
  put(entry: RosterEntry, seenRev?: number): Write;
  /** Deletes the entry if it is as read (or gone already). */
  remove(propertyId: string, externalId: string, seenRev: number): Write;
  /** Sets the resident's name, unit, e-mail and phone (removing those absent), while they live here; a new phone is unverified. */
  updateResident(propertyId: string, residentId: string, details: Pick<RosterRow, 'name' | 'unit' | 'email' | 'phone'>, phoneChanged: boolean): Write;
  /** Entries whose change is due at `at`, oldest first, at most `limit` (a sparse index: no scan). */
  due(at: string, limit: number): Promise<Array<{ propertyId: string; externalId: string }>>;
}

export interface RosterResult {
  dryRun: boolean;
  added: string[];
  updated: string[];
  movedOut: string[];
  unchanged: string[];
  scheduled: Array<{ externalId: string; change: 'move-in' | 'move-out'; date: string }>;
  held?: string[];
  errors: Array<{ index: number; externalId?: string; field?: string; detail: string }>;
}

type Outcome = 'added' | 'updated' | 'movedOut' | 'unchanged';

/** What one row (or a missing entry) needs: its outcome and the steps that make it so. */
interface Plan {
  outcome: Outcome;
  /** Move out the entry's resident first. */
  moveOut?: boolean;
  /** Move in a new resident from the row. */
  moveIn?: boolean;
  updateResident?: boolean;
  /** Write the entry as the row (with its resident); or remove it. */
  putEntry?: boolean;
  removeEntry?: boolean;
}

const ROW_CONCURRENCY = 16;
/**
 * A sync starts changes only this long after it began: API Gateway gives up at 30 s. What is left is
 * reported (`errors`, `held`) and the same PUT again finishes it (rows already applied are unchanged then).
 */
export const ROSTER_TIME_BUDGET_MS = 20_000;
/** The schedule's batch: due entries read per query (a run takes several while time is left). */
const DUE_BATCH = 200;
/** The actor of the schedule's changes in the audit trail. */
export const ROSTER_SCHEDULE_ACTOR = 'roster-schedule';

const gone = (row: RosterRow, today: string) => row.moveOutDate !== undefined && row.moveOutDate <= today;
const sameDetails = (a: RosterRow, b: RosterRow) => a.name === b.name && a.unit === b.unit && a.email === b.email && a.phone === b.phone;
const sameRow = (a: RosterRow, b: RosterRow) => sameDetails(a, b) && a.moveInDate === b.moveInDate && a.moveOutDate === b.moveOutDate;

/** The plan for a row against its entry (`entry.residentId` only if they still live here). Pure. */
export function planRow(row: RosterRow | undefined, entry: RosterEntry | undefined, today: string): Plan {
  if (!row) return entry ? { outcome: 'movedOut', moveOut: entry.residentId !== undefined, removeEntry: true } : { outcome: 'unchanged' };
  if (!entry) {
    // A past resident Lobby never had: nothing to do.
    if (gone(row, today)) return { outcome: 'unchanged' };
    return { outcome: 'added', moveIn: row.moveInDate <= today, putEntry: true };
  }
  if (gone(row, today)) return { outcome: 'movedOut', moveOut: entry.residentId !== undefined, removeEntry: true };
  if (entry.residentId === undefined) {
    if (row.moveInDate <= today) return { outcome: 'added', moveIn: true, putEntry: true };
    return sameRow(row, entry) ? { outcome: 'unchanged' } : { outcome: 'updated', putEntry: true };
  }
  if (sameRow(row, entry)) return { outcome: 'unchanged' };
  if (unitKey(row.unit) !== unitKey(entry.unit)) return { outcome: 'updated', moveOut: true, moveIn: true, putEntry: true };
  return { outcome: 'updated', updateResident: !sameDetails(row, entry), putEntry: true };
}

/** When the schedule must next look at an entry: its move-in while waiting, its move-out once moved in. */
function dueAt(entry: Pick<RosterEntry, 'residentId' | 'moveInDate' | 'moveOutDate'>, timeZone: string): string | undefined {
  if (entry.residentId === undefined) return startOfLocalDate(entry.moveInDate, timeZone);
  return entry.moveOutDate ? startOfLocalDate(entry.moveOutDate, timeZone) : undefined;
}

/** A roster change lost a race (another sync, the schedule): nothing of it was written. */
class RowConflict extends Error {}
/** A change not started: the sync's time was up. */
class OutOfTime extends Error {}

/** Carries out a plan. Throws RowConflict when the entry changed meanwhile; a move-out done before that stays done (it is resumable). */
async function applyPlan(stores: Stores, property: Property, row: RosterRow | undefined, entry: RosterEntry | undefined, plan: Plan, actor: string): Promise<void> {
  const { settings } = property;
  if (plan.moveOut && entry?.residentId) {
    const resident = await stores.residents.get(property.id, entry.residentId);
    if (resident) await finishMoveOut(stores, property.id, resident, actor, settings);
  }
  const writes: Write[] = [];
  if (plan.removeEntry && entry) writes.push(stores.roster.remove(property.id, entry.externalId, entry.rev));
  if (plan.putEntry && row) {
    let residentId = plan.moveIn ? undefined : entry?.residentId;
    if (plan.moveIn) {
      const id = `res_${ulid()}`;
      const resident: Resident = {
        id,
        userId: `pms:${id}`,
        name: row.name,
        unit: row.unit,
        ...(row.email ? { email: row.email } : {}),
        ...(row.phone ? { phone: row.phone } : {}),
        notify: row.email ? ['email'] : ['app'],
        movedInAt: stores.now().toISOString(),
        externalId: row.externalId,
      };
      writes.push(...moveInWrites(stores, property.id, resident, actor, settings.auditRetentionDays));
      residentId = id;
    }
    if (plan.updateResident && residentId && entry) {
      writes.push(stores.roster.updateResident(property.id, residentId, row, row.phone !== entry.phone));
    }
    const next: RosterEntry = { ...row, propertyId: property.id, rev: (entry?.rev ?? 0) + 1, ...(residentId ? { residentId } : {}) };
    const due = dueAt(next, property.timezone);
    writes.push(stores.roster.put(due ? { ...next, dueAt: due } : next, entry?.rev));
  }
  if (writes.length === 0) return;
  if ((await attempt(() => stores.table.transact(writes))) >= 0) throw new RowConflict('changed meanwhile');
}

/** The entry as the plan sees it: its resident only if they still live here (one moved out by hand is not). */
const asLiving = (entry: RosterEntry | undefined, living: Set<string>): RosterEntry | undefined => {
  if (!entry?.residentId || living.has(entry.residentId)) return entry;
  const { residentId: _gone, ...waiting } = entry;
  return waiting;
};

/** A row with null optional fields as absent ones. */
function toRow(parsed: z.output<typeof rosterRow>): RosterRow {
  return {
    externalId: parsed.externalId,
    name: parsed.name,
    unit: parsed.unit,
    ...(parsed.email ? { email: parsed.email } : {}),
    ...(parsed.phone ? { phone: parsed.phone } : {}),
    moveInDate: parsed.moveInDate,
    ...(parsed.moveOutDate ? { moveOutDate: parsed.moveOutDate } : {}),
  };
}

/** Rows checked one by one: the valid ones (by index), the errors, and every externalId that could be read. */
function checkRows(rows: readonly unknown[]) {
  const idOf = (raw: unknown) => {
    const id = typeof raw === 'object' && raw !== null ? (raw as { externalId?: unknown }).externalId : undefined;
    return typeof id === 'string' && externalIdPattern.test(id) ? id : undefined;
  };
  const counts = new Map<string, number>();
  for (const raw of rows) {
    const id = idOf(raw);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const valid: Array<{ index: number; row: RosterRow }> = [];
  const errors: RosterResult['errors'] = [];
  let unreadable = 0;
  rows.forEach((raw, index) => {
    const externalId = idOf(raw);
    if (externalId === undefined) unreadable++;
    const about = externalId !== undefined ? { index, externalId } : { index };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ ...about, detail: 'must be an object' });
      return;
    }
    // A duplicated externalId: which row is right is unknown, so none of them applies.
    if (externalId !== undefined && (counts.get(externalId) ?? 0) > 1) {
      errors.push({ ...about, field: 'externalId', detail: 'appears in more than one row: none of them is applied' });
      return;
    }
    const parsed = rosterRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join('.') : (issue as { keys?: string[] }).keys?.join(',');
        errors.push({ ...about, ...(field ? { field } : {}), detail: issue.message });
      }
      return;
    }
    valid.push({ index, row: toRow(parsed.data) });
  });
  return { valid, errors, mentioned: new Set(counts.keys()), unreadable };
}

/** The change still to come for a row after the sync (for `scheduled`). */
function pendingChange(row: RosterRow, movedIn: boolean): RosterResult['scheduled'][number] | undefined {
  if (!movedIn) return { externalId: row.externalId, change: 'move-in', date: row.moveInDate };
  return row.moveOutDate ? { externalId: row.externalId, change: 'move-out', date: row.moveOutDate } : undefined;
}

/** PUT .../roster: see the rules at the top. */
export async function syncRoster(
  stores: Stores,
  caller: Caller,
  propertyId: string,
  body: { residents: readonly unknown[]; dryRun?: boolean },
  opts: { budgetMs?: number } = {},
): Promise<RosterResult> {
  const stopAt = performance.now() + (opts.budgetMs ?? ROSTER_TIME_BUDGET_MS);
  /** Applies a plan that writes, if there is time left to start it. */
  const apply = async (row: RosterRow | undefined, entry: RosterEntry | undefined, plan: Plan) => {
    if (body.dryRun === true || plan.outcome === 'unchanged') return;
    if (performance.now() > stopAt) throw new OutOfTime();
    await applyPlan(stores, property, row, entry, plan, caller.userId);
  };
  const [, property, entries, living] = await Promise.all([
    requireRole(stores, caller, propertyId, adminsOnly),
    loadProperty(stores, propertyId),
    stores.roster.all(propertyId),
    stores.roster.livingResidentIds(propertyId),
  ]);
  const dryRun = body.dryRun === true;
  const today = localDate(stores.now(), property.timezone);
  const { valid, errors, mentioned, unreadable } = checkRows(body.residents);
  const byId = new Map(entries.map((e) => [e.externalId, asLiving(e, living)]));
  const result: RosterResult = { dryRun, added: [], updated: [], movedOut: [], unchanged: [], scheduled: [], errors };

  const failures: unknown[] = [];
  const outcomes = await settleAll(valid, ROW_CONCURRENCY, async ({ row }) => {
    const entry = byId.get(row.externalId);
    const plan = planRow(row, entry, today);
    await apply(row, entry, plan);
    return plan;
  });
  outcomes.forEach((outcome, i) => {
    const { index, row } = valid[i] as { index: number; row: RosterRow };
    if (outcome.status === 'rejected') {
      if (outcome.reason instanceof RowConflict)
        errors.push({ index, externalId: row.externalId, detail: 'changed by another sync or the schedule meanwhile: not applied; send the roster again' });
      else if (outcome.reason instanceof OutOfTime)
        errors.push({ index, externalId: row.externalId, detail: 'not applied: this sync ran out of time; send the roster again to finish' });
      else failures.push(outcome.reason);
      return;
    }
    const plan = outcome.value;
    result[plan.outcome].push(row.externalId);
    // The row's entry after the sync (none for a move-out, or a past resident Lobby never had): what it still waits for.
    const entry = byId.get(row.externalId);
    const kept = plan.putEntry === true || (plan.outcome === 'unchanged' && entry !== undefined);
    const pending = kept && pendingChange(row, plan.moveIn === true || entry?.residentId !== undefined);
    if (pending) result.scheduled.push(pending);
  });

  // Entries the roster no longer lists: moved out, unless a row could not be read (it might be them).
  const missing = entries.filter((e) => !mentioned.has(e.externalId));
  if (unreadable > 0) {
    if (missing.length > 0) result.held = missing.map((e) => e.externalId);
  } else {
    const moved = await settleAll(missing, ROW_CONCURRENCY, async (e) => {
      const entry = asLiving(e, living);
      await apply(undefined, entry, planRow(undefined, entry, today));
      return e.externalId;
    });
    const late: string[] = [];
    moved.forEach((m, i) => {
      if (m.status === 'fulfilled') result.movedOut.push(m.value);
      else if (m.reason instanceof OutOfTime) late.push((missing[i] as RosterEntry).externalId);
      else failures.push(m.reason);
    });
    if (late.length > 0) result.held = late;
  }
  errors.sort((a, b) => a.index - b.index);
  // A failure other than a lost race (DynamoDB unavailable...) fails the request once every row was tried: the same PUT again finishes the job.
  const failed = failures.find((f) => !(f instanceof RowConflict));
  if (failed) throw failed;
  if (failures.length > 0) throw conflict('The roster changed meanwhile (another sync or the schedule); send it again');
  return result;
}

/**
 * The schedule's part (run by the reconcile schedule): every entry whose change is due, in its
 * property's time zone, applied through the same plan as a sync that sends the entry's row again.
 * Idempotent: an entry is rewritten or removed only in the transaction that applies its change,
 * so a run that dies midway leaves the rest due, and the next run finishes (a move-out resumes).
 */
export async function applyDueRosterChanges(stores: Stores, opts: { maxBatches?: number } = {}): Promise<{ applied: number; failed: number }> {
  const now = stores.now();
  const properties = new Map<string, Promise<{ property: Property; living: Set<string> }>>();
  const propertyOf = (propertyId: string) => {
    let loaded = properties.get(propertyId);
    if (!loaded) {
      loaded = Promise.all([loadProperty(stores, propertyId), stores.roster.livingResidentIds(propertyId)]).then(([property, living]) => ({ property, living }));
      properties.set(propertyId, loaded);
    }
    return loaded;
  };
  let applied = 0;
  let failed = 0;
  const tried = new Set<string>();
  for (let batch = 0; batch < (opts.maxBatches ?? 5); batch++) {
    const refs = (await stores.roster.due(now.toISOString(), DUE_BATCH)).filter((ref) => !tried.has(`${ref.propertyId}#${ref.externalId}`));
    if (refs.length === 0) break;
    const outcomes = await settleAll(refs, 8, async (ref) => {
      tried.add(`${ref.propertyId}#${ref.externalId}`);
      const [{ property, living }, stored] = await Promise.all([propertyOf(ref.propertyId), stores.roster.get(ref.propertyId, ref.externalId)]);
      if (!stored?.dueAt || stored.dueAt > now.toISOString()) return false;
      const entry = asLiving(stored, living) as RosterEntry;
      const { propertyId: _p, residentId: _r, rev: _rev, dueAt: _due, ...row } = entry;
      const plan = planRow(row, entry, localDate(now, property.timezone));
      // Due by an old reckoning (the property's time zone changed): only the index is refreshed.
      if (plan.outcome === 'unchanged') {
        const { dueAt: _stale, ...rest } = stored;
        const due = dueAt(stored, property.timezone);
        await attempt(() => stores.table.transact([stores.roster.put({ ...rest, rev: stored.rev + 1, ...(due ? { dueAt: due } : {}) }, stored.rev)]));
        return false;
      }
      await applyPlan(stores, property, row, entry, plan, ROSTER_SCHEDULE_ACTOR);
      return true;
    });
    for (const o of outcomes) {
      if (o.status === 'fulfilled') applied += o.value ? 1 : 0;
      else failed++;
    }
    if (refs.length < DUE_BATCH) break;
  }
  return { applied, failed };
}
