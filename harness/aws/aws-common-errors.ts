import type { Outcome } from '../profiles/profile.ts';
import { sanitizeErrorType } from '../profiles/aws.ts';

/**
 * Errors an AWS JSON service's front end (Coral) answers before the service itself runs, on any
 * operation: a body it cannot deserialise or whose members have the wrong JSON type
 * (SerializationException), a constraint of the model (ValidationException), an unknown target,
 * throttling, and authentication (AWS "common errors"; EVIDENCE.md §2.3, §2.6). They are not in
 * the sso-oidc model and carry no OAuth `error` member (`{"message":…}` or
 * `{"__type":…,"message":…}`), so they mean "refused, no token" and are never judged as
 * sso-oidc exceptions. A 5xx is still judged as one (AWS-NO-5XX) and a success still a success.
 */
export const AWS_FRONT_END_ERRORS: ReadonlySet<string> = new Set([
  'SerializationException',
  'ValidationException',
  'UnknownOperationException',
  'ThrottlingException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'RequestExpired',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
]);

/**
 * The front-end error an outcome carries, if it is one: named by x-amzn-ErrorType (which may
 * carry a `:…` suffix or a `com.amazon.coral.service#` prefix) or, as restJson1 clients read a
 * response without that header, by the body's `__type`; and no OAuth `error` member (an answer
 * with one is the service's, whatever its header says).
 */
export function frontEndError(o: Outcome<unknown>): string | undefined {
  if (o.kind !== 'error') return undefined;
  const body =
    o.body !== null && typeof o.body === 'object' && !Array.isArray(o.body)
      ? (o.body as Record<string, unknown>)
      : undefined;
  if (typeof body?.error === 'string') return undefined;
  const bodyType = typeof body?.__type === 'string' ? body.__type : undefined;
  const type = o.error?.type ?? sanitizeErrorType(bodyType);
  return type !== undefined && AWS_FRONT_END_ERRORS.has(type) ? type : undefined;
}

/** Whether an outcome is an AWS front-end refusal (see AWS_FRONT_END_ERRORS). */
export const isFrontEndError = (o: Outcome<unknown>): boolean => frontEndError(o) !== undefined;
