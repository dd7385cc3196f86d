import type { Outcome } from './profiles/profile.ts';

/**
 * Errors the AWS front end returns for any SigV4-signed operation before the service itself
 * runs (authentication and throttling; AWS "common errors"). They are not in the sso-oidc
 * model and carry no OAuth `error` member, so the wire rules about modelled exceptions do not
 * apply to them: on CreateTokenWithIAM they are legitimate (the SIGV4 tests still require an
 * error and never a token).
 */
export const AWS_COMMON_SIGNED_ERRORS: ReadonlySet<string> = new Set([
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'RequestExpired',
  'ThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
]);

/** An AWS front-end error on a signed operation (see AWS_COMMON_SIGNED_ERRORS). */
export function isCommonSignedError(o: Outcome<unknown>): boolean {
  return (
    o.op === 'createTokenWithIAM' &&
    o.error?.type !== undefined &&
    AWS_COMMON_SIGNED_ERRORS.has(o.error.type)
  );
}
