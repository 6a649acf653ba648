import { invokeLambda } from './lambda-runtime.ts';

/**
 * The local EventBridge schedule: invokes the scheduled functions (the same
 * handlers CDK schedules) every `everySeconds`, and once at start, so that what
 * a crash left behind is repaired when the stack comes back.
 */
export function startSchedules(opts: {
  everySeconds: number;
  /** more scheduled functions, each at its own rate (the notifications outbox's retries) */
  also?: Array<{ fn: string; everySeconds: number }>;
  onError?: (fn: string, error: unknown) => void;
}) {
  const schedules = [{ fn: 'reconcile', everySeconds: opts.everySeconds }, ...(opts.also ?? [])];
  const running = new Map<string, Promise<unknown>>();
  const timers = schedules.map(({ fn, everySeconds }) => {
    const tick = () => {
      // One run at a time per function: a slow run is not overlapped by the next tick.
      if (running.has(fn)) return;
      const run = invokeLambda(fn, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, time: new Date().toISOString() })
        .catch((error: unknown) => opts.onError?.(fn, error))
        .finally(() => running.delete(fn));
      running.set(fn, run);
    };
    tick();
    const timer = setInterval(tick, everySeconds * 1000);
    timer.unref();
    return timer;
  });
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}
