import type { Exchange } from '../http/exchange.ts';
import type { KnownDeviationsReport } from './known-deviations.ts';
import type { ExchangeMode } from './kept-exchanges.ts';
import type { Level, Verdict } from '../api/levels.ts';
import { requirementTotals, requirementVerdicts } from './requirement-verdicts.ts';

/** One assertion made inside a test, with the requirement it checks. */
export interface CheckResult {
  requirement: string;
  level: Level;
  ok: boolean;
  /** What was checked, in one line. */
  description: string;
  /** Acceptable outcomes (any of). */
  expected: string[];
  /** What the target did, redacted. */
  actual: string;
  /** seq of the exchange the check looked at, if any. */
  exchangeSeq?: number;
  /**
   * A precondition checked by a fixture (a registration, an authorization, a token set the test
   * needs), not the test's own judgement: it can fail a test, but never makes one pass.
   */
  fixture?: true;
  /** A failure listed in the known-deviations file: why, and where it is recorded. */
  known?: { reason: string; evidence: string };
}

export interface TestResult {
  /** Full test name: `<ID> <title>`. */
  name: string;
  /** The test's identity across runs and rewordings: its ID, or `<ID>/<slug>` (registry.ts). */
  slug: string;
  /** Primary requirement ID (the name starts with it). */
  id: string;
  /** Every requirement ID the test cites, primary first. */
  requirements: string[];
  level: Level;
  /** Suite key (file stem, e.g. `create-token-device`) and its title. */
  suite: string;
  suiteTitle: string;
  /** Profiles the test applies to, when it is tagged (`profiles: ['aws']`); absent: every one. */
  profiles?: string[];
  verdict: Verdict;
  /** One line: why it failed, warned, was skipped or errored; the observation for info. */
  reason?: string;
  /** Requirement IDs of failed checks (MUST, or SHOULD under --strict) not known deviations. */
  failedRequirements: string[];
  /** Known-deviation entries (requirement IDs) whose checks here passed: no longer deviating. */
  stale?: string[];
  checks: CheckResult[];
  notes: string[];
  /** Redacted, in order; empty for a passed or skipped test under `--exchanges failed`. */
  exchanges: Exchange[];
  /** Requests the test sent, counting those of property-based tests that keep no exchange. */
  requestCount?: number;
  /** curl command reproducing the exchange that failed, secrets redacted. */
  curl?: string;
  needs: { approver: boolean; waitSeconds: number };
  startedAt: string;
  durationMs: number;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  warning: number;
  /** Tests whose every failure is a listed known deviation. */
  known: number;
  info: number;
  skipped: number;
  error: number;
  requests: number;
  /** Registrations the target accepted over the run (issue 10, part 4), when counted. */
  registrations?: number;
  /**
   * Server requirements with a verdict from their checks, failed ones, known deviations, and
   * cited but not judged.
   */
  requirements: { judged: number; failed: number; known: number; notJudged: number };
}

/** The totals of a run: tests by verdict, requests sent (quiet ones included), requirements. */
export function summarize(tests: readonly TestResult[], strict = false): RunSummary {
  const count = (v: Verdict) => tests.filter((t) => t.verdict === v).length;
  return {
    total: tests.length,
    passed: count('passed'),
    failed: count('failed'),
    warning: count('warning'),
    known: count('known'),
    info: count('info'),
    skipped: count('skipped'),
    error: count('error'),
    requests: tests.reduce((n, t) => n + (t.requestCount ?? t.exchanges.length), 0),
    requirements: requirementTotals(requirementVerdicts(tests, strict)),
  };
}

/** 0 conformant, 1 non-conformant, 2 could not run, 3 ran but judged no requirement. */
export type ExitCode = 0 | 1 | 2 | 3;

export interface RunResult {
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  target: {
    kind: 'embedded' | 'remote';
    url: string;
    profile: string;
    faults: string[];
    clock: 'virtual' | 'real';
    approver: string;
  };
  strict: boolean;
  /**
   * Whose exchanges the run kept (--exchanges): `failed`, those of tests that did not pass or
   * skip; `all`, every test's. Absent (a RunResult made by hand): every test's.
   */
  exchanges?: ExchangeMode;
  /** Seed of the property-based suites (--seed): runs with other seeds tried other cases. */
  seed?: number;
  summary: RunSummary;
  /** 0 conformant, 1 non-conformant, 2 could not run, 3 ran but judged nothing. */
  exitCode: ExitCode;
  /** One line per cause when exitCode is 2 (or the run was cut short). */
  problems: string[];
  /** The known-deviations list of the run (--known-deviations), and what became of its entries. */
  knownDeviations?: KnownDeviationsReport;
  tests: TestResult[];
}
