import type { Level, Verdict } from './levels.ts';
import type { CheckResult } from './results.ts';

export interface VerdictInput {
  level: Level;
  checks: CheckResult[];
  notes: string[];
  strict: boolean;
}

/**
 * The verdict of a test that ran to its end (or stopped on a failed precondition):
 * a failed MUST check fails it; a failed SHOULD check warns (fails under --strict);
 * a failed INFO check, or an INFO test, is an observation. A test that checked nothing
 * is a defect of the suite and is reported as an error, never as a pass.
 */
export function verdictOf(input: VerdictInput): {
  verdict: Verdict;
  reason?: string;
  failedRequirements: string[];
} {
  const failed = input.checks.filter((c) => !c.ok);
  const must = failed.filter((c) => c.level === 'MUST');
  const should = failed.filter((c) => c.level === 'SHOULD');
  const info = failed.filter((c) => c.level === 'INFO');
  const failing = input.strict ? [...must, ...should] : must;
  const failedRequirements = [...new Set(failing.map((c) => c.requirement))];
  if (input.checks.length === 0)
    return {
      verdict: 'error',
      reason: 'the test made no check (suite defect)',
      failedRequirements,
    };
  if (failing.length > 0)
    return { verdict: 'failed', reason: summarize(failing[0]!), failedRequirements };
  if (should.length > 0)
    return { verdict: 'warning', reason: summarize(should[0]!), failedRequirements };
  if (info.length > 0) return { verdict: 'info', reason: summarize(info[0]!), failedRequirements };
  if (input.level === 'INFO')
    return {
      verdict: 'info',
      reason: input.notes[0] ?? input.checks[0]!.description,
      failedRequirements,
    };
  return { verdict: 'passed', failedRequirements };
}

function summarize(c: CheckResult): string {
  return `${c.requirement}: ${c.description}; expected ${c.expected.join(' | ')}, got ${c.actual}`;
}
