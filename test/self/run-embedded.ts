import { resolveConfig, type ConfigInput } from '../../harness/config.ts';
import { runConformance } from '../../harness/runner.ts';
import type { RunResult } from '../../harness/results.ts';

/** Run the whole suite in-process against the embedded reference server. */
export function runEmbedded(flags: ConfigInput = {}): Promise<RunResult> {
  return runConformance(resolveConfig({ flags: { reports: '/dev/null', ...flags } }));
}

/** Requirement IDs failed anywhere in the run. */
export function failedIds(run: RunResult): Set<string> {
  return new Set(run.tests.flatMap((t) => t.failedRequirements));
}

/** One line per non-passing test, for assertion messages. */
export function describeRun(run: RunResult): string {
  return run.tests
    .filter((t) => t.verdict !== 'passed')
    .map((t) => `${t.verdict} ${t.name}: ${t.reason ?? ''}`)
    .join('\n');
}
