import { TestAbort, TestContext, TestSkip } from '../api/context.ts';
import type { Config } from './config.ts';
import { ExchangeLog, type Exchange } from '../http/exchange.ts';
import { send, type HttpContext, type HttpLimits } from '../http/http.ts';
import { RunTraffic } from './traffic.ts';
import { Redactor } from '../http/redact.ts';
import { registeredTests, type TestDefinition } from '../api/registry.ts';
import { summarize, type ExitCode, type RunResult, type TestResult } from './results.ts';
import { asAwsProfile, createProfile, type ProfileFactories } from '../profiles/create.ts';
import type { OauthEndpoints } from '../oauth/discovery.ts';
import { oauthEndpointsFor } from './oauth-endpoints.ts';
import { RunError } from './run-error.ts';
import type { ClientRegistration, Outcome } from '../profiles/profile.ts';
import { FIXTURE_REGISTRATION } from '../api/context.ts';
import { unmetNeed } from '../api/declared-needs.ts';
import { embeddedTarget, remoteTarget, type Target } from './target.ts';
import { verdictOf, type TestEnding } from './verdict.ts';
import { profileSkipReason } from './profile-skip.ts';
import { CircuitBreaker } from './breaker.ts';
import { TransportError } from '../http/transport-error.ts';
import { ApproverError } from '../approvers/approver.ts';
import { curlFor } from '../http/curl.ts';
import { withKeptExchanges } from './kept-exchanges.ts';
import { ConfigError } from './config.ts';
import type { Wait, WaitListener } from './waits.ts';
import {
  applyKnownDeviations,
  loadKnownDeviations,
  markKnown,
  type KnownDeviationList,
  type KnownDeviationsReport,
} from './known-deviations.ts';
import { passwordOf } from '../http/url-password.ts';

export const TOOL = { name: 'sso-oidc-conformance', version: '0.1.0' };

export { RunError } from './run-error.ts';

const BREAKER_THRESHOLD = 3;

/**
 * The tests a run reports: those whose name matches --grep. A test for another profile is
 * selected too, and reported as skipped (profileSkipReason), not dropped from the report.
 */
export function selectTests(
  config: Pick<Config, 'grep'>,
  from: readonly TestDefinition[] = registeredTests(),
): TestDefinition[] {
  const pattern = config.grep ? new RegExp(config.grep, 'i') : undefined;
  return from.filter((t) => !pattern || pattern.test(t.name));
}

/**
 * What a run tells as it goes (live progress, reporters/progress.ts): each hook is optional and
 * called synchronously; a test is named by its full name.
 */
export interface ProgressHooks {
  /** Once, before the first test: how many tests the run reports, and its clock. */
  onRunStart?: (run: { total: number; clock: 'virtual' | 'real' }) => void;
  /** A test starts (a test skipped for the profile starts and ends at once). */
  onTestStart?: (test: string) => void;
  /** Called as each test ends. */
  onTestEnd?: (result: TestResult) => void;
  /** A test starts waiting (real clock only: virtual waits end at once) ... */
  onWait?: (test: string, wait: Wait) => void;
  /** ... and that wait ends. */
  onWaitEnd?: (test: string, wait: Wait) => void;
}

export interface RunHooks extends ProgressHooks {
  /** The redactor of the run (tests of the harness pass their own to inspect it). */
  redactor?: Redactor;
  /** The tests to run instead of the registered suites' (the runner's own tests use fakes). */
  tests?: readonly TestDefinition[];
  /** Profiles besides the shipped ones (the profile-seam test's stub), by name. */
  profiles?: ProfileFactories;
}

