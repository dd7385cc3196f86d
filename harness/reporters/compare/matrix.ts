/**
 * The comparison as data (compare.json): requirements (rows, grouped and ordered as in the
 * catalogue) by targets (columns), each cell the requirement's verdict in that run and a link to
 * that run's evidence. compare.md and compare.html are rendered from this object alone.
 */
import path from 'node:path';
import { REQUIREMENTS, findRequirement, specLink } from '../../engine/catalogue.ts';
import { compareIds } from '../../engine/requirement-verdicts.ts';
import { cutChars, oneLine } from '../format.ts';
import type { ComparedRun, LoadedRun } from './load.ts';

/**
 * A cell: the run's verdict for the requirement (`passed`, `failed`, `warning`, `known`, `info`,
 * `error`, `not-judged`: cited but no check of it counted), or
 * - `n/a`: it does not apply to the run's profile: every test citing it is tagged for other
 *   profiles (and so none judged it);
 * - `not-cited`: no test of that run cites it (another version of the suite, or a requirement
 *   only a check of another profile's path reaches).
 */
export type CellVerdict = string;

export const NOT_APPLICABLE = 'n/a';
export const NOT_CITED = 'not-cited';

export interface CompareTarget {
  /** Column name: --names, else from the run's target (unique among the columns). */
  name: string;
  /** The results.json read, relative to the output directory. */
  results: string;
  /** The run's HTML report as a URL relative to the output directory (cells link into it). */
  report: string;
  tool: string;
  schemaVersion: number;
  startedAt?: string;
  kind?: string;
  url?: string;
  profile: string;
  faults: string[];
  strict?: boolean;
  seed?: number;
  requirements?: { judged: number; failed: number; known: number; notJudged: number };
}

export interface CompareCell {
  verdict: CellVerdict;
  /** The run's evidence: `<report>#req-<ID>`, relative to the output directory. */
  href: string;
}

export interface CompareRow {
  id: string;
  /** The catalogue's level and behaviour, when this version's catalogue has the ID. */
  level?: string;
  behaviour?: string;
  spec?: string;
  /** Whether the targets to which it applies gave it different verdicts. */
  differs: boolean;
  /** One per target, in column order. */
  cells: CompareCell[];
}

export interface CompareGroup {
  title: string;
  rows: CompareRow[];
}

export interface Comparison {
  /** 1: this shape. */
  compareVersion: 1;
  targets: CompareTarget[];
  /** Why the columns may differ for reasons other than the targets (versions, seeds, strict). */
  warnings: string[];
  /** IDs of the rows that differ, in matrix order. */
  differences: string[];
  groups: CompareGroup[];
}

/** Title of the group of IDs this version's catalogue does not know. */
export const UNKNOWN_GROUP = 'Not in this version’s catalogue';

/** Longest column name derived from a target (a URL can be long, or hostile). */
const NAME_MAX = 48;

/**
 * Builds the comparison of `inputs` (at least two), written into `outDir`: links are relative to
 * it. `names`, when given, has one name per input.
 */
export function buildComparison(
  inputs: readonly LoadedRun[],
  outDir: string,
  names?: readonly string[],
): Comparison {
  const columnNames = uniqueNames(
    inputs.map((input, i) => oneLine(names?.[i] ?? derivedName(input.run))),
  );
  const targets = inputs.map((input, i) => describeTarget(input, columnNames[i]!, outDir));
  const ids = new Set(inputs.flatMap((input) => Object.keys(input.run.requirements)));
  const runs = inputs.map((input) => ({ run: input.run, tests: testIndex(input.run) }));
  const groups: CompareGroup[] = [];
  for (const { title, ids: groupIds } of groupsOf(ids)) {
    groups.push({ title, rows: groupIds.map((id) => row(id, runs, targets)) });
  }
  return {
    compareVersion: 1,
    targets,
    warnings: warningsOf(targets),
    differences: groups.flatMap((g) => g.rows.filter((r) => r.differs).map((r) => r.id)),
    groups,
  };
}

/** A column name from the run: where (host, or `embedded`), the profile, the faults switched on. */
function derivedName(run: ComparedRun): string {
  const where = run.target.kind === 'embedded' ? 'embedded' : hostOf(run.target.url);
  const faults = (run.target.faults ?? []).map((f) => `+${f}`).join('');
  return cutChars(`${where} ${run.target.profile}${faults}`, NAME_MAX);
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').host || (url ?? 'target');
  } catch {
    return url || 'target';
  }
}

