import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../reference/faults.ts';
import { registeredTests } from '../../harness/registry.ts';
import { runEmbedded, failedIds, describeRun } from './run-embedded.ts';
import type { RunResult } from '../../harness/results.ts';
import '../../suites/index.ts';

/**
 * The self-test matrix: the suite runs against the reference server with each seeded fault.
 * Each fault must make the suite fail, on requirement IDs the fault is declared to break, and
 * nowhere else ("nothing surprising"). Runs are strict so SHOULD-level faults count too.
 */
const names = Object.keys(FAULTS) as FaultName[];
const runs = new Map<FaultName, Promise<RunResult>>();
const PROPERTY_IDS = new Set(['DA-3.5-STATE-MACHINE', 'AWS-NO-5XX', 'OA-3.2-DUP-PARAM']);
const runFor = (name: FaultName) => {
  let r = runs.get(name);
  // Faults meant for the property-based suites run with the default number of cases (100);
  // the others with 30, so that the matrix of ~100 runs stays within CI's time.
  const forProperties = FAULTS[name].breaks.some((id) => PROPERTY_IDS.has(id));
  const numRuns = forProperties ? 100 : 30;
  if (!r) runs.set(name, (r = runEmbedded({ faults: [name], strict: true, numRuns })));
  return r;
};

describe('the suite against each seeded fault', () => {
  for (const name of names.filter((n) => FAULTS[n].variation)) {
    it(`${name} (a legitimate variation): the verdict stays conformant`, async () => {
      const run = await runFor(name);
      const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
      expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`)).toEqual([]);
      expect(run.exitCode).toBe(0);
    });
  }

  for (const name of names.filter((n) => !FAULTS[n].variation)) {
    it(`${name}: fails on ${FAULTS[name].breaks.join(', ')} and nowhere else`, async () => {
      const run = await runFor(name);
      const failed = failedIds(run);
      const declared = new Set(FAULTS[name].breaks);
      expect(run.exitCode, describeRun(run)).toBe(1);
      expect(
        [...failed].filter((id) => declared.has(id)),
        describeRun(run),
      ).not.toEqual([]);
      expect(
        [...failed].filter((id) => !declared.has(id)),
        describeRun(run),
      ).toEqual([]);
      expect(
        run.tests.filter((t) => t.verdict === 'error').map((t) => `${t.name}: ${t.reason}`),
      ).toEqual([]);
    });
  }

  it('every requirement a test claims to check is failed by some fault', async () => {
    const failedSomewhere = new Set<string>();
    for (const name of names)
      for (const id of failedIds(await runFor(name))) failedSomewhere.add(id);
    const claimed = new Set(registeredTests().map((t) => t.meta.id));
    expect([...claimed].filter((id) => !failedSomewhere.has(id)).sort()).toEqual([]);
  });
});

describe('the property-based suites find their seeded faults', () => {
  const found: [FaultName, RegExp][] = [
    ['500-on-wrong-type', /^AWS-NO-5XX broken \w+ requests/],
    ['long-client-name-crash', /^AWS-NO-5XX /],
    ['iam-unknown-grant-crash', /^AWS-NO-5XX broken CreateTokenWithIAM requests/],
    ['approve-after-deny', /^DA-3\.5-STATE-MACHINE /],
  ];
  for (const [fault, test] of found) {
    it(`${fault}: a property fails with a shrunk counterexample, its seed and a curl command`, async () => {
      const run = await runFor(fault);
      const hits = run.tests.filter(
        (t) =>
          test.test(t.name) &&
          t.verdict === 'failed' &&
          t.checks.some(
            (c) => !c.ok && /shrunk counterexample, seed \d+, path /.test(c.description),
          ),
      );
      expect(
        hits.map((t) => t.name),
        describeRun(run),
      ).not.toEqual([]);
      for (const t of hits) expect(t.curl).toMatch(/^(printf .* \| )?curl /);
    });
  }
});
