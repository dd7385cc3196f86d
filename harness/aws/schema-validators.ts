/**
 * The ajv validators of the schema files, compiled once by the build rather than at every start.
 *
 * Compiling the 24 schemas took about as long as the rest of start-up (ajv generates and
 * evaluates JavaScript for each, and its first compile warms up its code generator). The build
 * (scripts/build.mjs) writes the generated code of every validator into
 * `dist/harness/aws/precompiled-validators.cjs` with ajv's standalone mode, from the same
 * schema files and the same ajv options as below; the published package loads that file and
 * never loads ajv itself. Run from the sources (no such file beside this module), each schema
 * is compiled on first use, as before. test/schema-validators.test.ts checks that the two
 * agree.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

/** Where the build writes the precompiled validators: beside this module, in dist/ only. */
export const PRECOMPILED_FILE = 'precompiled-validators.cjs';

const requireHere = createRequire(import.meta.url);
const precompiledPath = fileURLToPath(new URL(PRECOMPILED_FILE, import.meta.url));

/** The precompiled validators by schema file, or null when there are none (sources). */
let precompiled: Record<string, ValidateFunction> | null | undefined;
let ajv: Ajv2020 | undefined;

/**
 * The validator of `schema`, read from `file` (its path under schemas/, e.g.
 * `aws/errors/SlowDownException.json`): the precompiled one when the build made it, else
 * compiled now. Call it once per file. Throws when the schema does not compile.
 */
export function validatorFor(file: string, schema: object): ValidateFunction {
  precompiled ??= existsSync(precompiledPath)
    ? (requireHere(precompiledPath) as Record<string, ValidateFunction>)
    : null;
  const ready = precompiled?.[file];
  if (ready) return ready;
  try {
    return (ajv ??= createAjv({ source: false })).compile(schema);
  } catch (e) {
    throw new Error(`schema ${file} does not compile: ${(e as Error).message}`);
  }
}

/**
 * The one ajv configuration of the project (draft 2020-12, every error, strict schemas, the
 * ajv-formats formats, the x-* annotation keywords). `source: true` keeps the generated code
 * for standalone output. ajv is required here, on demand: a run from dist/ never loads it.
 */
export function createAjv({ source }: { source: boolean }): Ajv2020 {
  const Ajv = (requireHere('ajv/dist/2020.js') as { default: typeof Ajv2020 }).default;
  const addFormats = (requireHere('ajv-formats') as { default: (ajv: Ajv2020) => Ajv2020 }).default;
  const instance = new Ajv({ allErrors: true, strict: true, code: { source } });
  // With source kept, ajv-formats makes the generated code require its formats module.
  addFormats(instance);
  // Annotation keywords of this project; their values are checked against these meta-schemas.
  instance.addKeyword({
    keyword: 'x-http-status',
    schemaType: 'number',
    metaSchema: { type: 'integer', minimum: 100, maximum: 599 },
  });
  instance.addKeyword({
    keyword: 'x-fault',
    schemaType: 'string',
    metaSchema: { enum: ['client', 'server'] },
  });
  instance.addKeyword({
    keyword: 'x-error-code',
    schemaType: 'string',
    metaSchema: { type: 'string', pattern: '^[a-z_]+$' },
  });
  instance.addKeyword({
    keyword: 'x-protocol-required',
    schemaType: 'array',
    metaSchema: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  });
  instance.addKeyword({
    keyword: 'x-sensitive',
    schemaType: 'boolean',
    metaSchema: { type: 'boolean' },
  });
  return instance;
}

/**
 * Every schema file a validator is made from, by its path under `schemasDir`: the operations'
 * requests and responses, the error shapes, the plain OAuth responses (profile rfc8628), the
 * configuration and the known deviations (operations.json is data, not a schema).
 */
export function schemaFiles(schemasDir: URL): Record<string, object> {
  const files: Record<string, object> = {};
  const add = (file: string) => {
    files[file] = JSON.parse(readFileSync(new URL(file, schemasDir), 'utf8')) as object;
  };
  const json = (dir: string) =>
    readdirSync(fileURLToPath(new URL(dir, schemasDir)))
      .filter((f) => f.endsWith('.json'))
      .sort();
  for (const f of json('aws/')) if (f !== 'operations.json') add(`aws/${f}`);
  for (const f of json('aws/errors/')) add(`aws/errors/${f}`);
  for (const f of json('oauth/')) add(`oauth/${f}`);
  add('config.schema.json');
  add('known-deviations.schema.json');
  return files;
}

/** Build time: a CommonJS module exporting a validator per schema file, named by the file. */
export function precompiledValidatorsSource(schemas: Record<string, object>): string {
  const builder = createAjv({ source: true });
  for (const [file, schema] of Object.entries(schemas)) builder.addSchema(schema, file);
  const standaloneCode = (
    requireHere('ajv/dist/standalone/index.js') as {
      default: (ajv: Ajv2020, refs: Record<string, string>) => string;
    }
  ).default;
  return standaloneCode(
    builder,
    Object.fromEntries(Object.keys(schemas).map((file) => [file, file])),
  );
}
