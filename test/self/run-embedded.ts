import { resolveConfig, type ConfigInput } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { FAULTS, type FaultName } from '../../reference/faults.ts';
import '../../suites/index.ts';

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

/** IDs judged by the property-based suites: their faults run with fast-check's default 100 cases. */
const PROPERTY_IDS = new Set(['DA-3.5-STATE-MACHINE', 'AWS-NO-5XX', 'OA-3.2-DUP-PARAM']);

/**
 * Cases per property when the suite runs against `fault`: 100 where a property must find it, 30
 * elsewhere, so that the matrix of ~130 runs stays within CI's time.
 */
export function numRunsFor(fault: FaultName): number {
  return FAULTS[fault].breaks.some((id) => PROPERTY_IDS.has(id)) ? 100 : 30;
}
