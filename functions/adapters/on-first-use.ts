/** An interface whose every member is an async method. */
type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * An adapter whose module (and the AWS client in it) is imported on its first call, not when
 * the function loads: most requests of a function never touch S3, the IoT data plane or the
 * IoT registry. `methods` names every method of the interface (types cannot be enumerated at
 * run time; the Record type makes a missing or unknown name a type error).
 * A failed load is not remembered: the next call tries again.
 */
export function onFirstUse<T extends AsyncMethods<T>>(load: () => Promise<T>, methods: Record<keyof T, true>): T {
  let loaded: Promise<T> | undefined;
  const target = () => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  const forwarding: Partial<Record<keyof T, unknown>> = {};
  for (const name of Object.keys(methods) as Array<keyof T>) {
    forwarding[name] = async (...args: unknown[]) => {
      const adapter = await target();
      return Reflect.apply(adapter[name], adapter, args);
    };
  }
  // Every method of T is named in `methods` and forwards T's own arguments and result.
  return forwarding as T;
}
