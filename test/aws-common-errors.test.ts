import { describe, expect, it } from 'vitest';
import { isCommonSignedError } from '../harness/aws-common-errors.ts';
import type { Outcome } from '../harness/profiles/profile.ts';

const outcome = (op: Outcome<unknown>['op'], type: string) =>
  ({ op, kind: 'error', status: 403, error: { type } }) as Outcome<unknown>;

describe('AWS front-end errors on signed operations', () => {
  it('exempts them on CreateTokenWithIAM only', () => {
    expect(isCommonSignedError(outcome('createTokenWithIAM', 'InvalidSignatureException'))).toBe(
      true,
    );
    expect(isCommonSignedError(outcome('createToken', 'InvalidSignatureException'))).toBe(false);
    expect(isCommonSignedError(outcome('createTokenWithIAM', 'InvalidGrantException'))).toBe(false);
    expect(isCommonSignedError(outcome('createTokenWithIAM', 'FooException'))).toBe(false);
  });
});
