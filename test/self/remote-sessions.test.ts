import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import { describeRun } from './run-embedded.ts';
import '../../suites/index.ts';

/**
 * The refresh-dependent tests through the remote code path (one registration shared by the run,
 * tests run concurrently, real time), against a server that holds one session per registration
 * (EVIDENCE.md E12): an approval on a registration ends the refresh of its earlier grants. The
 * device-flow tests approve on the shared registration meanwhile; a refresh test that relied on
 * it would fail with invalid_grant, through the suite's own doing (as it did before the tests
 * got a registration of their own: OA-6-SCOPE-UP, BCP-*, AWS-CT-REFRESH-RT failed here).
 */
const REFRESH_DEPENDENT =
  '^(OA-6-|BCP-|AWS-CT-REFRESH|OA-10\\.[34]-|DA-3\\.5-STATE-MACHINE|DA-3\\.5-SUCCESS|OA-5\\.1-)';

let server: RunningReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({
    faults: ['one-session-per-registration'],
    virtualClock: false,
    interval: 1,
    expiresIn: 60,
  });
});

afterAll(() => server?.close());

describe('one session per registration, remote target', () => {
  it('the refresh tests keep their sessions: a conformant verdict', async () => {
    const run = await runConformance(
      resolveConfig({
        flags: {
          target: server.url,
          approver: 'reference',
          grep: REFRESH_DEPENDENT,
          reports: '/dev/null',
          numRuns: 2,
        },
      }),
    );
    const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
    expect(
      bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`),
      describeRun(run),
    ).toEqual([]);
    // The refresh tests were judged, not skipped.
    const judged = run.tests.filter((t) => t.verdict === 'passed').map((t) => t.id);
    for (const id of [
      'OA-6-REFRESH',
      'AWS-CT-REFRESH-RT',
      'BCP-4.14.2-REUSE-REVOKE',
      'OA-10.4-RT-GUESS',
    ])
      expect(judged, describeRun(run)).toContain(id);
  }, 120_000);
});