/** Names made unique in order: a repeated name gets ` (2)`, ` (3)`… */
function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name} (${n})`;
    taken.add(unique);
    return unique;
  });
}

/** A path relative to the output directory, with `/` separators (it is also a URL). */
function relativeTo(outDir: string, file: string): string {
  return path.relative(path.resolve(outDir), path.resolve(file)).split(path.sep).join('/');
}

function describeTarget(input: LoadedRun, name: string, outDir: string): CompareTarget {
  const { run, file } = input;
  return {
    name,
    results: relativeTo(outDir, file),
    report: encodePath(relativeTo(outDir, path.join(path.dirname(file), 'report.html'))),
    tool: `${run.tool.name ?? 'sso-oidc-conformance'} ${run.tool.version}`,
    schemaVersion: run.schemaVersion,
    startedAt: run.startedAt,
    kind: run.target.kind,
    url: run.target.url,
    profile: run.target.profile,
    faults: run.target.faults ?? [],
    strict: run.strict,
    seed: run.seed,
    requirements: run.summary?.requirements,
  };
}

/** The IDs grouped as in the catalogue (its order of groups and of IDs), unknown IDs last. */
function groupsOf(ids: ReadonlySet<string>): { title: string; ids: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of REQUIREMENTS) {
    if (!ids.has(r.id)) continue;
    if (!groups.has(r.group)) groups.set(r.group, []);
    groups.get(r.group)!.push(r.id);
  }
  const unknown = [...ids].filter((id) => !findRequirement(id)).sort(compareIds);
  if (unknown.length > 0) groups.set(UNKNOWN_GROUP, unknown);
  return [...groups].map(([title, groupIds]) => ({ title, ids: groupIds }));
}

/** A run and its tests by slug and by name (schemaVersion < 4 lists names, 4 and later slugs). */
interface IndexedRun {
  run: ComparedRun;
  tests: ReadonlyMap<string, ComparedRun['tests'][number]>;
}

function testIndex(run: ComparedRun): IndexedRun['tests'] {
  const tests = new Map<string, ComparedRun['tests'][number]>();
  for (const t of run.tests) {
    tests.set(t.name, t);
    if (t.slug) tests.set(t.slug, t);
  }
  return tests;
}

function row(id: string, runs: readonly IndexedRun[], targets: readonly CompareTarget[]) {
  const r = findRequirement(id);
  const cells = runs.map((indexed, i) => ({
    verdict: cellVerdict(indexed, id),
    href: `${targets[i]!.report}#req-${encodeURIComponent(id)}`,
  }));
  // n/a and not-cited are no judgement: a requirement of one profile's wire does not make two
  // targets of different profiles "differ" (the section would list every AWS-only row).
  const judged = new Set(
    cells.map((c) => c.verdict).filter((v) => v !== NOT_APPLICABLE && v !== NOT_CITED),
  );
  return {
    id,
    level: r?.level,
    behaviour: r?.behaviour,
    spec: specLink(id),
    differs: judged.size > 1,
    cells,
  } satisfies CompareRow;
}

/** Each segment URL-encoded (a directory may hold spaces, `#` or parentheses). */
function encodePath(relative: string): string {
  return relative
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`),
    )
    .join('/');
}

/** The run's verdict for `id`, `n/a` when it does not apply to the run's profile, or not cited. */
function cellVerdict({ run, tests }: IndexedRun, id: string): CellVerdict {
  const entry = run.requirements[id];
  if (!entry) return NOT_CITED;
  // A verdict from checks always shows: n/a never hides what a check saw.
  if (entry.verdict !== 'not-judged') return entry.verdict;
  return appliesTo(run.target.profile, entry.tests, tests) ? entry.verdict : NOT_APPLICABLE;
}

/**
 * Whether any test citing the requirement applies to the run's profile: untagged (every
 * profile), or tagged with it.
 */
function appliesTo(
  profile: string,
  citing: readonly string[],
  tests: IndexedRun['tests'],
): boolean {
  const found = citing.map((key) => tests.get(key));
  // Tests it cannot find: it cannot say "does not apply".
  if (found.length === 0 || found.some((t) => t === undefined)) return true;
  return found.some((t) => !t!.profiles || t!.profiles.includes(profile));
}

/** One line per difference between the runs that is not about the targets. */
function warningsOf(targets: readonly CompareTarget[]): string[] {
  const warnings: string[] = [];
  const differing = (label: string, value: (t: CompareTarget) => string, why: string) => {
    if (new Set(targets.map(value)).size > 1)
      warnings.push(
        `${label} differ (${targets.map((t) => `${t.name}: ${value(t)}`).join(', ')}): ${why}`,
      );
  };
  differing(
    'tool versions',
    (t) => t.tool,
    'a verdict may differ because the suite changed, not the target',
  );
  differing(
    'results.json schema versions',
    (t) => String(t.schemaVersion),
    'older files carry less (before version 5, no n/a)',
  );
  differing(
    'strict settings',
    (t) => (t.strict ? 'strict' : 'not strict'),
    'a broken SHOULD is failed in a strict run and a warning in the others',
  );
  differing(
    'seeds',
    (t) => (t.seed === undefined ? 'not recorded' : String(t.seed)),
    'the property-based suites tried different cases',
  );
  const old = targets.filter((t) => t.schemaVersion < 5).map((t) => t.name);
  if (old.length > 0)
    warnings.push(
      `${old.join(', ')}: results.json before schema version 5 does not say which profiles a test applies to: n/a shows as not judged`,
    );
  return warnings;
}
