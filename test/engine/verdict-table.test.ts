/**
 * The runner as an engine, on one-test fake suites whose expected outcome is DECLARED as data
 * (test262-harness's collateral tests do the same with frontmatter): each row is a fake test
 * body and the verdict, requirement verdict and exit code the runner must give it. Below the
 * one-test table: the rules that need several tests (the run-wide breaker, after-tests, the exit
 * code of a whole run). The rules that need a closer look (a failure then a skip, fixtures,
 * INFO tests) stay in test/runner-rules.test.ts; known deviations in their own tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { TestContext } from '../../harness/api/context.ts';
import type { Level } from '../../harness/api/levels.ts';
import type { TestDefinition } from '../../harness/api/registry.ts';
import { TransportError } from '../../harness/http/transport-error.ts';

const ID = 'DA-3.5-PENDING';

function check(t: TestContext, ok: boolean): void {
  t.check({ requirement: ID, description: 'a check', ok, expected: 'x', actual: ok ? 'x' : 'y' });
}

/** Resolves after `ms`, or rejects as soon as the test's signal aborts (its budget, the run). */
function waitUnlessAborted(t: TestContext, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Under load, opening the target's session can outlast a short budget: already aborted.
    if (t.signal.aborted) return reject(t.signal.reason);
    const timer = setTimeout(resolve, ms);
    t.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(t.signal.reason);
    });
  });
}

interface Row {
  body: string;
  run: (t: TestContext) => Promise<void>;
  /** The fake test's level (MUST unless said). */
  level?: Level;
  /** Run with --strict. */
  strict?: boolean;
  /** The test's time budget, shortened from the runner's 60 s so the row lasts milliseconds. */
  budgetMs?: number;
  verdict: string;
  /** What the result's reason must say, where the row is about the reason. */
  reason?: RegExp;
  /** Whether the requirement was judged failed (undefined: not judged at all). */
  requirementFailed: boolean | undefined;
  exitCode: number;
}

const TABLE: Row[] = [
  {
    body: 'one passing check',
    run: async (t) => check(t, true),
    verdict: 'passed',
    requirementFailed: false,
    exitCode: 0,
  },
  {
    body: 'one failing MUST check',
    run: async (t) => check(t, false),
    verdict: 'failed',
    requirementFailed: true,
    exitCode: 1,
  },
  {
    body: 'no check at all',
    run: async () => {},
    verdict: 'error',
    requirementFailed: undefined,
    exitCode: 2,
  },
  {
    body: 'a skip alone (nothing judged)',
    run: async (t) => t.skip('not applicable here'),
    verdict: 'skipped',
    requirementFailed: undefined,
    exitCode: 3,
  },
  {
    body: 'a thrown error after a passing check',
    run: async (t) => {
      check(t, true);
      throw new Error('harness bug');
    },
    verdict: 'error',
    requirementFailed: undefined,
    exitCode: 2,
  },
  {
    body: 'a failed require (the test stops there)',
    run: async (t) => {
      t.require({
        requirement: ID,
        description: 'a require',
        ok: false,
        expected: 'x',
        actual: 'y',
      });
      check(t, true); // never reached
    },
    verdict: 'failed',
    requirementFailed: true,
    exitCode: 1,
  },
  {
    body: 'a transport failure after a passing check',
    run: async (t) => {
      check(t, true);
      throw new TransportError('reset', 'connection reset');
    },
    verdict: 'error',
    requirementFailed: undefined,
    exitCode: 2,
  },
  {
    body: 'one failing SHOULD check',
    level: 'SHOULD',
    run: async (t) => check(t, false),
    verdict: 'warning',
    requirementFailed: false,
    exitCode: 0,
  },
  {
    body: 'one failing SHOULD check under --strict',
    level: 'SHOULD',
    strict: true,
    run: async (t) => check(t, false),
    verdict: 'failed',
    requirementFailed: true,
    exitCode: 1,
  },
  {
    body: 'a passing check, then a wait longer than the time budget',
    budgetMs: 50,
    run: async (t) => {
      check(t, true);
      await waitUnlessAborted(t, 2_000); // would pass after 2 s if the budget were not kept
    },
    verdict: 'error',
    reason: /^the test exceeded its time budget$/,
    requirementFailed: undefined,
    exitCode: 2,
  },
];

