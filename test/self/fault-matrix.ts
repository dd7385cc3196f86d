import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../reference/faults.ts';
import { RFC8628_BREAKS } from '../../reference/faults-rfc8628.ts';
import { runEmbedded, failedIds, describeRun, numRunsFor } from './run-embedded.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import '../../suites/index.ts';

/**
 * The self-test matrix: the suite runs against the reference server with each seeded fault,
 * and must fail on exactly the requirement IDs the fault declares: each of them (the fault is
 * caught where it claims to be) and nothing else (no surprise). Runs are strict so SHOULD-level
 * faults count too. The matrix is cut into shards, one test file each, so that vitest runs them
 * on all cores.
 */
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

/**
 * Faults a property must find with a shrunk counterexample, its seed and a curl command: the
 * test whose name matches.
 */
const FOUND_BY_PROPERTY: Partial<Record<FaultName, RegExp>> = {
  '500-on-wrong-type': /^AWS-NO-5XX broken \w+ requests/,
  'long-client-name-crash': /^AWS-NO-5XX /,
  'iam-unknown-grant-crash': /^AWS-NO-5XX broken CreateTokenWithIAM requests/,
  'approve-after-deny': /^DA-3\.5-STATE-MACHINE /,
};

/** The fault's run: strict, under the profile whose front end it acts on (aws by default). */
function runFor(name: FaultName): Promise<RunResult> {
  return runUnder(name, FAULTS[name].profile ?? 'aws');
}

function runUnder(name: FaultName, profile: 'aws' | 'rfc8628'): Promise<RunResult> {
  return runEmbedded({ faults: [name], strict: true, numRuns: numRunsFor(name), profile });
}

function expectFoundByProperty(run: RunResult, test: RegExp): void {
  const hits = run.tests.filter(
    (t) =>
      test.test(t.name) &&
      t.verdict === 'failed' &&
      t.checks.some((c) => !c.ok && /shrunk counterexample, seed \d+, path /.test(c.description)),
  );
  expect(
    hits.map((t) => t.name),
    describeRun(run),
  ).not.toEqual([]);
  for (const t of hits) expect(t.curl).toMatch(/^(printf .* \| )?curl /);
}

/** Registers the tests of the faults whose index is `shard` modulo `of`. */
export function defineMatrixShard(shard: number, of: number): void {
  const names = FAULT_NAMES.filter((_, i) => i % of === shard);
  describe(`the suite against each seeded fault (shard ${shard + 1} of ${of})`, () => {
    for (const name of names) {
      const fault = FAULTS[name];
      if (fault.variation) {
        // Under both profiles: a legitimate behaviour is legitimate whatever the wire. One that
        // acts on the plain OAuth front end only is run under its profile alone: under aws it
        // would change nothing, a check that cannot fail.
        const profiles = fault.profile ? [fault.profile] : (['aws', 'rfc8628'] as const);
        for (const profile of profiles)
          it(`${name} (a legitimate variation) under ${profile}: the verdict stays conformant`, async () => {
            const run = await runUnder(name, profile);
            const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
            expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`)).toEqual([]);
            expect(run.exitCode).toBe(0);
          });
        continue;
      }
      const found = FOUND_BY_PROPERTY[name];
      const extra = found ? ', found by a property with a shrunk counterexample' : '';
      it(`${name}: fails on exactly ${fault.breaks.join(', ')}${extra}`, async () => {
        const run = await runFor(name);
        expect(run.exitCode, describeRun(run)).toBe(1);
        expect([...failedIds(run)].sort(), describeRun(run)).toEqual([...fault.breaks].sort());
        expect(
          run.tests.filter((t) => t.verdict === 'error').map((t) => `${t.name}: ${t.reason}`),
        ).toEqual([]);
        if (found) expectFoundByProperty(run, found);
      });
      // A deviation of the shared state shows through the plain OAuth front end too.
      const underRfc8628 = fault.profile === undefined ? RFC8628_BREAKS[name] : undefined;
      if (underRfc8628)
        it(`${name} under rfc8628: fails on exactly ${underRfc8628.join(', ')}`, async () => {
          const run = await runUnder(name, 'rfc8628');
          expect([...failedIds(run)].sort(), describeRun(run)).toEqual([...underRfc8628].sort());
          expect(run.tests.filter((t) => t.verdict === 'error').map((t) => t.name)).toEqual([]);
        });
    }
  });
}
