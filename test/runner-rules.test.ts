/**
 * The runner's own rules, on small fake suites whose expected verdicts are declared: a recorded
 * failure is never hidden by a later skip or error, fixture checks never make a test pass, an
 * INFO test never fails the run, a run that judged nothing has its own exit code, and a skipped
 * test keeps what it saw.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import type { TestContext } from '../harness/api/context.ts';
import type { Level } from '../harness/api/levels.ts';
import type { TestDefinition } from '../harness/api/registry.ts';
import type { RunResult } from '../harness/engine/results.ts';
import { renderJunit } from '../harness/reporters/junit.ts';

function fake(
  id: string,
  level: Level,
  run: (t: TestContext) => Promise<void>,
  also: string[] = [],
): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id, title: 'a fake test', level, also },
    name: `${id} a fake test`,
    slug: id,
    requirements: [id, ...also],
    run,
  };
}

/** A check of `requirement` that holds or not. */
function check(t: TestContext, requirement: string, ok: boolean, level?: Level): void {
  t.check({
    requirement,
    level,
    description: `check of ${requirement}`,
    ok,
    expected: 'x',
    actual: ok ? 'x' : 'y',
  });
}

/** A fixture's precondition that failed: the registration was answered 500. */
function failFixture(t: TestContext): never {
  t.require({
    fixture: true,
    requirement: 'AWS-REG-200',
    description: 'registration (fixture)',
    ok: false,
    expected: 'HTTP 200',
    actual: 'HTTP 500',
  });
  throw new Error('unreachable: the failed require stops the test');
}

function runFakes(tests: TestDefinition[], strict = false): Promise<RunResult> {
  return runConformance(resolveConfig({ flags: { reports: '/dev/null', strict } }), { tests });
}

async function verdictOf(def: TestDefinition): Promise<RunResult['tests'][number]> {
  const run = await runFakes([def]);
  return run.tests[0]!;
}