function fake(run: Row['run'], level: Level = 'MUST'): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id: ID, title: 'a fake test', level, also: [] },
    name: `${ID} a fake test`,
    slug: ID,
    requirements: [ID],
    run,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('runner verdicts, declared as data', () => {
  for (const row of TABLE) {
    it(`${row.body} -> ${row.verdict}, exit ${row.exitCode}`, async () => {
      if (row.budgetMs !== undefined) shortenTheNextBudget(row.budgetMs);
      const config = resolveConfig({ flags: { reports: '/dev/null', strict: row.strict } });
      const run = await runConformance(config, { tests: [fake(row.run, row.level)] });
      expect(run.tests[0]!.verdict).toBe(row.verdict);
      if (row.reason) expect(run.tests[0]!.reason).toMatch(row.reason);
      expect(run.exitCode).toBe(row.exitCode);
      const failed = run.tests[0]!.failedRequirements.includes(ID);
      if (row.requirementFailed !== undefined) expect(failed).toBe(row.requirementFailed);
    });
  }
});

/**
 * The runner arms one AbortSignal.timeout per test, its time budget, before the test starts;
 * the fake test arms none. Shortening that one timeout is how a row exceeds the budget without
 * waiting a minute (and without a setting the product does not need).
 */
function shortenTheNextBudget(ms: number): void {
  const realTimeout = AbortSignal.timeout.bind(AbortSignal);
  vi.spyOn(AbortSignal, 'timeout').mockImplementationOnce(() => realTimeout(ms));
}

/** A test run after all the others (an after-test): it judges what they observed. */
function afterTest(run: Row['run']): TestDefinition {
  return {
    ...fake(run),
    meta: { id: ID, title: 'an after test', level: 'MUST', also: [], after: true },
    name: `${ID} an after test`,
    slug: `${ID}/after`,
  };
}

describe('after-tests', () => {
  it('run after every other test and judge what the others observed', async () => {
    let seenByAfter = -1;
    const before = fake(async (t) => {
      await t.client();
      check(t, true);
    });
    const after = afterTest(async (t) => {
      seenByAfter = t.observed().length;
      check(t, seenByAfter > 0);
    });
    const config = resolveConfig({ flags: { reports: '/dev/null' } });
    // Listed first, still run last.
    const run = await runConformance(config, { tests: [after, before] });
    expect(seenByAfter).toBeGreaterThan(0);
    expect(run.tests.map((r) => r.verdict)).toEqual(['passed', 'passed']);
    expect(run.exitCode).toBe(0);
  });

  it("fail the run on a deviation in the others' traffic, the others keeping their verdict", async () => {
    // The other test provokes an error answer (a token for a client that does not exist)...
    const provoking = fake(async (t) => {
      const o = await t.profile.createToken({
        client: { clientId: 'no-such-client', clientSecret: 'no-such-secret' },
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        deviceCode: 'no-such-code',
      });
      check(t, o.kind === 'error');
    });
    // ...which an after-test holding "every answer observed was a success" fails on.
    const after = afterTest(async (t) => {
      const errors = t.observed().filter((o) => o.status >= 400);
      t.check({
        requirement: ID,
        description: 'every answer observed was a success',
        ok: errors.length === 0,
        expected: 'no error answer',
        actual: errors.map((o) => `${o.op} HTTP ${o.status}`).join(', '),
      });
    });
    const config = resolveConfig({ flags: { reports: '/dev/null' } });
    const run = await runConformance(config, { tests: [after, provoking] });
    expect(run.tests.map((r) => r.verdict)).toEqual(['failed', 'passed']);
    expect(run.tests[0]!.checks[0]!.actual).toMatch(/^createToken HTTP 4\d\d$/);
    expect(run.exitCode).toBe(1);
  });
});

/**
 * The exit code of a whole run, from the verdicts of its tests, declared as data: 1 if any
 * test failed, else 2 if any errored (or the run had a problem), else 3 if nothing was judged,
 * else 0 (warnings and observations do not fail a run unless --strict makes them failures).
 */
