/**
 * The runner as an engine, on one-test fake suites whose expected outcome is DECLARED as data
 * (test262-harness's collateral tests do the same with frontmatter): each row is a fake test
 * body and the verdict, requirement verdict and exit code the runner must give it. The rules
 * that need more than one test or a closer look (a failure then a skip, fixtures, INFO tests,
 * --strict) stay in test/runner-rules.test.ts; known deviations in their own tests.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { TestContext } from '../../harness/api/context.ts';
import type { TestDefinition } from '../../harness/api/registry.ts';
import { TransportError } from '../../harness/http/transport-error.ts';

const ID = 'DA-3.5-PENDING';

function check(t: TestContext, ok: boolean): void {
  t.check({ requirement: ID, description: 'a check', ok, expected: 'x', actual: ok ? 'x' : 'y' });
}

interface Row {
  body: string;
  run: (t: TestContext) => Promise<void>;
  verdict: string;
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
];

function fake(run: Row['run']): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id: ID, title: 'a fake test', level: 'MUST', also: [] },
    name: `${ID} a fake test`,
    requirements: [ID],
    run,
  };
}

describe('runner verdicts, declared as data', () => {
  for (const row of TABLE) {
    it(`${row.body} -> ${row.verdict}, exit ${row.exitCode}`, async () => {
      const config = resolveConfig({ flags: { reports: '/dev/null' } });
      const run = await runConformance(config, { tests: [fake(row.run)] });
      expect(run.tests[0]!.verdict).toBe(row.verdict);
      expect(run.exitCode).toBe(row.exitCode);
      const failed = run.tests[0]!.failedRequirements.includes(ID);
      if (row.requirementFailed !== undefined) expect(failed).toBe(row.requirementFailed);
    });
  }
});

describe('after-tests', () => {
  it('run after every other test and judge what the others observed', async () => {
    let seenByAfter = -1;
    const before = fake(async (t) => {
      await t.client();
      check(t, true);
    });
    const after: TestDefinition = {
      ...fake(async (t) => {
        seenByAfter = t.observed().length;
        check(t, seenByAfter > 0);
      }),
      meta: { id: ID, title: 'an after test', level: 'MUST', also: [], after: true },
      name: `${ID} an after test`,
    };
    const config = resolveConfig({ flags: { reports: '/dev/null' } });
    // Listed first, still run last.
    const run = await runConformance(config, { tests: [after, before] });
    expect(seenByAfter).toBeGreaterThan(0);
    expect(run.tests.map((r) => r.verdict)).toEqual(['passed', 'passed']);
    expect(run.exitCode).toBe(0);
  });
});
