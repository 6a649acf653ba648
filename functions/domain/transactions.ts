import { setTimeout as sleep } from 'node:timers/promises';

/** How the unit of work (stores.table) reports a refused write: by name, as DynamoDB does; no SDK import here. */
interface Cancelled extends Error {
  CancellationReasons?: Array<{ Code?: string }>;
}

/**
 * Runs a conditional write and tells which condition failed: DynamoDB reports a
 * cancelled transaction as one reason per item, in order. Returns the index of the
 * first failed condition, or -1 when the write succeeded.
 *
 * Two transactions touching the same item at once can both be cancelled with
 * TransactionConflict (neither wins); those are retried so that a race always has
 * exactly one winner and the losers see the winner's condition failure.
 */
export async function attempt(write: () => Promise<unknown>, retries = 8): Promise<number> {
  for (let tryNo = 0; ; tryNo++) {
    try {
      await write();
      return -1;
    } catch (err) {
      const error = err as Cancelled;
      if (error?.name === 'ConditionalCheckFailedException') return 0;
      if (error?.name !== 'TransactionCanceledException') throw err;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) return failed;
      const conflicted = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflicted || tryNo >= retries) throw err;
      await sleep(5 + Math.random() * 20 * (tryNo + 1));
    }
  }
}