const EXIT_CODES: { run: string; tests: [Level, Row['run']][]; strict?: boolean; exit: number }[] =
  [
    {
      run: 'a pass and a skip',
      tests: [
        ['MUST', async (t) => check(t, true)],
        ['MUST', async (t) => t.skip('not here')],
      ],
      exit: 0,
    },
    {
      run: 'a SHOULD failure (warning)',
      tests: [['SHOULD', async (t) => check(t, false)]],
      exit: 0,
    },
    {
      run: 'a SHOULD failure under --strict',
      tests: [['SHOULD', async (t) => check(t, false)]],
      strict: true,
      exit: 1,
    },
    {
      run: 'an INFO observation and a pass',
      tests: [
        ['INFO', async (t) => check(t, false)],
        ['MUST', async (t) => check(t, true)],
      ],
      exit: 0,
    },
    {
      run: 'an error and a failure',
      tests: [
        ['MUST', async () => {}],
        ['MUST', async (t) => check(t, false)],
      ],
      exit: 1,
    },
    {
      run: 'an error and a pass',
      tests: [
        ['MUST', async () => {}],
        ['MUST', async (t) => check(t, true)],
      ],
      exit: 2,
    },
    {
      run: 'skips only (nothing judged)',
      tests: [
        ['MUST', async (t) => t.skip('not here')],
        ['MUST', async (t) => t.skip('nor here')],
      ],
      exit: 3,
    },
  ];

describe('exit codes of a run, declared as data', () => {
  for (const row of EXIT_CODES) {
    it(`${row.run}${row.strict ? ' (--strict)' : ''} -> exit ${row.exit}`, async () => {
      const config = resolveConfig({ flags: { reports: '/dev/null', strict: row.strict } });
      const tests = row.tests.map(([level, run], i) => ({
        ...fake(run, level),
        name: `${ID} fake test ${i + 1}`,
        slug: `${ID}/${i + 1}`,
      }));
      const run = await runConformance(config, { tests });
      expect(run.exitCode).toBe(row.exit);
    });
  }
});

describe('the run-wide breaker', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /**
   * A target that answers the reachability probe (GET /) and then resets every connection:
   * each request of a test is a transport failure, no HTTP response at all.
   */
  async function resettingTarget(): Promise<string> {
    server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/') res.writeHead(404).end();
      else req.socket.destroy();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('trips after 3 consecutive transport failures: the tests after it are not run, exit 2', async () => {
    const target = await resettingTarget();
    const config = resolveConfig({
      flags: { reports: '/dev/null', target, concurrency: 1, approver: 'none' },
    });
    const registering = fake(async (t) => {
      await t.client(); // one request, reset by the target
      check(t, true);
    });
    const run = await runConformance(config, {
      tests: [registering, registering, registering, registering].map((def, i) => ({
        ...def,
        name: `${def.name} ${i + 1}`,
        slug: `${ID}/${i + 1}`,
      })),
    });
    const tripped = /stopped after 3 consecutive transport failures/;
    // The three that met the failures end in a transport error...
    expect(run.tests.slice(0, 3).map((r) => r.verdict)).toEqual(['error', 'error', 'error']);
    for (const r of run.tests.slice(0, 3)) expect(r.reason).toMatch(/^transport: /);
    // ...the fourth is not run at all, and says why.
    expect(run.tests[3]!.verdict).toBe('error');
    expect(run.tests[3]!.reason).toMatch(/^not run: /);
    expect(run.tests[3]!.reason).toMatch(tripped);
    expect(run.tests[3]!.requestCount).toBe(0);
    expect(run.problems.join('\n')).toMatch(tripped);
    expect(run.exitCode).toBe(2);
  });

  it('a tripped breaker is a problem of the run even if no test errored: exit 2', async () => {
    const target = await resettingTarget();
    const config = resolveConfig({
      flags: { reports: '/dev/null', target, concurrency: 1, approver: 'none' },
    });
    // A test that expects the failures (as a fuzzing test may) and passes all the same.
    const swallowing = fake(async (t) => {
      for (let i = 0; i < 3; i++) {
        await t.profile.registerClient({ clientName: 'c', clientType: 'public' }).catch(() => {});
      }
      check(t, true);
    });
    const run = await runConformance(config, { tests: [swallowing] });
    expect(run.tests[0]!.verdict).toBe('passed');
    expect(run.problems.join('\n')).toMatch(/stopped after 3 consecutive transport failures/);
    expect(run.exitCode).toBe(2);
  });
});
