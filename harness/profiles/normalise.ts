import type { HttpResponse } from '../http/http.ts';
import { parseJsonBounded } from '../http/json.ts';
import type {
  ClientRegistration,
  OperationName,
  DeviceAuthorization,
  Outcome,
  SentMembers,
  TokenSet,
} from './profile.ts';

/**
 * The typed values of the abstract operations, built from the members a response sent (under
 * the harness's names, `Outcome.sent`): the same for every profile, whatever the wire called
 * them. A value exists only for a success that has the members the flow needs; a member of the
 * wrong JSON type reads as absent (the tests of the fields judge it from `sent`).
 */

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const stringOr = (v: unknown) => (isString(v) ? v : undefined);
const numberOr = (v: unknown) => (isNumber(v) ? v : undefined);

export function registrationOf(
  o: Outcome<unknown>,
  s: SentMembers<ClientRegistration>,
): ClientRegistration | undefined {
  if (o.kind !== 'ok' || !isString(s.clientId)) return undefined;
  return {
    clientId: s.clientId,
    clientSecret: stringOr(s.clientSecret),
    clientIdIssuedAt: numberOr(s.clientIdIssuedAt),
    clientSecretExpiresAt: numberOr(s.clientSecretExpiresAt),
    authMethod: stringOr(s.authMethod),
    authorizationEndpoint: stringOr(s.authorizationEndpoint),
    tokenEndpoint: stringOr(s.tokenEndpoint),
  };
}

export function deviceAuthorizationOf(
  o: Outcome<unknown>,
  s: SentMembers<DeviceAuthorization>,
): DeviceAuthorization | undefined {
  if (
    o.kind !== 'ok' ||
    !isString(s.deviceCode) ||
    !isString(s.userCode) ||
    !isString(s.verificationUri) ||
    !isNumber(s.expiresIn)
  )
    return undefined;
  return {
    deviceCode: s.deviceCode,
    userCode: s.userCode,
    verificationUri: s.verificationUri,
    verificationUriComplete: stringOr(s.verificationUriComplete),
    expiresIn: s.expiresIn,
    interval: numberOr(s.interval),
  };
}

export function tokenSetOf(o: Outcome<unknown>, s: SentMembers<TokenSet>): TokenSet | undefined {
  if (o.kind !== 'ok' || !isString(s.accessToken) || !isString(s.tokenType)) return undefined;
  return {
    accessToken: s.accessToken,
    tokenType: s.tokenType,
    expiresIn: numberOr(s.expiresIn),
    refreshToken: stringOr(s.refreshToken),
    idToken: stringOr(s.idToken),
    scope: isStringArray(s.scope) ? s.scope : undefined,
  };
}

/**
 * The outcome of one HTTP answer, before the profile reads its error and schema: the body parsed
 * as untrusted JSON, and `kind` error for a non-2xx status or a 2xx body with an `error` member
 * (RFC 6749 §5.2; some servers send errors with 200). `object` is the body when it is a JSON object.
 */
export function answerOf(
  op: OperationName,
  response: HttpResponse,
): { outcome: Outcome<unknown>; object?: Record<string, unknown> } {
  const parsed = response.text.length > 0 ? parseJsonBounded(response.text) : undefined;
  const json = parsed?.ok ? parsed.value : undefined;
  const object =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  const isError = response.status < 200 || response.status >= 300 || isString(object?.error);
  return {
    outcome: {
      op,
      kind: isError ? 'error' : 'ok',
      status: response.status,
      headers: response.headers,
      body: json,
      parseError: parsed === undefined || parsed.ok ? undefined : parsed.reason,
      schemaErrors: [],
      exchange: response.exchange,
    },
    object,
  };
}
