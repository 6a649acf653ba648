import * as z from 'zod';

/**
 * A request schema built when it is first used (a parse, a schema composed from it, the
 * OpenAPI generator reading it), not when its module loads. Building zod schemas was the
 * largest piece of our own work in a cold start: ~0.1 ms per schema and check, ~10 ms for the
 * first schemas of a process (V8 compiles zod's constructors on first use), while a request
 * needs only its own route's schemas, and a 401 none. A Lambda builds what it parses.
 *
 * It stands in for the schema (a Proxy forwarding every access to the built one), so routes,
 * `z.infer` and other schemas use it as they would the schema. zod keeps metadata (`.meta`,
 * `.describe`) by object, and the stand-in is another object than the schema it builds: the
 * built schema's top-level metadata is registered for the stand-in too, except an `id` (one
 * object per id: response schemas, which carry ids, use `lazy` in common.ts instead).
 */
export function schemaOnFirstUse<S extends z.ZodType>(build: () => S): S {
  let schema: S | undefined;
  const built = (): S => {
    if (schema) return schema;
    schema = build();
    const meta = z.globalRegistry.get(schema);
    if (meta?.id !== undefined) throw new Error(`schemaOnFirstUse: schema ${meta.id} has an id; build it with lazy() instead`);
    if (meta) z.globalRegistry.add(standIn, meta);
    return schema;
  };
  const standIn = new Proxy({} as S, {
    get: (_, key) => Reflect.get(built(), key),
    set: (_, key, value) => Reflect.set(built(), key, value),
    has: (_, key) => Reflect.has(built(), key),
    ownKeys: () => Reflect.ownKeys(built()),
    // The stand-in's own target is empty: a property it reports must be configurable.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(built(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(built()),
  });
  return standIn;
}