export async function runConformance(config: Config, hooks: RunHooks = {}): Promise<RunResult> {
  const startedAt = new Date();
  // Before anything runs: a list that cannot be read or names an unknown ID is a ConfigError.
  const known = config.knownDeviations ? loadKnownDeviations(config.knownDeviations) : undefined;
  const tests = selectTests(config, hooks.tests);
  if (tests.length === 0)
    throw new RunError(
      config.grep ? `no test matches --grep ${JSON.stringify(config.grep)}` : 'no test selected',
    );

  const redactor = hooks.redactor ?? new Redactor();
  // Secrets of configured clients (SSOC_CLIENT_SECRET…) never came in a response the redactor
  // learns from: it is told them up front, so they are hidden wherever they appear.
  for (const entry of config.clients ?? []) {
    const secret = entry.split(' ')[1];
    if (secret !== undefined) redactor.addSecret(secret);
  }
  // So are passwords in the URLs given (user:password@host): target, issuer, endpoints.
  for (const url of Object.values(config)) {
    const password = typeof url === 'string' ? passwordOf(url) : undefined;
    if (password !== undefined) redactor.addSecret(password);
  }
  const runAbort = new AbortController();
  const problems: string[] = [];
  const breaker = new CircuitBreaker(BREAKER_THRESHOLD, (reason) => {
    problems.push(reason);
    runAbort.abort(new RunError(reason));
  });
  const limits: HttpLimits = { timeoutMs: config.timeout * 1000 };
  const target: Target = config.target
    ? remoteTarget(config, redactor)
    : embeddedTarget(config, redactor);
  const observed: Outcome<unknown>[] = [];
  const traffic = new RunTraffic({
    maxInFlight: config.maxInFlight,
    maxRegistrations: config.maxRegistrations,
  });

  try {
    if (target.kind === 'remote') await probe(config.target!, redactor, limits);
    // rfc8628: a target's endpoints, from the settings or its metadata, once for the run.
    const oauth =
      target.kind === 'remote' && config.profile === 'rfc8628'
        ? await oauthEndpointsFor(config, redactor, limits)
        : undefined;

    const sharedClient =
      target.kind === 'remote'
        ? memoSharedClient(
            config,
            redactor,
            limits,
            breaker,
            observed,
            traffic,
            hooks.profiles,
            oauth,
          )
        : undefined;
    const results = new Map<TestDefinition, TestResult>();
    const shared = new Map<string, Promise<unknown>>();
    hooks.onRunStart?.({ total: tests.length, clock: target.clockKind });
    const runOne = async (def: TestDefinition) => {
      hooks.onTestStart?.(def.name);
      const result = await runTest(def, {
        config,
        target,
        redactor,
        limits,
        breaker,
        runSignal: runAbort.signal,
        observed,
        traffic,
        sharedClient,
        shared: target.kind === 'remote' ? shared : undefined,
        known,
        profiles: hooks.profiles,
        oauth,
        waits: waitsOf(def.name, hooks),
      });
      results.set(def, result);
      hooks.onTestEnd?.(result);
    };
    // Longest waits first, so that a real-time run lasts about as long as its longest wait.
    const order = { expiry: 0, interval: 1, none: 2 } as const;
    const byWait = tests
      .filter((t) => !t.meta.after)
      .sort((a, b) => order[a.meta.needs?.wait ?? 'none'] - order[b.meta.needs?.wait ?? 'none']);
    await pool(byWait, config.concurrency, runOne);
    await pool(
      tests.filter((t) => t.meta.after),
      config.concurrency,
      runOne,
    );

    const ordered = tests.map((t) => results.get(t)!);
    const knownReport = known ? applyKnownDeviations(ordered, known) : undefined;
    // Evidence is dropped once the verdicts are final: the list above can turn a pass into a
    // warning, whose exchanges a reader needs.
    const reported = withKeptExchanges(ordered, config.exchanges);
    return buildRun(config, target, startedAt, reported, problems, breaker, traffic, knownReport);
  } finally {
    await target.close();
  }
}

/** The test's waits, told to the hooks (none: nobody listens). */
function waitsOf(test: string, hooks: ProgressHooks): WaitListener | undefined {
  if (!hooks.onWait && !hooks.onWaitEnd) return undefined;
  return {
    start: (wait) => hooks.onWait?.(test, wait),
    end: (wait) => hooks.onWaitEnd?.(test, wait),
  };
}

/** Any HTTP answer at all means the target is reachable; a transport failure ends the run. */
async function probe(baseUrl: string, redactor: Redactor, limits: HttpLimits): Promise<void> {
  try {
    await send(
      { method: 'GET', url: `${baseUrl}/` },
      { recorder: new ExchangeLog(), redactor, limits },
    );
  } catch (e) {
    if (e instanceof TransportError) {
      const unreachable = ['connect-refused', 'connect-timeout', 'dns'].includes(e.cause);
      throw new RunError(`target ${unreachable ? 'unreachable' : 'unusable'}: ${e.message}`);
    }
    throw e;
  }
}

function memoSharedClient(
  config: Config,
  redactor: Redactor,
  limits: HttpLimits,
  breaker: CircuitBreaker,
  observed: Outcome<unknown>[],
  traffic: RunTraffic,
  profiles: ProfileFactories | undefined,
  oauth: OauthEndpoints | undefined,
): () => Promise<Outcome<ClientRegistration>> {
  let memo: Promise<Outcome<ClientRegistration>> | undefined;
  return () => {
    memo ??= (async () => {
      const log = new ExchangeLog();
      const profile = createProfile(
        config,
        {
          baseUrl: config.target!,
          http: { recorder: breakerRecorder(log, breaker), redactor, limits },
          observe: (o) => observed.push(o),
          traffic,
          oauth,
        },
        profiles,
      );
      return profile.registerClient(FIXTURE_REGISTRATION);
    })();
    // A transport failure is not cached: the next test may try again.
    memo.catch(() => (memo = undefined));
    return memo;
  };
}

