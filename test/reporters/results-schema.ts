/**
 * schemas/results.schema.json for the tests: its ajv validator (the project's one ajv
 * configuration: draft 2020-12, strict, formats) and a check that a document's keys come in the
 * order the schema lists them, which is the order results-json.ts writes them in.
 */
import { readFileSync } from 'node:fs';
import { createAjv } from '../../harness/aws/schema-validators.ts';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  [k: string]: unknown;
};

export const RESULTS_SCHEMA = JSON.parse(
  readFileSync(new URL('../../schemas/results.schema.json', import.meta.url), 'utf8'),
) as Schema & { $defs: Record<string, Schema> };

const validate = createAjv({ source: false }).compile(RESULTS_SCHEMA);

/** What the schema finds wrong with `doc`, one line each (empty: valid). */
export function schemaProblems(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

function resolved(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return RESULTS_SCHEMA.$defs[schema.$ref.replace('#/$defs/', '')]!;
}

/** Objects whose keys are not in the order of the schema's `properties` (path: keys). */
export function keyOrderProblems(doc: unknown, schema: Schema = RESULTS_SCHEMA, at = ''): string[] {
  const s = resolved(schema);
  if (Array.isArray(doc))
    return s.items ? doc.flatMap((v, i) => keyOrderProblems(v, s.items!, `${at}/${i}`)) : [];
  if (typeof doc !== 'object' || doc === null) return [];
  const out: string[] = [];
  const record = doc as Record<string, unknown>;
  if (s.properties) {
    const order = Object.keys(s.properties);
    const keys = Object.keys(record);
    const expected = [...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (keys.join() !== expected.join()) out.push(`${at || '/'}: ${keys.join(', ')}`);
    for (const k of keys)
      if (s.properties[k]) out.push(...keyOrderProblems(record[k], s.properties[k]!, `${at}/${k}`));
  } else if (typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(record))
      out.push(...keyOrderProblems(v, s.additionalProperties, `${at}/${k}`));
  }
  return out;
}
