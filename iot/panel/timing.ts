/** Timing helpers of the panel agent: retries with backoff, deadlines, sleeps. */
const MAX_RETRY_MS = 60_000;

/** One pending retry with exponential backoff. */
export class Retry {
  private timer: NodeJS.Timeout | undefined;
  private delay = 0;

  schedule(baseMs: number, run: () => void): void {
    if (this.timer) return;
    this.delay = this.delay === 0 ? baseMs : Math.min(this.delay * 2, MAX_RETRY_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      run();
    }, this.delay);
  }

  reset(): void {
    this.cancel();
    this.delay = 0;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
