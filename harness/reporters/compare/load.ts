/**
 * Reads the results.json files a comparison is made of. They come from other machines and other
 * versions of the tool: each is checked for the few members the comparison reads, and a file
 * that is not a results.json is refused with one line naming it (exit 2), never half-compared.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RunError } from '../../engine/run-error.ts';

/** The members of a results.json the comparison reads (schemaVersion 2 and later). */
export interface ComparedRun {
  schemaVersion: number;
  tool: { name: string; version: string };
  startedAt?: string;
  target: { kind?: string; url?: string; profile: string; faults?: string[] };
  strict?: boolean;
  /** The property-based suites' seed, when the run recorded it. */
  seed?: number;
  summary?: { requirements?: { judged: number; failed: number; known: number; notJudged: number } };
  tests: { slug?: string; name: string; profiles?: string[] }[];
  requirements: Record<string, { tests: string[]; verdict: string }>;
}

/** One input: where it was read from, and what it holds. */
export interface LoadedRun {
  /** The path given (a results.json, or the reports directory holding one). */
  file: string;
  run: ComparedRun;
}

/** Reads `file` (or `file`/results.json when it is a directory): exit 2 with one line if unusable. */
export async function loadRun(given: string): Promise<LoadedRun> {
  let file = given;
  let text: string;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'results.json');
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new RunError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RunError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const missing = missingMember(json);
  if (missing)
    throw new RunError(`${file} is not a results.json of sso-oidc-conformance (${missing})`);
  return { file, run: json as ComparedRun };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What makes `json` unusable for a comparison, in a few words; undefined when it is usable. */
function missingMember(json: unknown): string | undefined {
  if (!isObject(json)) return 'not a JSON object';
  if (typeof json.schemaVersion !== 'number') return 'no schemaVersion';
  if (!isObject(json.tool) || typeof json.tool.version !== 'string') return 'no tool version';
  if (!isObject(json.target) || typeof json.target.profile !== 'string') return 'no target profile';
  if (!Array.isArray(json.tests) || !json.tests.every(isObject)) return 'no tests';
  if (!isObject(json.requirements)) return 'no requirements index';
  for (const [id, entry] of Object.entries(json.requirements)) {
    if (!isObject(entry) || typeof entry.verdict !== 'string' || !Array.isArray(entry.tests))
      return `requirement ${JSON.stringify(id).slice(0, 80)} has no verdict`;
  }
  return undefined;
}
