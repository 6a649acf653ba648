import { invokeLambda } from './lambda-runtime.ts';

/**
 * The local EventBridge schedule: invokes the scheduled functions (the same
 * handlers CDK schedules) every `everySeconds`, and once at start, so that what
 * a crash left behind is repaired when the stack comes back.
 */
export function startSchedules(opts: { everySeconds: number; onError?: (fn: string, error: unknown) => void }) {
  const functions = ['reconcile'];
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = Promise.all(
      functions.map((fn) =>
        invokeLambda(fn, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, time: new Date().toISOString() }).catch((error: unknown) =>
          opts.onError?.(fn, error),
        ),
      ),
    );
  };
  tick();
  const timer = setInterval(tick, opts.everySeconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
