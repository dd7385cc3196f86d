import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import {
  createAjv,
  precompiledValidatorsSource,
  schemaFiles,
} from '../harness/aws/schema-validators.ts';
import {
  arbitraryFromSchema,
  wrongTypeValue,
  type SchemaLike,
} from '../harness/fuzz/schema-arbitrary.ts';

/**
 * The published package validates with the validators the build precompiled (ajv standalone);
 * a run from the sources compiles them. Both must judge every body alike: same verdict, same
 * errors (the failure text is built from them).
 */

const SCHEMAS = schemaFiles(new URL('../schemas/', import.meta.url));

/** The build's module, evaluated here (its requires resolve from this checkout). */
function loadPrecompiled(): Record<string, ValidateFunction> {
  const exports: Record<string, ValidateFunction> = {};
  new Function('require', 'exports', precompiledValidatorsSource(SCHEMAS))(
    createRequire(import.meta.url),
    exports,
  );
  return exports;
}

/** Valid bodies, bodies with one member of the wrong type or missing, and other JSON values. */
function bodies(schema: SchemaLike): fc.Arbitrary<unknown> {
  const valid = arbitraryFromSchema(schema);
  const names = Object.keys(schema.properties ?? {});
  const broken =
    names.length === 0
      ? valid
      : fc.tuple(valid, fc.constantFrom(...names), fc.boolean()).chain(([body, name, drop]) =>
          (drop ? fc.constant(undefined) : wrongTypeValue(schema.properties![name]!.type)).map(
            (value) => {
              if (body === null || typeof body !== 'object') return body;
              const copy: Record<string, unknown> = { ...(body as object) };
              if (value === undefined) delete copy[name];
              else copy[name] = value;
              return copy;
            },
          ),
        );
  return fc.oneof(valid, broken, fc.jsonValue({ maxDepth: 2 }));
}

describe('precompiled schema validators', () => {
  const precompiled = loadPrecompiled();
  const ajv = createAjv({ source: false });

  it('exist for every schema file', () => {
    expect(Object.keys(precompiled).sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  for (const [file, schema] of Object.entries(SCHEMAS)) {
    it(`judge like the compiled one: ${file}`, () => {
      const compiled = ajv.compile(schema);
      const ready = precompiled[file]!;
      fc.assert(
        fc.property(bodies(schema as SchemaLike), (body) => {
          const verdict = (v: ValidateFunction) => ({ ok: v(body), errors: v.errors ?? null });
          expect(verdict(ready)).toEqual(verdict(compiled));
        }),
        { seed: 11, numRuns: 200 },
      );
    });
  }
});
