import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../reference/faults.ts';
import { registeredTests } from '../../harness/api/registry.ts';
import { isCitableId } from '../../harness/engine/catalogue.ts';
import '../../suites/index.ts';

/**
 * With the matrix checking that each fault fails on exactly the IDs it declares (faults-N.test.ts),
 * the declarations tell which requirement some fault makes fail.
 */
describe('seeded faults cover the suite', () => {
  it('every requirement a test claims to check is failed by some fault', () => {
    const failedSomewhere = new Set(Object.values(FAULTS).flatMap((f) => f.breaks));
    // INFO tests observe: their checks are recorded at INFO and can never fail.
    const claimed = new Set(
      registeredTests()
        .filter((t) => t.meta.level !== 'INFO')
        .map((t) => t.meta.id),
    );
    expect([...claimed].filter((id) => !failedSomewhere.has(id)).sort()).toEqual([]);
  });

  it('faults declare catalogue IDs, and only variations declare none', () => {
    for (const [name, f] of Object.entries(FAULTS)) {
      for (const id of f.breaks) expect(isCitableId(id), `${name}: ${id}`).toBe(true);
      expect(f.breaks.length === 0, name).toBe(f.variation === true);
    }
  });
});
