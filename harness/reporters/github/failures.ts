/**
 * The failed requirements of a run, as the GitHub outputs show them: each with the level it
 * failed at and, per test that failed it, the first failing check (Expected / Actual). Built
 * from the RunResult, whose text the redactor has already been through.
 */
import type { RunResult } from '../../engine/results.ts';
import { requirementVerdicts } from '../../engine/requirement-verdicts.ts';
import { findRequirement } from '../../engine/catalogue.ts';
import { expectedText, oneLine } from '../format.ts';

export interface FailedRequirement {
  id: string;
  /** MUST, or SHOULD under --strict: the highest level of its failing checks. */
  level: string;
  /** The catalogue's one-line behaviour ('' for an ID it does not describe). */
  behaviour: string;
  /** Per test that failed it, in run order: its name and its first failing check of the ID. */
  tests: { name: string; expected: string; actual: string }[];
}

/** The requirements whose verdict is `failed`, in the catalogue's natural ID order. */
export function failedRequirements(run: RunResult): FailedRequirement[] {
  const out: FailedRequirement[] = [];
  for (const [id, entry] of requirementVerdicts(run.tests, run.strict)) {
    if (entry.verdict !== 'failed') continue;
    const tests: FailedRequirement['tests'] = [];
    let must = false;
    for (const test of run.tests) {
      const failing = test.checks.filter((c) => c.requirement === id && !c.ok && !c.known);
      if (failing.length === 0) continue;
      must ||= failing.some((c) => c.level === 'MUST');
      const first = failing.find((c) => c.level === 'MUST') ?? failing[0]!;
      tests.push({
        name: oneLine(test.name),
        expected: expectedText(first.expected),
        actual: oneLine(first.actual),
      });
    }
    out.push({
      id,
      level: must ? 'MUST' : 'SHOULD',
      behaviour: oneLine(findRequirement(id)?.behaviour ?? ''),
      tests,
    });
  }
  return out;
}
