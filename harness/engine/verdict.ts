import type { Level, Verdict } from '../api/levels.ts';
import type { CheckResult } from './results.ts';

/** How a test's function ended, before its checks are weighed. */
export type TestEnding =
  /** It returned, or stopped on a failed precondition (a failed `require`). */
  | { kind: 'completed' }
  /** It said it does not apply or cannot conclude here (`t.skip`, a declared need). */
  | { kind: 'skipped'; reason: string }
  /** It could not go on: transport, approver, budget or harness trouble. */
  | { kind: 'error'; reason: string };

export interface VerdictInput {
  /** The test's primary requirement: a test passes only if a check of its own judged it. */
  id: string;
  level: Level;
  checks: CheckResult[];
  notes: string[];
  strict: boolean;
  ending?: TestEnding;
}

export interface VerdictOutcome {
  verdict: Verdict;
  reason?: string;
  failedRequirements: string[];
}

/**
 * The verdict of a test, from its checks and how it ended, in this order:
 * 1. a failed MUST check (a SHOULD too under --strict) fails it, whatever came after: a recorded
 *    failure is never hidden by a later skip or error;
 * 2. an error ending (transport, approver, budget) is an error: no verdict could be reached;
 * 3. a failed SHOULD check warns, even if the test skipped afterwards (a deviation was seen);
 * 4. failures all listed in the known-deviations file (checks marked `known`, MUST or SHOULD,
 *    --strict or not) make it `known`, even if the test skipped afterwards; an unlisted failure
 *    above outweighs them;
 * 5. a skip stays a skip, with its reason (its checks and exchanges stay in the report);
 * 6. a test that checked nothing, or only through fixtures (a registration, an authorization
 *    that worked), never judged its own requirement: an error (a suite defect, or a path the
 *    test did not foresee), never a pass; an INFO test whose fixture failed is skipped;
 * 7. a failed INFO check, or an INFO test, is an observation (info); else the test passed.
 * Checks of an INFO test are recorded at INFO (TestContext.check): an INFO test never fails.
 */
export function verdictOf(input: VerdictInput): VerdictOutcome {
  const ending = input.ending ?? { kind: 'completed' };
  const failed = input.checks.filter((c) => !c.ok);
  // Known deviations are weighed apart: they neither fail nor warn (markKnown sets `known`).
  const unlisted = failed.filter((c) => !c.known);
  const known = failed.filter((c) => c.known);
  const must = unlisted.filter((c) => c.level === 'MUST');
  const should = unlisted.filter((c) => c.level === 'SHOULD');
  const info = failed.filter((c) => c.level === 'INFO');
  const failing = input.strict ? [...must, ...should] : must;
  const failedRequirements = [...new Set(failing.map((c) => c.requirement))];
  if (failing.length > 0)
    return { verdict: 'failed', reason: summarize(failing[0]!), failedRequirements };
  if (ending.kind === 'error')
    return { verdict: 'error', reason: ending.reason, failedRequirements };
  if (should.length > 0)
    return { verdict: 'warning', reason: summarize(should[0]!), failedRequirements };
  if (known.length > 0)
    return { verdict: 'known', reason: knownSummary(known[0]!), failedRequirements };
  if (ending.kind === 'skipped')
    return { verdict: 'skipped', reason: ending.reason, failedRequirements };
  if (input.checks.length === 0)
    return {
      verdict: 'error',
      reason: 'the test made no check (suite defect)',
      failedRequirements,
    };
  const own = input.checks.some((c) => !c.fixture && c.requirement === input.id);
  // Only an INFO test gets here with a failed fixture (it records every check at INFO): its
  // precondition failed, so it observed nothing; the failure counts where it is a MUST.
  const brokenFixture = input.checks.find((c) => c.fixture && !c.ok);
  if (!own && brokenFixture)
    return {
      verdict: 'skipped',
      reason: `a precondition failed, nothing observed: ${summarize(brokenFixture)}`,
      failedRequirements,
    };
  if (!own)
    return {
      verdict: 'error',
      reason: `inconclusive: the test ended without a check of ${input.id} (only ${describeChecks(input.checks)}); suite defect or unforeseen path`,
      failedRequirements,
    };
  if (info.length > 0) return { verdict: 'info', reason: summarize(info[0]!), failedRequirements };
  if (input.level === 'INFO')
    return {
      verdict: 'info',
      reason: input.notes[0] ?? input.checks.find((c) => !c.fixture)!.description,
      failedRequirements,
    };
  return { verdict: 'passed', failedRequirements };
}

function summarize(c: CheckResult): string {
  return `${c.requirement}: ${c.description}; expected ${c.expected.join(' | ')}, got ${c.actual}`;
}

/** `<ID>: <check>; expected …, got … — known deviation: <reason> (<evidence>)`. */
export function knownSummary(c: CheckResult): string {
  return `${summarize(c)} — known deviation: ${c.known!.reason} (${c.known!.evidence})`;
}

function describeChecks(checks: CheckResult[]): string {
  const ids = [...new Set(checks.map((c) => `${c.requirement}${c.fixture ? ' (fixture)' : ''}`))];
  return `checks of ${ids.join(', ')}`;
}
