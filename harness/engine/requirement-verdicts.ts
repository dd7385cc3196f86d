/**
 * A requirement's verdict is the verdict of the checks that cite it, never that of a whole test
 * that lists it: a test citing ten IDs and failing one of them paints only that one red.
 * Client rules (CL-*) are rules the harness obeys, not requirements of the server: they have
 * no verdict here.
 */
import { findRequirement } from './catalogue.ts';
import type { Verdict } from '../api/levels.ts';
import type { CheckResult, TestResult } from './results.ts';

/** `not-judged`: cited by some test, but no check of it counted (its tests skipped, say). */
export type RequirementVerdict = Exclude<Verdict, 'skipped'> | 'not-judged';

export interface RequirementEntry {
  /** Slugs of the tests that cite it (declared, or a check of their own), in run order. */
  tests: string[];
  verdict: RequirementVerdict;
  /** The checks that counted: passed and not passed (failed, warned or observed). */
  checks: { passed: number; notPassed: number };
}

/** Whether an ID is a requirement of the server (client rules are the harness's own). */
export function isServerRequirement(id: string): boolean {
  return findRequirement(id)?.kind !== 'client-rule';
}

/**
 * The checks of a test that judge something: all of them when the test reached a verdict; only
 * the failed ones of a test that skipped or errored (a failure is never hidden, but a pass on
 * the way to an inconclusive end proves nothing).
 */
export function countedChecks(test: TestResult): CheckResult[] {
  const conclusive = test.verdict !== 'skipped' && test.verdict !== 'error';
  return conclusive ? test.checks : test.checks.filter((c) => !c.ok);
}

/** The IDs a test cites in the reports: declared, its own checks', and every failed check's. */
export function citedRequirements(test: TestResult): string[] {
  const ids = new Set<string>([test.id, ...test.requirements]);
  for (const c of test.checks) if (!c.fixture || !c.ok) ids.add(c.requirement);
  for (const id of test.failedRequirements) ids.add(id);
  return [...ids].filter(isServerRequirement);
}

/**
 * The verdict of one requirement from the checks that cite it (`strict`: SHOULD fails); `known`
 * when all its failures are listed known deviations.
 */
export function verdictOfChecks(
  checks: readonly CheckResult[],
  strict: boolean,
): RequirementVerdict | undefined {
  if (checks.length === 0) return undefined;
  const notOk = checks.filter((c) => !c.ok);
  const unlisted = notOk.filter((c) => !c.known);
  if (unlisted.some((c) => c.level === 'MUST' || (strict && c.level === 'SHOULD'))) return 'failed';
  if (unlisted.some((c) => c.level === 'SHOULD')) return 'warning';
  // Every failure of it is a listed known deviation.
  if (notOk.some((c) => c.known)) return 'known';
  if (notOk.length > 0 || checks.every((c) => c.level === 'INFO')) return 'info';
  return 'passed';
}

/** Requirement ID → its tests and its verdict, in natural ID order. */
export function requirementVerdicts(
  tests: readonly TestResult[],
  strict: boolean,
): Map<string, RequirementEntry> {
  const citing = new Map<string, TestResult[]>();
  const checks = new Map<string, CheckResult[]>();
  for (const test of tests) {
    for (const id of citedRequirements(test)) {
      if (!citing.has(id)) citing.set(id, []);
      citing.get(id)!.push(test);
    }
    for (const c of countedChecks(test)) {
      if (!isServerRequirement(c.requirement)) continue;
      if (!checks.has(c.requirement)) checks.set(c.requirement, []);
      checks.get(c.requirement)!.push(c);
    }
  }
  const index = new Map<string, RequirementEntry>();
  // Every ID a test cites, and every ID a check judged (a fixture's too).
  const ids = new Set([...citing.keys(), ...checks.keys()]);
  for (const id of [...ids].sort(compareIds)) {
    const counted = checks.get(id) ?? [];
    const byChecks = verdictOfChecks(counted, strict);
    const tests = citing.get(id) ?? [];
    const errored = tests.some((t) => t.verdict === 'error');
    index.set(id, {
      tests: tests.map((t) => t.slug),
      verdict: byChecks ?? (errored ? 'error' : 'not-judged'),
      checks: {
        passed: counted.filter((c) => c.ok).length,
        notPassed: counted.filter((c) => !c.ok).length,
      },
    });
  }
  return index;
}

/** How many requirements got a verdict from their checks, how many of them failed or are known. */
export function requirementTotals(index: ReadonlyMap<string, RequirementEntry>): {
  judged: number;
  failed: number;
  known: number;
  notJudged: number;
} {
  const entries = [...index.values()];
  const judged = entries.filter((e) => e.verdict !== 'not-judged' && e.verdict !== 'error');
  return {
    judged: judged.length,
    failed: judged.filter((e) => e.verdict === 'failed').length,
    known: judged.filter((e) => e.verdict === 'known').length,
    notJudged: entries.length - judged.length,
  };
}

/** Natural order for requirement IDs (`DA-3.9` before `DA-3.10`). */
export function compareIds(a: string, b: string): number {
  return (
    a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) ||
    (a < b ? -1 : a > b ? 1 : 0)
  );
}
