import { settleAll } from './concurrency.ts';

/*
 * The outbox core, shared by notifications (notifications.ts) and webhook deliveries (webhooks.ts).
 * A record is written in the same transaction as its cause and then delivered by a worker that
 *   claims it (a conditional write: due and not done -> `sending` with a lease, attempts + 1),
 *   delivers, and settles it: done, back in the queue after a backoff, or given up
 *   (notifications: `failed`; webhooks: `parked`).
 * Only the claimer delivers, so the stream trigger and the retry schedule never both do; a worker
 * that dies mid-send leaves a claim that lapses, and the next run takes the record again.
 * The table side (claim, settle, the due index) is adapters/outbox-items.ts.
 */

export interface OutboxRef {
  propertyId: string;
  id: string;
}

/** What every outbox record carries. */
export interface OutboxRecord extends OutboxRef {
  status: string;
  attempts: number;
  /** While `sending`: when the claim lapses. */
  claimedUntil?: string;
  /** While waiting after a failed attempt: not before this. */
  nextAttemptAt?: string;
  lastError?: string;
}

export interface OutboxQueue<Ref, R extends OutboxRecord> {
  get(ref: Ref): Promise<R | undefined>;
  /** Due and not done (or `sending` with a lapsed claim) -> sending until `leaseUntil`, attempts + 1; undefined when someone else has it or it is done. */
  claim(ref: Ref, at: string, leaseUntil: string): Promise<R | undefined>;
}

/** How long a claim holds: longer than any send (the senders' own timeouts are shorter). */
export const CLAIM_SECONDS = 120;

export const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

/** `base` s, doubling per attempt, capped at `cap` s: attempt 1 -> base, 2 -> 2 base, ... */
export const exponentialBackoff =
  (base: number, cap: number) =>
  (attempts: number): number =>
    Math.min(cap, base * 2 ** Math.max(0, attempts - 1));

/**
 * Reads the record, then claims it: `before` (as it was: a `sending` one means the claim before
 * lapsed, the worker may have handed it over) and `claimed`, or undefined when there is nothing to do.
 */
export async function claimRecord<Ref, R extends OutboxRecord>(queue: OutboxQueue<Ref, R>, ref: Ref, now: Date): Promise<{ before: R; claimed: R } | undefined> {
  const before = await queue.get(ref);
  if (!before) return undefined;
  const claimed = await queue.claim(ref, now.toISOString(), plusSeconds(now, CLAIM_SECONDS));
  return claimed && { before, claimed };
}

/**
 * Runs `deliver` over refs, `concurrency` at once, counting outcomes. A delivery that threw stays
 * claimed until its lease lapses (the next run takes it); the first such error is thrown after
 * all have run, so the trigger reports the failure.
 */
export async function deliverAll<Ref, O extends string>(
  refs: readonly Ref[],
  concurrency: number,
  deliver: (ref: Ref) => Promise<O>,
  outcomes: readonly O[],
): Promise<Record<O, number>> {
  const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<O, number>;
  const settled = await settleAll(refs, concurrency, deliver);
  for (const o of settled) if (o.status === 'fulfilled') counts[o.value]++;
  const failed = settled.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return counts;
}
