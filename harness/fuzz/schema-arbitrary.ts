import fc from 'fast-check';

/**
 * One generator from a JSON Schema (the subset schemas/aws uses: object, string, integer,
 * number, boolean, array) to a fast-check arbitrary of values valid against it. Members not
 * required are present or absent at random; strings are short printable text unless `strings`
 * gives another arbitrary.
 */
export interface SchemaLike {
  type?: string;
  properties?: Record<string, SchemaLike>;
  required?: string[];
  items?: SchemaLike;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
}

export function arbitraryFromSchema(
  schema: SchemaLike,
  strings: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 24 }),
): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(props))
        record[name] = arbitraryFromSchema(sub, strings);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(arbitraryFromSchema(schema.items ?? { type: 'string' }, strings), {
        maxLength: 3,
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return schema.minLength || schema.maxLength
        ? fc.string({ minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 24 })
        : strings;
    default:
      return fc.constant(null);
  }
}

/** A value of another JSON type than `type` (for wrong-type mutations). */
export function wrongTypeValue(type: string | undefined): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 8 }),
    integer: fc.integer(),
    boolean: fc.boolean(),
    object: fc.constant({ nested: 'object' }),
    array: fc.constant(['a', 'list']),
    null: fc.constant(null),
  };
  const others = Object.entries(all)
    .filter(([k]) => k !== type && !(type === 'number' && k === 'integer'))
    .map(([, v]) => v);
  return fc.oneof(...others);
}
