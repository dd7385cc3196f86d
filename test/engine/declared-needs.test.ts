/**
 * The runner skips a test from its declared `needs` before running it: no request sent, the
 * body never entered, the reason the same as the fixture's skip inside a test. Declared as
 * rows like test/engine/verdict-table.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ConfigInput } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { TestContext } from '../../harness/api/context.ts';
import type { TestDefinition, TestNeeds } from '../../harness/api/registry.ts';
import { unmetNeed } from '../../harness/api/declared-needs.ts';

const ID = 'DA-3.5-PENDING';
const NO_APPROVER = 'needs an approver (--approver reference|exec|manual); none configured';

interface Row {
  case: string;
  needs?: TestNeeds;
  flags: ConfigInput;
  /** What the body does once entered: a registration (a request), then one passing check. */
  body?: (t: TestContext) => void;
  entered: boolean;
  verdict: string;
  reason?: string;
}

const TABLE: Row[] = [
  {
    case: 'declares an approver, none configured',
    needs: { approver: true },
    flags: { approver: 'none' },
    entered: false,
    verdict: 'skipped',
    reason: NO_APPROVER,
  },
  {
    case: 'declares an approver and a wait, none configured',
    needs: { approver: true, wait: 'interval' },
    flags: { approver: 'none' },
    entered: false,
    verdict: 'skipped',
    reason: NO_APPROVER,
  },
  {
    case: 'declares an approver, the reference approver configured',
    needs: { approver: true },
    flags: {},
    entered: true,
    verdict: 'passed',
  },
  {
    case: 'declares nothing, asks for an approver in its body (the same reason, after a request)',
    flags: { approver: 'none' },
    body: (t) => t.needsApprover(),
    entered: true,
    verdict: 'skipped',
    reason: NO_APPROVER,
  },
  {
    case: 'declares the expiry wait (only the test can weigh it against expiresIn)',
    needs: { wait: 'expiry' },
    flags: { approver: 'none' },
    entered: true,
    verdict: 'passed',
  },
];

function fake(row: Row, entered: () => void): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id: ID, title: 'a fake test', level: 'MUST', also: [], needs: row.needs },
    name: `${ID} a fake test`,
    slug: ID,
    requirements: [ID],
    run: async (t) => {
      entered();
      await t.client();
      row.body?.(t);
      t.check({ requirement: ID, description: 'a check', ok: true, expected: 'x', actual: 'x' });
    },
  };
}

describe('declared needs, decided before the test runs', () => {
  for (const row of TABLE) {
    it(`${row.case} -> ${row.entered ? 'run' : 'not run'}, ${row.verdict}`, async () => {
      let entered = false;
      const config = resolveConfig({ flags: { reports: '/dev/null', ...row.flags } });
      const run = await runConformance(config, { tests: [fake(row, () => (entered = true))] });
      const result = run.tests[0]!;
      expect(entered).toBe(row.entered);
      expect(result.verdict).toBe(row.verdict);
      if (row.reason !== undefined) expect(result.reason).toBe(row.reason);
      if (!row.entered) expect(result.requestCount).toBe(0);
    });
  }
});

describe('unmetNeed', () => {
  const approver = { name: 'fake', decide: async () => {} };
  it('the IAM side: the reason the target gives, or that it has no settings', () => {
    expect(unmetNeed({ iam: true }, { approver, iam: { unavailable: 'no credentials' } })).toBe(
      'no credentials',
    );
    expect(unmetNeed({ iam: true }, { approver })).toBe(
      'the target has no CreateTokenWithIAM settings',
    );
    expect(unmetNeed({ iam: false }, { approver })).toBeUndefined();
  });
  it('nothing declared: nothing decided before the test', () => {
    expect(unmetNeed(undefined, {})).toBeUndefined();
    expect(unmetNeed({ wait: 'expiry' }, {})).toBeUndefined();
  });
});
