/**
 * Mutation figures of the suite: runs it against the reference server once per seeded fault
 * (strict, with the matrix's cases per property: numRunsFor) and prints
 * - per area (the suite of the first test a fault is declared to fail): faults killed of faults
 *   seeded, and variations that stayed conformant;
 * - per requirement: the faults that kill it (make a check citing it fail);
 * - the catalogue requirements still not covered (no fault fails them), cited or not.
 * Usage: npm run mutation-figures [-- --json]
 */
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import { registeredTests } from '../harness/api/registry.ts';
import { REQUIREMENTS } from '../harness/engine/catalogue.ts';
import { FAULTS, FAULT_NAMES, type FaultName } from '../reference/faults.ts';
import { numRunsFor } from '../test/self/run-embedded.ts';
import '../suites/index.ts';

const suiteOf = new Map<string, string>();
for (const t of registeredTests()) if (!suiteOf.has(t.meta.id)) suiteOf.set(t.meta.id, t.suite.key);

interface Row {
  fault: FaultName;
  area: string;
  variation: boolean;
  /** Killed (a deviation the run failed), or a variation the run passed. */
  caught: boolean;
  failed: string[];
}

const rows: Row[] = [];
for (const fault of FAULT_NAMES) {
  const info = FAULTS[fault];
  const run = await runConformance(
    resolveConfig({
      flags: { reports: '/dev/null', faults: [fault], strict: true, numRuns: numRunsFor(fault) },
    }),
  );
  const failed = [...new Set(run.tests.flatMap((t) => t.failedRequirements))].sort();
  rows.push({
    fault,
    area: info.variation ? 'variations' : (suiteOf.get(info.breaks[0]!) ?? 'other'),
    variation: info.variation === true,
    caught: info.variation ? run.exitCode === 0 : run.exitCode === 1 && failed.length > 0,
    failed,
  });
  process.stderr.write('.');
}
process.stderr.write('\n');

const killers = new Map<string, FaultName[]>();
for (const r of rows)
  for (const id of r.failed) killers.set(id, [...(killers.get(id) ?? []), r.fault]);
const cited = new Set(registeredTests().flatMap((t) => t.requirements));
const uncovered = REQUIREMENTS.filter((r) => r.kind === 'requirement' && !killers.has(r.id));

if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify(
      { rows, killers: Object.fromEntries(killers), uncovered: uncovered.map((r) => r.id) },
      null,
      2,
    ),
  );
} else {
  const areas = [...new Set(rows.map((r) => r.area))].sort();
  console.log('Faults killed per area (strict runs against the reference server)');
  for (const area of areas) {
    const of = rows.filter((r) => r.area === area);
    const word = area === 'variations' ? 'stayed conformant' : 'killed';
    console.log(
      `  ${area.padEnd(28)} ${of.filter((r) => r.caught).length} of ${of.length} ${word}`,
    );
  }
  const deviations = rows.filter((r) => !r.variation);
  console.log(
    `  ${'total'.padEnd(28)} ${deviations.filter((r) => r.caught).length} of ${deviations.length} faults killed`,
  );
  for (const r of rows.filter((x) => !x.caught))
    console.log(`  NOT CAUGHT: ${r.fault} (${r.variation ? 'variation failed' : 'fault passed'})`);
  console.log('\nFaults that kill each requirement');
  for (const [id, faults] of [...killers].sort(([a], [b]) =>
    a.localeCompare(b, 'en', { numeric: true }),
  ))
    console.log(`  ${id.padEnd(30)} ${faults.join(', ')}`);
  console.log(`\nRequirements no fault kills (${uncovered.length})`);
  for (const r of uncovered)
    console.log(`  ${r.id.padEnd(30)} ${cited.has(r.id) ? 'cited, never failed' : 'not cited'}`);
}
