/**
 * How much HTTP evidence a run's reports keep (`--exchanges`). Every exchange of a conformant
 * run is most of results.json (about 1 MB of requests and answers that merely passed), so by
 * default only the tests a reader must be able to check keep theirs. A test's checks, notes,
 * request count and curl line are always kept, and a check still names the `exchangeSeq` it
 * looked at: sequence numbers are never renumbered, so `--exchanges all` on the same run shows
 * the very exchange.
 */
import type { Verdict } from '../api/levels.ts';
import type { TestResult } from './results.ts';

/** `failed`: the exchanges of tests that did not pass or skip; `all`: every test's. */
export type ExchangeMode = 'failed' | 'all';

/**
 * Verdicts whose exchanges `failed` keeps: a failure, a warning or a known deviation is argued
 * from them, an info observation describes them, an error may be explained by them. A pass is
 * argued by its checks (expected and actual), a skip by its reason.
 */
const EVIDENCE_VERDICTS: ReadonlySet<Verdict> = new Set([
  'failed',
  'warning',
  'known',
  'info',
  'error',
]);

/** Whether a test with this verdict keeps its exchanges under `mode`. */
export function keepsExchanges(verdict: Verdict, mode: ExchangeMode): boolean {
  return mode === 'all' || EVIDENCE_VERDICTS.has(verdict);
}

/**
 * The tests as the reports show them under `mode`: those that keep no evidence with an empty
 * `exchanges`, everything else unchanged. Call it once the verdicts are final (after the
 * known-deviations list, which may turn a pass into a warning).
 */
export function withKeptExchanges(tests: readonly TestResult[], mode: ExchangeMode): TestResult[] {
  return tests.map((t) =>
    keepsExchanges(t.verdict, mode) || t.exchanges.length === 0
      ? t
      : // The request count still says how many were sent (the summary adds them up).
        { ...t, exchanges: [], requestCount: t.requestCount ?? t.exchanges.length },
  );
}