/** Records into `log` and tells the breaker whether the exchange got an HTTP response. */
function breakerRecorder(log: ExchangeLog, breaker: CircuitBreaker) {
  return {
    record(e: Omit<Exchange, 'seq'>): Exchange {
      const full = log.record(e);
      if (e.error && !e.response) breaker.failure(e.error);
      else breaker.success();
      return full;
    },
  };
}

interface TestRunServices {
  config: Config;
  target: Target;
  redactor: Redactor;
  limits: HttpLimits;
  breaker: CircuitBreaker;
  runSignal: AbortSignal;
  observed: Outcome<unknown>[];
  traffic: RunTraffic;
  sharedClient?: () => Promise<Outcome<ClientRegistration>>;
  shared?: Map<string, Promise<unknown>>;
  known?: KnownDeviationList;
  profiles?: ProfileFactories;
  /** rfc8628 against a target: the endpoints found once for the run. */
  oauth?: OauthEndpoints;
  /** Told of the test's waits (live progress). */
  waits?: WaitListener;
}

function testBudgetMs(config: Config, target: Target): number {
  if (target.clockKind === 'virtual') return 60_000;
  return (config.maxWait + 2 * config.approverTimeout + 120) * 1000;
}

async function runTest(def: TestDefinition, s: TestRunServices): Promise<TestResult> {
  const started = new Date();
  const t0 = performance.now();
  const log = new ExchangeLog();
  const base = {
    name: def.name,
    slug: def.slug,
    id: def.meta.id,
    level: def.meta.level,
    suite: def.suite.key,
    suiteTitle: def.suite.title,
    // The profiles a profile-tagged test applies to: a comparison shows "n/a", not "skipped",
    // for a target whose profile is not among them.
    ...(def.meta.profiles ? { profiles: [...def.meta.profiles] } : {}),
    needs: {
      approver: def.meta.needs?.approver ?? false,
      waitSeconds: 0,
    },
    startedAt: started.toISOString(),
  };
  const finish = (
    partial: Pick<TestResult, 'verdict' | 'reason' | 'failedRequirements'> & {
      ctx?: TestContext;
    },
  ): TestResult => {
    const checks = partial.ctx?.checks ?? [];
    const exchanges = [...log.exchanges, ...(partial.ctx?.attached ?? [])];
    const failedCheck =
      checks.find((c) => !c.ok && partial.failedRequirements.includes(c.requirement)) ??
      checks.find((c) => !c.ok);
    const curlExchange =
      partial.verdict === 'passed' || partial.verdict === 'skipped'
        ? undefined
        : (exchanges.find((e) => e.seq === failedCheck?.exchangeSeq) ?? exchanges.at(-1));
    // Declared IDs, plus any other ID a failed check cites (a fixture's precondition, say).
    const requirements = [
      ...new Set([...def.requirements, ...checks.filter((c) => !c.ok).map((c) => c.requirement)]),
    ];
    return {
      ...base,
      requirements,
      verdict: partial.verdict,
      reason: partial.reason === undefined ? undefined : s.redactor.text(partial.reason),
      failedRequirements: partial.failedRequirements,
      checks,
      notes: (partial.ctx?.notes ?? []).map((n) => s.redactor.text(n)),
      exchanges,
      curl: curlExchange ? curlFor(curlExchange) : undefined,
      requestCount: log.exchanges.length + (partial.ctx?.unrecorded ?? 0),
      durationMs: Math.round(performance.now() - t0),
    };
  };

  const notForProfile = profileSkipReason(def, s.config.profile);
  if (notForProfile !== undefined)
    return finish({ verdict: 'skipped', reason: notForProfile, failedRequirements: [] });

  if (s.runSignal.aborted) {
    return finish({
      verdict: 'error',
      reason: `not run: ${(s.runSignal.reason as Error).message}`,
      failedRequirements: [],
    });
  }

  const deadline = AbortSignal.timeout(testBudgetMs(s.config, s.target));
  const signal = AbortSignal.any([s.runSignal, deadline]);
  let session;
  try {
    session = await s.target.openSession();
  } catch (e) {
    return finish({
      verdict: 'error',
      reason: `could not open a target session: ${(e as Error).message}`,
      failedRequirements: [],
    });
  }
  const http: HttpContext = {
    recorder: breakerRecorder(log, s.breaker),
    redactor: s.redactor,
    limits: s.limits,
    signal,
  };
  const profile = createProfile(
    s.config,
    {
      baseUrl: session.baseUrl,
      http,
      observe: (o) => s.observed.push(o),
      traffic: s.traffic,
      oauth: session.oauthEndpoints ?? s.oauth,
    },
    s.profiles,
  );
  // Property-based tests send hundreds of requests: they count them here instead of keeping
  // each exchange, and replay a failing case through `profile` to record it.
  const quietProfile = (count: () => void) =>
    createProfile(
      s.config,
      {
        baseUrl: session.baseUrl,
        traffic: s.traffic,
        oauth: session.oauthEndpoints ?? s.oauth,
        http: {
          ...http,
          recorder: {
            record(e) {
              count();
              if (e.error && !e.response) s.breaker.failure(e.error);
              else s.breaker.success();
              return { seq: 0, ...e };
            },
          },
        },
      },
      s.profiles,
    );
  // Another endpoint the test talks to (a second region's): recorded in the test's log, its
  // outcomes not judged by the after-run rules, which are about the target.
  const profileAt = (baseUrl: string) =>
    asAwsProfile(createProfile(s.config, { baseUrl, http, traffic: s.traffic }, s.profiles));
  const ctx = new TestContext({
    config: s.config,
    profile,
    quietProfile,
    profileAt,
    clock: session.clock,
    approver: session.approver,
    signal,
    log,
    level: def.meta.level,
    sharedClient: s.sharedClient,
    shared: s.shared,
    observed: () => s.observed,
    iam: session.iam,
    waits: s.waits,
  });
  const judged = (ending: TestEnding) => {
    markKnown(ctx.checks, s.known);
    return verdictOf({
      id: def.meta.id,
      level: def.meta.level,
      checks: ctx.checks,
      notes: ctx.notes,
      strict: s.config.strict,
      ending,
    });
  };
  try {
    // A declared need the run cannot meet skips the test before it sends anything.
    const unmet = unmetNeed(def.meta.needs, {
      approver: session.approver,
      iam: session.iam,
      profile,
    });
    if (unmet !== undefined) throw new TestSkip(unmet);
    await def.run(ctx);
    return finish({ ...judged({ kind: 'completed' }), ctx });
  } catch (e) {
    // Whatever stopped the test, the checks it recorded are weighed: a failure seen before a
    // skip or an error stays a failure (verdictOf).
    if (e instanceof TestAbort) return finish({ ...judged({ kind: 'completed' }), ctx });
    if (e instanceof TestSkip)
      return finish({ ...judged({ kind: 'skipped', reason: e.message }), ctx });
    return finish({
      ...judged({ kind: 'error', reason: errorLine(e, signal, deadline) }),
      ctx,
    });
  } finally {
    await session.close().catch(() => undefined);
  }
}

