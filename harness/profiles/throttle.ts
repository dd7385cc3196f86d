import type { Outcome } from './profile.ts';

/**
 * CL-18: how the profile answers throttling (see isThrottling): wait and send the request again,
 * a bounded number of times. A rate limit is never a protocol verdict, so throttled answers
 * that are retried are not observed by the wire rules.
 */
export interface ThrottlePolicy {
  sleep(seconds: number): Promise<void>;
  /** A throttled request is sent again after `wait` seconds. */
  retrying(op: string, outcome: Outcome<unknown>, wait: number): void;
  /** The target kept throttling: must throw (the test ends without a verdict). */
  giveUp(op: string, outcome: Outcome<unknown>): never;
}

/** Retries of one throttled request (CL-18). */
export const MAX_THROTTLE_RETRIES = 3;
/**
 * The longest Retry-After a test waits for; a target asking for more ends the test as
 * rate-limited (sending sooner than asked would break CL-18).
 */
export const MAX_RETRY_AFTER = 30;

/**
 * Seconds to wait before retry `attempt` (1, 2 ...) of a throttled request: Retry-After when it
 * is a number of seconds (at least 1), else 5 s more each time (the HTTP-date form is not read:
 * the target's clock may be off, so the fallback is safer). Undefined when the target asks for
 * longer than MAX_RETRY_AFTER: the request is then not sent again.
 */
export function throttleWait(outcome: Outcome<unknown>, attempt: number): number | undefined {
  const raw = outcome.headers['retry-after'];
  const retryAfter = raw !== undefined && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(retryAfter)) return 5 * attempt;
  return retryAfter > MAX_RETRY_AFTER ? undefined : Math.max(retryAfter, 1);
}

/**
 * One operation, sent again while the answer throttles it and `throttle` allows (CL-18): every
 * profile's requests go through here. Only the answer that ends it is observed by the wire rules.
 */
export async function sendRetryingThrottled(o: {
  op: string;
  once: () => Promise<Outcome<unknown>>;
  throttled: (outcome: Outcome<unknown>) => boolean;
  throttle: ThrottlePolicy | undefined;
  observe: (outcome: Outcome<unknown>) => void;
}): Promise<Outcome<unknown>> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await o.once();
    if (!o.throttle || !o.throttled(outcome)) {
      o.observe(outcome);
      return outcome;
    }
    const wait = throttleWait(outcome, attempt);
    if (attempt > MAX_THROTTLE_RETRIES || wait === undefined)
      return o.throttle.giveUp(o.op, outcome);
    o.throttle.retrying(o.op, outcome, wait);
    await o.throttle.sleep(wait);
  }
}
