/**
 * What a test throws to end early. The runner weighs the checks recorded before either (a
 * failure recorded before a skip stays a failure: harness/engine/verdict.ts).
 */

/** A precondition failed and was recorded as a failed check: the test stops here. */
export class TestAbort extends Error {
  override readonly name = 'TestAbort';
}

/** The test does not apply or cannot run here; the reason goes to the report. */
export class TestSkip extends Error {
  override readonly name: string = 'TestSkip';
}

/**
 * HTTP 429 (or slow_down) that stayed after the bounded retries (CL-18, AMB-19): rate-limited,
 * no verdict. A skip: a property-based test that meets it stops sending and is skipped too.
 */
export class RateLimited extends TestSkip {
  override readonly name = 'RateLimited';
}
