/**
 * Known deviations (`--known-deviations FILE|aws`): a list of requirements a target is known to
 * break, each with its reason and evidence. A failed check it lists gets the verdict `known`
 * instead of failed or warning: still shown in every report, counted apart, and the run exits 0
 * when nothing else fails. A listed entry whose checks ran and all passed is reported as "no
 * longer deviates" (a warning), so that a waiver list never rots; one that no check reached is
 * only mentioned.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findRequirement } from './catalogue.ts';
import { ConfigError } from './config.ts';
import type { CheckResult, TestResult } from './results.ts';
import { countedChecks } from './requirement-verdicts.ts';
import { validateKnownDeviations } from '../aws/schemas.ts';

export interface KnownDeviation {
  /** The requirement ID the target deviates from. */
  requirement: string;
  /** Only the checks whose description contains one of these (absent: every check of the ID). */
  checks?: string[];
  reason: string;
  /** A URL or a document reference where the deviation is recorded. */
  evidence: string;
}

/** A requirement where the vendor's behaviour is not recorded: judged by the RFC, flagged. */
export interface UnverifiedBehaviour {
  requirement: string;
  note: string;
}

export interface KnownDeviationList {
  /** The file it was read from, as the user named it (the shipped file for a vendor name). */
  file: string;
  vendor?: string;
  deviations: KnownDeviation[];
  unverified?: UnverifiedBehaviour[];
}

/** Lists shipped with the tool, selected by vendor name instead of a path. */
const SHIPPED: Record<string, string> = { aws: 'known-deviations/aws.json' };

const PACKAGE_ROOT = new URL('../../', import.meta.url);

/** The path `spec` stands for: a shipped list's for a vendor name, else `spec` itself. */
export function knownDeviationsPath(spec: string): string {
  const shipped = SHIPPED[spec];
  return shipped ? fileURLToPath(new URL(shipped, PACKAGE_ROOT)) : spec;
}

/**
 * Reads and checks a list: JSON, valid against schemas/known-deviations.schema.json, every ID in
 * the catalogue. Anything else is a ConfigError (exit 2): a waiver silently ignored would turn
 * a known deviation back into a failure nobody understands, or hide a typo forever.
 */
export function loadKnownDeviations(spec: string): KnownDeviationList {
  const path = knownDeviationsPath(spec);
  const file = SHIPPED[spec] ?? spec;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read the known-deviations file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `known-deviations file ${file} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const problems = validateKnownDeviations(value);
  if (problems.length > 0)
    throw new ConfigError(`known-deviations file ${file}: ${problems.join('; ')}`);
  const list = value as Omit<KnownDeviationList, 'file'>;
  const unknown = [...list.deviations, ...(list.unverified ?? [])]
    .map((d) => d.requirement)
    .filter((id) => {
      const kind = findRequirement(id)?.kind;
      // Ambiguities are cited in text only: no check ever fails under their ID.
      return kind === undefined || kind === 'ambiguity';
    });
  if (unknown.length > 0)
    throw new ConfigError(
      `known-deviations file ${file}: not a requirement of harness/engine/catalogue.json: ${[...new Set(unknown)].join(', ')}`,
    );
  return { file, vendor: list.vendor, deviations: list.deviations, unverified: list.unverified };
}

/** The entry of `list` a check falls under, whether it passed or not. */
export function deviationFor(
  check: Pick<CheckResult, 'requirement' | 'description'>,
  list: KnownDeviationList,
): KnownDeviation | undefined {
  return list.deviations.find(
    (d) =>
      d.requirement === check.requirement &&
      (d.checks === undefined || d.checks.some((text) => check.description.includes(text))),
  );
}

/** Marks the failed MUST and SHOULD checks `list` covers as known, with its reason and evidence. */
export function markKnown(checks: CheckResult[], list: KnownDeviationList | undefined): void {
  if (!list) return;
  for (const c of checks) {
    if (c.ok || c.level === 'INFO') continue;
    const d = deviationFor(c, list);
    if (d) c.known = { reason: d.reason, evidence: d.evidence };
  }
}

/** An entry as reports name it: its ID, and the check texts it is restricted to. */
export function entryLabel(d: KnownDeviation): string {
  return d.checks
    ? `${d.requirement} (checks: ${d.checks.map((c) => `"${c}"`).join(', ')})`
    : d.requirement;
}

/** What results.json and the closing lines say about the list. */
export interface KnownDeviationsReport {
  file: string;
  vendor?: string;
  /** Entries in the list. */
  entries: number;
  /** Entries whose failures were seen: they still deviate. */
  confirmed: string[];
  /** Entries whose checks ran and all passed, with the tests that ran them: remove them. */
  stale: { requirement: string; label: string; tests: string[] }[];
  /** Entries no counted check matched in this run (not selected, skipped, or not reachable). */
  notReached: string[];
  /**
   * Requirements the list says the vendor's behaviour is unverified for, that failed here (not
   * as a known deviation): findings to confirm, with the tests that failed them.
   */
  unverified: { requirement: string; note: string; tests: string[] }[];
}

/**
 * After the run: each entry whose counted checks (those of tests that reached a verdict, see
 * countedChecks) all passed no longer deviates. The tests that ran those checks warn, with a
 * note saying which entry to remove; a failed or errored test keeps its own verdict.
 */
export function applyKnownDeviations(
  tests: readonly TestResult[],
  list: KnownDeviationList,
): KnownDeviationsReport {
  const report: KnownDeviationsReport = {
    file: list.file,
    vendor: list.vendor,
    entries: list.deviations.length,
    confirmed: [],
    stale: [],
    notReached: [],
    unverified: [],
  };
  for (const entry of list.deviations) {
    const label = entryLabel(entry);
    const ran = tests.flatMap((test) =>
      countedChecks(test)
        .filter((c) => deviationFor(c, list) === entry)
        .map((check) => ({ test, check })),
    );
    if (ran.length === 0) report.notReached.push(label);
    else if (ran.some(({ check }) => !check.ok)) report.confirmed.push(label);
    else {
      const flagged = [...new Set(ran.map(({ test }) => test))];
      const note = `no longer deviates: remove ${label} from ${list.file}`;
      for (const test of flagged) {
        test.notes.push(note);
        test.stale = [...(test.stale ?? []), entry.requirement];
        if (['passed', 'info', 'known'].includes(test.verdict)) {
          test.verdict = 'warning';
          test.reason = note;
        }
      }
      report.stale.push({
        requirement: entry.requirement,
        label,
        tests: flagged.map((t) => t.name),
      });
    }
  }
  for (const { requirement, note } of list.unverified ?? []) {
    const failed = tests.filter((test) =>
      countedChecks(test).some(
        (c) => c.requirement === requirement && !c.ok && !c.known && c.level !== 'INFO',
      ),
    );
    if (failed.length === 0) continue;
    const text = `${requirement}: the behaviour of ${list.vendor ?? 'this vendor'} here is not recorded, so this failure is a finding to confirm (${note})`;
    for (const test of failed) test.notes.push(text);
    report.unverified.push({ requirement, note, tests: failed.map((t) => t.name) });
  }
  return report;
}
