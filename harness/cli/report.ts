/**
 * `report`: renders report.html again from a results.json (an old run, one from another machine
 * or a CI artifact), with the renderer every run uses. The input is checked before anything is
 * written: a file that is not a results.json is refused with one line naming it (exit 2), as
 * `compare` refuses one; a results.json of this version must match its published schema
 * (schemas/results.schema.json), one of an earlier version the members the page reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validatorFor } from '../aws/schema-validators.ts';
import { RunError } from '../engine/run-error.ts';
import { loadRun } from '../reporters/compare/load.ts';
import { renderHtmlReport } from '../reporters/html/page.ts';
import { RESULTS_SCHEMA_VERSION, type ResultsJson } from '../reporters/results-json.ts';
import { writeFileAtomic } from '../reporters/write.ts';

export interface LoadedResults {
  /** The results.json read (the path given, or results.json in the directory given). */
  file: string;
  results: ResultsJson;
  /** What the reader should know (a newer version's file), one line each. */
  warnings: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first member the page reads that `run` lacks, in a few words; undefined when none. */
function missingForPage(run: Record<string, unknown>): string | undefined {
  if (!isObject(run.summary) || typeof run.summary.total !== 'number') return 'no summary';
  for (const [i, t] of (run.tests as Record<string, unknown>[]).entries()) {
    for (const key of ['name', 'verdict', 'level', 'suite'])
      if (typeof t[key] !== 'string') return `test ${i} has no ${key}`;
    if (t.checks !== undefined && !(Array.isArray(t.checks) && t.checks.every(isObject)))
      return `test ${i} has no list of checks`;
    if (t.exchanges !== undefined && !(Array.isArray(t.exchanges) && t.exchanges.every(isObject)))
      return `test ${i} has no list of exchanges`;
  }
  return undefined;
}

let validateResults: ReturnType<typeof validatorFor> | undefined;

/** Where a results.json of this version breaks its schema, in one line; undefined when valid. */
function schemaProblem(json: unknown): string | undefined {
  if (!validateResults) {
    const file = 'results.schema.json';
    const schema = JSON.parse(
      readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8'),
    ) as object;
    validateResults = validatorFor(file, schema);
  }
  if (validateResults(json)) return undefined;
  const first = validateResults.errors?.[0];
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'invalid';
}

/** Reads and checks `given` (a results.json, or the reports directory holding one). */
export async function loadResults(given: string): Promise<LoadedResults> {
  const { file, run } = await loadRun(given);
  const json = run as unknown as Record<string, unknown>;
  const refuse = (why: string) =>
    new RunError(`${file} is not a results.json of sso-oidc-conformance (${why})`);
  const missing = missingForPage(json);
  if (missing) throw refuse(missing);
  const warnings: string[] = [];
  if (run.schemaVersion === RESULTS_SCHEMA_VERSION) {
    const problem = schemaProblem(json);
    if (problem) throw refuse(`schemas/results.schema.json: ${problem.slice(0, 200)}`);
  } else if (run.schemaVersion > RESULTS_SCHEMA_VERSION) {
    warnings.push(
      `${file} is results.json v${run.schemaVersion}, newer than this tool's v${RESULTS_SCHEMA_VERSION}: what this version does not know is left out of the page`,
    );
  }
  return { file, results: run as unknown as ResultsJson, warnings };
}

/** Writes report.html into `outDir` (which must exist) and returns its path. */
export async function writeHtmlReport(loaded: LoadedResults, outDir: string): Promise<string> {
  // Rendered before the file is opened: a rendering bug leaves the old report as it was.
  const html = renderHtmlReport(loaded.results);
  const target = path.join(outDir, 'report.html');
  await writeFileAtomic(target, html);
  return target;
}
