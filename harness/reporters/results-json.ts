/**
 * `results.json`: the whole RunResult, unchanged, plus `schemaVersion` and a `requirements`
 * index. It is the source of truth for the HTML report and vendor comparisons, so every field
 * is kept, including fields this file does not know about.
 *
 * Key order is stable: known keys in the order of the interfaces in results.ts / exchange.ts,
 * then unknown keys sorted. Header maps keep the order the harness recorded them in.
 */
import type { Verdict } from '../api/levels.ts';
import type { CheckResult, RunResult, TestResult } from '../engine/results.ts';
import { requirementVerdicts, type RequirementEntry } from '../engine/requirement-verdicts.ts';
import { specLink } from '../engine/catalogue.ts';
import type { ExchangeMode } from '../engine/kept-exchanges.ts';

/**
 * 2: `requirements` verdicts come from the checks citing each ID (`not-judged` when none).
 * 3: the verdict `known`, `known` on checks, `stale` on tests, `knownDeviations` of the run.
 * 4: `slug` on tests, the test's identity; `requirements[ID].tests` lists slugs, not names;
 *    `spec` (where the requirement is written) on each requirement entry and each failed check.
 * 5: `profiles` on profile-tagged tests (the profiles they apply to).
 * 6: `exchanges` (`failed` or `all`, --exchanges): under `failed`, the default, passed and
 *    skipped tests keep no exchanges. The file's JSON Schema: schemas/results.schema.json.
 */
export const RESULTS_SCHEMA_VERSION = 6;

/** A check as written: a check that did not hold links the text of the requirement it cites. */
export type CheckJson = CheckResult & { spec?: string };

/** What `results.json` holds. */
export interface ResultsJson extends RunResult {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** Always written, so that a reader knows why a passed test has no exchanges. */
  exchanges: ExchangeMode;
  tests: (TestResult & { checks: CheckJson[] })[];
  /**
   * Requirement ID (sorted) → the tests citing it, the verdict of the checks citing it
   * (`not-judged` when none counted), how many checks counted and where the requirement is
   * written (catalogue.ts specLink). Client rules are not listed.
   */
  requirements: Record<string, RequirementEntry & { spec?: string }>;
}

/** How to order an object's keys, and how to order its children. */
interface Shape {
  keys: string[];
  /** Per key: the shape of its value; `as-is` keeps the value's own key order. */
  children?: Record<string, Shape | 'as-is'>;
  /** For arrays: the shape of each element. */
  items?: Shape;
}

const EXCHANGE: Shape = {
  keys: ['seq', 'startedAt', 'durationMs', 'request', 'response', 'error'],
  children: {
    request: { keys: ['method', 'url', 'headers', 'body'], children: { headers: 'as-is' } },
    response: { keys: ['status', 'headers', 'body', 'truncated'], children: { headers: 'as-is' } },
  },
};

const CHECK: Shape = {
  keys: [
    'requirement',
    'level',
    'ok',
    'description',
    'expected',
    'actual',
    'exchangeSeq',
    'fixture',
    'known',
    'spec',
  ],
  children: { known: { keys: ['reason', 'evidence'] } },
};

const TEST: Shape = {
  keys: [
    'name',
    'slug',
    'id',
    'requirements',
    'level',
    'suite',
    'suiteTitle',
    'profiles',
    'verdict',
    'reason',
    'failedRequirements',
    'stale',
    'checks',
    'notes',
    'exchanges',
    'requestCount',
    'curl',
    'needs',
    'startedAt',
    'durationMs',
  ],
  children: {
    checks: { keys: [], items: CHECK },
    exchanges: { keys: [], items: EXCHANGE },
    needs: { keys: ['approver', 'waitSeconds'] },
  },
};

const RESULTS: Shape = {
  keys: [
    'schemaVersion',
    'tool',
    'startedAt',
    'finishedAt',
    'durationMs',
    'target',
    'strict',
    'exchanges',
    'seed',
    'summary',
    'exitCode',
    'problems',
    'knownDeviations',
    'tests',
    'requirements',
  ],
  children: {
    tool: { keys: ['name', 'version'] },
    target: { keys: ['kind', 'url', 'profile', 'faults', 'clock', 'approver'] },
    summary: {
      keys: [
        'total',
        'passed',
        'failed',
        'warning',
        'known',
        'info',
        'skipped',
        'error',
        'requests',
        'registrations',
        'requirements',
      ],
      children: { requirements: { keys: ['judged', 'failed', 'known', 'notJudged'] } },
    },
    knownDeviations: {
      keys: ['file', 'vendor', 'entries', 'confirmed', 'stale', 'notReached', 'unverified'],
      children: {
        stale: { keys: [], items: { keys: ['requirement', 'label', 'tests'] } },
        unverified: { keys: [], items: { keys: ['requirement', 'note', 'tests'] } },
      },
    },
    tests: { keys: [], items: TEST },
    // Already sorted by requirement ID (natural order), entries built as
    // { tests, verdict, checks, spec }.
    requirements: 'as-is',
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Unknown values: keys sorted, recursively. */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedDeep(value[k]);
  return out;
}

function ordered(value: unknown, shape: Shape | 'as-is' | undefined): unknown {
  if (shape === 'as-is') return value;
  if (shape === undefined) return sortedDeep(value);
  if (Array.isArray(value)) return value.map((v) => ordered(v, shape.items));
  if (!isPlainObject(value)) return value;
  const known = shape.keys.filter((k) => k in value);
  const unknown = Object.keys(value)
    .filter((k) => !shape.keys.includes(k))
    .sort();
  const out: Record<string, unknown> = {};
  for (const k of [...known, ...unknown]) {
    out[k] = ordered(value[k], shape.children?.[k]);
  }
  return out;
}

/** The object written to results.json (exported for tests and the HTML report). */
export function buildResultsJson(run: RunResult): ResultsJson {
  const requirements: ResultsJson['requirements'] = {};
  for (const [id, entry] of requirementVerdicts(run.tests, run.strict)) {
    requirements[id] = { ...entry, spec: specLink(id) };
  }
  // Only failed checks get the link: the reader of a failure goes to the text; a passing check
  // would repeat it a hundred times.
  const tests = run.tests.map((t) => ({
    ...t,
    checks: t.checks.map((c): CheckJson => (c.ok ? c : { ...c, spec: specLink(c.requirement) })),
  }));
  return {
    ...run,
    // A RunResult made by hand (tests, an old caller) kept every exchange.
    exchanges: run.exchanges ?? 'all',
    tests,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    requirements,
  };
}

export function renderResultsJson(run: RunResult): string {
  return JSON.stringify(ordered(buildResultsJson(run), RESULTS), null, 2) + '\n';
}
