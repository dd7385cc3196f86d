import type { TestContext } from './context.ts';
import type { Level } from './levels.ts';
import type { Outcome } from '../profiles/profile.ts';
import { describeOutcome } from './describe.ts';

/**
 * Plain check functions: each looks at one outcome and records one check on the context.
 * Expected values are data ("any of"); the severity is chosen by the caller.
 */
export interface ErrorExpectation {
  requirement: string;
  level?: Level;
  description: string;
  /** Acceptable OAuth error codes (any of). */
  codes: string[];
  /**
   * The request is malformed or wrongly typed: the profile's front end may refuse it before the
   * service runs (AWS: SerializationException ..., aws-common-errors.ts), which also passes, noted.
   */
  frontEnd?: true;
}

/** The request failed with one of `codes`, and no token or success came back. */
export function expectErrorCode(t: TestContext, o: Outcome<unknown>, e: ErrorExpectation): boolean {
  const frontEnd = e.frontEnd ? t.profile.frontEnd : undefined;
  const refusedBy = frontEnd?.refusal(o);
  if (refusedBy !== undefined && o.status < 500)
    t.note(
      `${e.description}: refused by ${frontEnd!.who} with ${refusedBy} before the service ran (refused, no token; not an sso-oidc exception)`,
    );
  const ok = t.check({
    requirement: e.requirement,
    level: e.level,
    description: e.description,
    ok:
      (refusedBy !== undefined && o.status < 500) ||
      (o.kind === 'error' && o.error?.code !== undefined && e.codes.includes(o.error.code)),
    expected: [...e.codes.map((c) => `error ${c}`), ...(frontEnd ? [frontEnd.expected] : [])],
    actual: describeOutcome(o),
    exchange: o.exchange,
  });
  reportVendorCode(t, o, e.requirement);
  return ok;
}

/**
 * A vendor's name for the error code (AMB-4, AMB-5: `authorization_declined` for
 * access_denied), read as what it means: recorded as an observation citing its ambiguity row,
 * never a failure or a warning. Returns whether there was one.
 */
export function reportVendorCode(
  t: TestContext,
  o: Outcome<unknown>,
  requirement: string,
): boolean {
  const synonym = o.error?.synonym;
  if (synonym === undefined) return false;
  t.check({
    requirement,
    level: 'INFO',
    description: `the server sends ${synonym.sent}, a vendor's name for ${synonym.meaning} (${synonym.amb}; ${synonym.vendors}): read as ${synonym.meaning}`,
    ok: false,
    expected: `error ${synonym.meaning}`,
    actual: `error ${synonym.sent}`,
    exchange: o.exchange,
  });
  return true;
}

/** The status is one of `statuses` (checked separately from the code: AMB-1). */
export function expectStatus(
  t: TestContext,
  o: Outcome<unknown>,
  e: { requirement: string; level?: Level; description: string; statuses: number[] },
): boolean {
  return t.check({
    requirement: e.requirement,
    level: e.level,
    description: e.description,
    ok: e.statuses.includes(o.status),
    expected: e.statuses.map((s) => `HTTP ${s}`),
    actual: describeOutcome(o),
    exchange: o.exchange,
  });
}

/** The request succeeded with a usable value. */
export function expectSuccess(
  t: TestContext,
  o: Outcome<unknown>,
  e: { requirement: string; level?: Level; description: string; expected?: string },
): boolean {
  return t.check({
    requirement: e.requirement,
    level: e.level,
    description: e.description,
    ok: o.kind === 'ok' && o.value !== undefined,
    expected: e.expected ?? 'HTTP 200 with the modelled members',
    actual: describeOutcome(o),
    exchange: o.exchange,
  });
}

/** The outcome is not a success: whatever the error, no token or registration came back. */
export function expectNoSuccess(
  t: TestContext,
  o: Outcome<unknown>,
  e: { requirement: string; level?: Level; description: string },
): boolean {
  return t.check({
    requirement: e.requirement,
    level: e.level,
    description: e.description,
    ok: o.kind === 'error',
    expected: 'an error response (no success)',
    actual: describeOutcome(o),
    exchange: o.exchange,
  });
}

/**
 * Member of a JSON body, without assuming its shape. A null member reads as absent, as restJson1
 * clients (Smithy, the AWS SDKs) read it: AWS sends unset members as null.
 */
export function member(body: unknown, name: string): unknown {
  const v =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)[name]
      : undefined;
  return v === null ? undefined : v;
}