function errorLine(e: unknown, signal: AbortSignal, deadline: AbortSignal): string {
  if (e instanceof TransportError) return `transport: ${e.message}`;
  if (e instanceof ApproverError) return `approver: ${e.message}`;
  if (deadline.aborted) return 'the test exceeded its time budget';
  if (signal.aborted) return `aborted: ${(signal.reason as Error)?.message ?? 'run stopped'}`;
  if (e instanceof ConfigError) return e.message;
  return `harness error: ${(e as Error)?.message ?? String(e)}`;
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

function buildRun(
  config: Config,
  target: Target,
  startedAt: Date,
  tests: TestResult[],
  problems: string[],
  breaker: CircuitBreaker,
  traffic: RunTraffic,
  knownDeviations?: KnownDeviationsReport,
): RunResult {
  const summary = { ...summarize(tests, config.strict), registrations: traffic.registrations };
  const allProblems = [...problems];
  if (breaker.openReason === undefined && summary.error > 0) {
    for (const t of tests.filter((x) => x.verdict === 'error').slice(0, 5))
      allProblems.push(`${t.id}: ${t.reason}`);
  }
  // A run that judged no requirement (every test skipped, say) is not "conformant".
  const nothingJudged = summary.requirements.judged === 0;
  if (nothingJudged)
    allProblems.push(
      `nothing was judged: no check of any requirement counted (${summary.skipped} of ${summary.total} tests skipped)`,
    );
  const exitCode: ExitCode =
    summary.failed > 0 ? 1 : summary.error > 0 || problems.length > 0 ? 2 : nothingJudged ? 3 : 0;
  const finishedAt = new Date();
  return {
    tool: TOOL,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    target: {
      kind: target.kind,
      url: target.url,
      profile: config.profile,
      faults: target.faults,
      clock: target.clockKind,
      approver: target.approverName,
    },
    strict: config.strict,
    exchanges: config.exchanges,
    seed: config.seed,
    summary,
    exitCode,
    problems: allProblems,
    knownDeviations,
    tests,
  };
}
