import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../harness/api/describe.ts';
import type { Outcome } from '../harness/profiles/profile.ts';

// AWS wording lives in the AWS profile (issue 11, part 2): the description of an error names
// the missing error-type carrier only when the profile has one.
const error = (e: Outcome<unknown>['error']): Outcome<unknown> =>
  ({
    kind: 'error',
    status: 400,
    headers: {},
    body: { error: 'invalid_request' },
    error: e,
  }) as Outcome<unknown>;

describe('describeOutcome', () => {
  it("names the profile's error-type carrier when the type is missing", () => {
    const o = error({ code: 'invalid_request', typeCarrier: 'x-amzn-ErrorType', sent: {} });
    expect(describeOutcome(o)).toBe('HTTP 400 invalid_request (no x-amzn-ErrorType)');
  });

  it('shows the type when there is one', () => {
    const o = error({ code: 'invalid_request', type: 'InvalidRequestException', sent: {} });
    expect(describeOutcome(o)).toBe('HTTP 400 invalid_request (InvalidRequestException)');
  });

  it('says nothing AWS for a profile without an error-type carrier', () => {
    const o = error({ code: 'invalid_request', sent: {} });
    expect(describeOutcome(o)).toBe('HTTP 400 invalid_request');
  });
});
