/** How much a check weighs. MUST fails the run; SHOULD warns (fails under --strict); INFO observes. */
export type Level = 'MUST' | 'SHOULD' | 'INFO';

export type Verdict = 'passed' | 'failed' | 'warning' | 'info' | 'skipped' | 'error';
