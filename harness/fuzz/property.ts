import fc from 'fast-check';

/**
 * Run an async property with the run's seed and budget, the way every property-based test
 * does: fast-check explores and shrinks; the caller replays the shrunk counterexample through
 * the recorded profile to report it.
 */
export interface PropertyRun<T> {
  /** The shrunk counterexample, when the property failed. */
  counterexample?: T;
  seed: number;
  /** fast-check's path to the counterexample (replays it with the seed). */
  path?: string;
  numRuns: number;
  /** Why it stopped early (request budget), if it did. */
  interrupted?: string;
  error?: string;
}

export async function runProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<boolean>,
  opts: { seed: number; numRuns: number; budgetLeft: () => number },
): Promise<PropertyRun<T>> {
  let interrupted: string | undefined;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    if (opts.budgetLeft() <= 0) {
      interrupted = 'request budget spent';
      return true; // not a verdict: the run stops generating below
    }
    return predicate(value);
  });
  const result = await fc.check(property, {
    seed: opts.seed,
    numRuns: opts.numRuns,
    interruptAfterTimeLimit: undefined,
    markInterruptAsFailure: false,
  });
  return {
    counterexample: result.failed ? result.counterexample?.[0] : undefined,
    seed: result.seed,
    path: result.failed ? (result.counterexamplePath ?? undefined) : undefined,
    numRuns: result.numRuns,
    interrupted,
    error:
      result.failed && result.errorInstance
        ? String((result.errorInstance as Error).message ?? result.errorInstance)
        : undefined,
  };
}
