/**
 * Polls until the check yields something truthy, then returns it. Propagation in the
 * stack is asynchronous (stream -> shadow -> panel sync, topic rules), so tests wait
 * for an outcome instead of sleeping a fixed time. Not a speed assertion: the bound
 * is generous, speed is measured in bench/.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
