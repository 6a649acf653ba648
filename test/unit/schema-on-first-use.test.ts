import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { schemaOnFirstUse } from '../../functions/schemas/on-first-use.ts';

const settings = () =>
  z
    .strictObject({ hours: z.number().int().min(1).max(24), name: z.string().min(1).describe('Shown to people') })
    .partial()
    .refine((s) => Object.keys(s).length > 0, 'at least one field')
    .meta({ minProperties: 1 });

describe('schemaOnFirstUse', () => {
  it('builds nothing until first used, then once', () => {
    let builds = 0;
    const schema = schemaOnFirstUse(() => {
      builds++;
      return settings();
    });
    expect(builds).toBe(0);
    expect(schema.safeParse({ hours: 3 }).success).toBe(true);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ hours: 0 }).success).toBe(false);
    expect(builds).toBe(1);
  });

  it('parses, composes and documents exactly like the schema it builds', () => {
    const lazy = schemaOnFirstUse(settings);
    const eager = settings();
    for (const input of [{ hours: 3 }, { hours: 25 }, {}, { name: '' }, { other: 1 }, 'x']) {
      expect(lazy.safeParse(input)).toEqual(eager.safeParse(input));
    }
    expect(lazy).toBeInstanceOf(z.ZodType);
    // Inside another schema, through the methods that derive new schemas from it, and in JSON Schema (its .meta included).
    const outer = (s: z.ZodType) => z.strictObject({ settings: s.optional(), list: z.array(s).max(2), direct: s });
    const value = { settings: { hours: 2 }, list: [{ name: 'a' }], direct: { hours: 30 } };
    expect(outer(lazy).safeParse(value)).toEqual(outer(eager).safeParse(value));
    expect(z.toJSONSchema(outer(lazy), { io: 'input' })).toEqual(z.toJSONSchema(outer(eager), { io: 'input' }));
    expect(z.toJSONSchema(lazy, { io: 'input' })).toEqual(z.toJSONSchema(eager, { io: 'input' }));
    expect(z.toJSONSchema(lazy, { io: 'input' })).toMatchObject({ minProperties: 1 });
  });

  it('refuses a schema with a metadata id (one object per id), on first use', () => {
    const named = schemaOnFirstUse(() => z.strictObject({ a: z.string() }).meta({ id: 'SchemaOnFirstUseTest' }));
    expect(() => named.safeParse({ a: 'x' })).toThrow(/has an id/);
  });
});