describe('runner rules', () => {
  it('a failure then a skip is a failure, with its checks and exchanges', async () => {
    const r = await verdictOf(
      fake('DA-3.5-PENDING', 'MUST', async (t) => {
        await t.client();
        check(t, 'DA-3.5-PENDING', false);
        t.skip('the server slowed the poll down');
      }),
    );
    expect(r.verdict).toBe('failed');
    expect(r.failedRequirements).toEqual(['DA-3.5-PENDING']);
    expect(r.exchanges.length).toBeGreaterThan(0);
  });

  it('a failure then a harness error is a failure', async () => {
    const r = await verdictOf(
      fake('DA-3.5-PENDING', 'MUST', async (t) => {
        check(t, 'DA-3.5-PENDING', false);
        throw new Error('boom');
      }),
    );
    expect(r.verdict).toBe('failed');
  });

  it('a SHOULD failure then a skip is a warning (failed under --strict)', async () => {
    const def = fake('DA-3.5-SLOWDOWN-INC', 'SHOULD', async (t) => {
      check(t, 'DA-3.5-SLOWDOWN-INC', false);
      t.skip('the code expired');
    });
    expect((await verdictOf(def)).verdict).toBe('warning');
    expect((await runFakes([def], true)).tests[0]!.verdict).toBe('failed');
  });

  it('a skip after passing checks is a skip that keeps its checks (JUnit <system-out> too)', async () => {
    const run = await runFakes([
      fake('DA-3.5-PENDING', 'MUST', async (t) => {
        await t.client();
        check(t, 'DA-3.5-PENDING', true);
        t.skip('inconclusive here');
      }),
    ]);
    const r = run.tests[0]!;
    expect(r.verdict).toBe('skipped');
    expect(r.reason).toBe('inconclusive here');
    expect(r.checks.map((c) => c.requirement)).toContain('DA-3.5-PENDING');
    const xml = renderJunit(run);
    expect(xml).toMatch(/<skipped message="inconclusive here"\/>\s*<system-out>/);
    expect(xml).toContain('check of DA-3.5-PENDING');
  });

  it('a test that checked only through fixtures did not judge its requirement: error', async () => {
    const r = await verdictOf(
      fake('DA-3.5-PENDING', 'MUST', async (t) => {
        await t.authorization(); // fixture checks: registration and authorization succeed
      }),
    );
    expect(r.verdict).toBe('error');
    expect(r.reason).toMatch(/without a check of DA-3\.5-PENDING/);
  });

  it('a test that checked only other requirements did not judge its own: error', async () => {
    const r = await verdictOf(
      fake('DA-3.5-PENDING', 'MUST', async (t) => check(t, 'DA-3.5-STATUS-400', true), [
        'DA-3.5-STATUS-400',
      ]),
    );
    expect(r.verdict).toBe('error');
  });

  it('a failed fixture check still fails the test', async () => {
    const r = await verdictOf(
      fake('DA-3.5-PENDING', 'MUST', async (t) => {
        failFixture(t);
      }),
    );
    expect(r.verdict).toBe('failed');
    expect(r.failedRequirements).toEqual(['AWS-REG-200']);
  });

  it('an INFO test never fails the run, whatever level its checks ask for', async () => {
    const run = await runFakes([
      fake('DA-3.5-SLOWDOWN-EMIT', 'INFO', async (t) =>
        check(t, 'DA-3.5-SLOWDOWN-EMIT', false, 'MUST'),
      ),
      fake('AWS-REG-200', 'MUST', async (t) => check(t, 'AWS-REG-200', true)),
    ]);
    expect(run.tests[0]!.verdict).toBe('info');
    expect(run.tests[0]!.checks[0]!.level).toBe('INFO');
    expect(run.exitCode).toBe(0);
  });

  it('an INFO test whose fixture failed observed nothing: skipped, the failure still recorded', async () => {
    const r = await verdictOf(
      fake('DA-3.5-SLOWDOWN-EMIT', 'INFO', async (t) => {
        failFixture(t);
      }),
    );
    expect(r.verdict).toBe('skipped');
    expect(r.reason).toMatch(/a precondition failed/);
    expect(r.checks.map((c) => [c.requirement, c.ok])).toEqual([['AWS-REG-200', false]]);
  });

  it('a run where every test skipped judged nothing: exit 3 and a problem line', async () => {
    const run = await runFakes([
      fake('DA-3.5-PENDING', 'MUST', async (t) => t.skip('needs an approver')),
      fake('DA-3.5-DENIED', 'MUST', async (t) => t.skip('needs an approver')),
    ]);
    expect(run.summary.requirements.judged).toBe(0);
    expect(run.exitCode).toBe(3);
    expect(run.problems.join('\n')).toMatch(/nothing was judged/);
  });

  it('one judged requirement is enough for a verdict: exit 0', async () => {
    const run = await runFakes([
      fake('DA-3.5-PENDING', 'MUST', async (t) => t.skip('needs an approver')),
      fake('AWS-REG-200', 'MUST', async (t) => check(t, 'AWS-REG-200', true)),
    ]);
    expect(run.summary.requirements).toEqual({ judged: 1, failed: 0, known: 0, notJudged: 1 });
    expect(run.exitCode).toBe(0);
  });

  it('exit codes: a failure is 1, an error without failure is 2', async () => {
    const failing = await runFakes([
      fake('AWS-REG-200', 'MUST', async (t) => check(t, 'AWS-REG-200', false)),
    ]);
    expect(failing.exitCode).toBe(1);
    const erroring = await runFakes([
      fake('AWS-REG-200', 'MUST', async () => {
        throw new Error('boom');
      }),
      fake('DA-3.5-PENDING', 'MUST', async (t) => check(t, 'DA-3.5-PENDING', true)),
    ]);
    expect(erroring.tests[0]!.verdict).toBe('error');
    expect(erroring.exitCode).toBe(2);
  });
});
