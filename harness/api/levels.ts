/** How much a check weighs. MUST fails the run; SHOULD warns (fails under --strict); INFO observes. */
export type Level = 'MUST' | 'SHOULD' | 'INFO';

/**
 * `known`: every failure the test saw is listed in the known-deviations file (--known-deviations):
 * reported and counted apart, but it does not fail the run.
 */
export type Verdict = 'passed' | 'failed' | 'warning' | 'known' | 'info' | 'skipped' | 'error';
