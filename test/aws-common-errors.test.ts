import { describe, expect, it } from 'vitest';
import { frontEndError, isFrontEndError } from '../harness/aws/aws-common-errors.ts';
import type { Outcome } from '../harness/profiles/profile.ts';

const outcome = (op: Outcome<unknown>['op'], type: string | undefined, body: unknown = {}) =>
  ({ op, kind: 'error', status: 400, body, error: { type } }) as Outcome<unknown>;

describe('AWS front-end errors', () => {
  it('are recognised on every operation, by header or by the body __type', () => {
    expect(isFrontEndError(outcome('createTokenWithIAM', 'InvalidSignatureException'))).toBe(true);
    expect(isFrontEndError(outcome('registerClient', 'SerializationException'))).toBe(true);
    expect(isFrontEndError(outcome('createToken', 'ValidationException'))).toBe(true);
    expect(
      frontEndError(
        outcome('startDeviceAuthorization', undefined, {
          __type: 'com.amazon.coral.service#SerializationException',
          message: 'Start of structure or map found where not expected.',
        }),
      ),
    ).toBe('SerializationException');
  });
  it('are never a modelled exception, an unknown name or an answer with an OAuth error', () => {
    expect(isFrontEndError(outcome('createTokenWithIAM', 'InvalidGrantException'))).toBe(false);
    expect(isFrontEndError(outcome('createTokenWithIAM', 'FooException'))).toBe(false);
    expect(
      isFrontEndError(
        outcome('createToken', 'SerializationException', { error: 'invalid_request' }),
      ),
    ).toBe(false);
    expect(
      isFrontEndError({ ...outcome('registerClient', 'SerializationException'), kind: 'ok' }),
    ).toBe(false);
  });
});
