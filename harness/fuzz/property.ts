import fc from 'fast-check';

/**
 * Run an async property with the run's seed and budget, the way every property-based test
 * does: fast-check explores and shrinks; the caller replays the shrunk counterexample through
 * the recorded profile to report it.
 *
 * Only an answer is evidence. A thrown error that is not a verdict (`isVerdict`) says nothing
 * about the value being tried: a dropped connection, a timeout, a rate limit (RateLimited), the
 * test's deadline. fast-check would take it for a counterexample and shrink it, sending more
 * traffic to a target that is failing, and the replay would then "not fail again". So the first
 * such error stops the property: every later run and shrink step passes without calling the
 * predicate (no request), and the error comes back as `stopped` for the caller to end the test
 * with (inconclusive, never a failed check).
 */
export interface PropertyRun<T> {
  /** The shrunk counterexample, when the property failed. */
  counterexample?: T;
  seed: number;
  /** fast-check's path to the counterexample (replays it with the seed). */
  path?: string;
  /** Values generated, run or not (fast-check's count). */
  numRuns: number;
  /** Values the predicate was actually called on (shrink steps included). */
  ran: number;
  /** Values passed over unrun because the request budget was spent. */
  unrun: number;
  /** Why it stopped early (request budget), if it did. */
  interrupted?: string;
  /** The error that made the property inconclusive (transport, rate limit ...), if any. */
  stopped?: unknown;
  error?: string;
  /** What the predicate threw for the counterexample, if it threw (a verdict). */
  errorInstance?: unknown;
}

export { RateLimited } from '../api/test-endings.ts';
import { RateLimited } from '../api/test-endings.ts';

export async function runProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<boolean>,
  opts: {
    seed: number;
    numRuns: number;
    budgetLeft: () => number;
    /** Errors that are counterexamples (a model violation); the default: none is. */
    isVerdict?: (e: unknown) => boolean;
  },
): Promise<PropertyRun<T>> {
  let interrupted: string | undefined;
  let stopped: unknown;
  let ran = 0;
  let unrun = 0;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    if (stopped !== undefined) return true; // not a verdict: no more traffic, see above
    if (opts.budgetLeft() <= 0) {
      interrupted = 'request budget spent';
      unrun++;
      return true; // not a verdict: the run stops generating below
    }
    ran++;
    try {
      return await predicate(value);
    } catch (e) {
      if (opts.isVerdict?.(e)) throw e;
      stopped = e ?? new Error('the property threw no error object');
      return true;
    }
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
    ran,
    unrun,
    interrupted,
    stopped,
    error:
      result.failed && result.errorInstance
        ? String((result.errorInstance as Error).message ?? result.errorInstance)
        : undefined,
    errorInstance: result.failed ? (result.errorInstance ?? undefined) : undefined,
  };
}

/**
 * End a test whose property stopped: a rate limit skips it (no verdict, CL-18, as every
 * throttled test), anything else (a TransportError ...) is rethrown for the runner, which ends
 * the test as an error with its reason.
 */
export function endStopped(stopped: unknown, skip: (reason: string) => never): never {
  if (stopped instanceof RateLimited) skip(stopped.message);
  throw stopped;
}
