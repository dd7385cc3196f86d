import { epochSeconds } from './clock.ts';
import { ERROR_TYPE_SUFFIX, errorStatus, type ErrorShape, type OidcError } from './errors.ts';
import type { FaultSet } from './faults.ts';
import type { IamIssued, IssuedTokens, RegisteredClient, StartedAuthorization } from './state.ts';

/**
 * Serialisation of operation results into HTTP responses (restJson1, WIRE.md §1-§2), with
 * the wire-level seeded faults applied. Pure functions: http.ts only writes what these return.
 */

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The exception shape of an error response, for the request log. */
  errorShape?: ErrorShape;
}

export const JSON_CONTENT_TYPE = 'application/json';

/** The headers of a response that carries credentials (RFC 6749 §5.1, RFC 8628 §3.2). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** Errors that the `pending-status-200` fault sends with 200 (GitHub's historical behaviour). */
const POLLING_ERRORS: ReadonlySet<ErrorShape> = new Set([
  'AuthorizationPendingException',
  'SlowDownException',
  'AccessDeniedException',
  'ExpiredTokenException',
]);

export type ApiOperation =
  'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken' | 'CreateTokenWithIAM';

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): WireResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(value),
  };
}

/** Responses that carry credentials must not be cached (RFC 6749 §5.1, RFC 8628 §3.2). */
export function cacheHeaders(operation: ApiOperation, faults: FaultSet): Record<string, string> {
  switch (operation) {
    case 'StartDeviceAuthorization':
      return faults.has('sda-cacheable') ? {} : { ...NO_STORE };
    case 'CreateToken':
    case 'CreateTokenWithIAM':
      return faults.has('no-cache-control') ? {} : { ...NO_STORE };
    default:
      return {};
  }
}

export function errorResponse(
  err: OidcError,
  faults: FaultSet,
  headers: Record<string, string> = {},
): WireResponse {
  let status = errorStatus(err.shape);
  if (err.shape === 'InvalidClientException' && faults.has('invalid-client-400')) status = 400;
  if (POLLING_ERRORS.has(err.shape) && faults.has('pending-status-200')) status = 200;
  const out: Record<string, string> = { ...headers };
  if (!faults.has('no-error-type-header')) {
    const plainRegion =
      err.shape === 'InvalidRequestRegionException' && faults.has('iam-region-error-plain');
    out['x-amzn-ErrorType'] =
      (plainRegion ? 'InvalidRequestException' : err.shape) + ERROR_TYPE_SUFFIX;
  }
  if (faults.has('error-body-not-json')) {
    return {
      status,
      headers: { ...out, 'Content-Type': 'text/plain; charset=utf-8' },
      body: `error: ${err.error}`,
      errorShape: err.shape,
    };
  }
  let description = err.description;
  if (faults.has('error-description-quotes')) {
    description += ' (see "C:\\reference\\errors")';
  }
  const response = jsonResponse(
    status,
    {
      error: err.error,
      error_description: faults.has('no-error-description') ? undefined : description,
      ...err.extra,
    },
    out,
  );
  if (faults.has('error-json-as-text')) response.headers['Content-Type'] = 'text/plain';
  return { ...response, errorShape: err.shape };
}

export function registerClientResponse(
  value: RegisteredClient,
  baseUrl: string,
  faults: FaultSet,
  /** Whether the client registered redirect URIs (else AWS names no endpoints). */
  hasRedirectUris = true,
): WireResponse {
  const status = faults.has('register-201') ? 201 : 200;
  return jsonResponse(status, {
    clientId: value.clientId,
    clientSecret: faults.has('no-client-secret') ? undefined : value.clientSecret,
    clientIdIssuedAt: faults.has('issued-at-ms')
      ? value.clientIdIssuedAt * 1000
      : value.clientIdIssuedAt,
    clientSecretExpiresAt: faults.has('secret-expires-ms')
      ? value.clientSecretExpiresAt * 1000
      : value.clientSecretExpiresAt,
    // AWS names no endpoints for a client without redirect URIs, as nulls (null-for-unset).
    // authorization-endpoint-null: as AWS, for every client (its CLI builds /authorize itself).
    ...((faults.has('null-for-unset') && !hasRedirectUris) ||
    faults.has('authorization-endpoint-null')
      ? { authorizationEndpoint: null, tokenEndpoint: null }
      : { authorizationEndpoint: `${baseUrl}/authorize`, tokenEndpoint: `${baseUrl}/token` }),
  });
}

/**
 * The `null-for-unset` variation: optional output members the answer does not set are sent as
 * null, as AWS's serializer does (`"authorizationEndpoint":null`); restJson1 clients read them
 * as unset.
 */
function unsetAsNull(body: Record<string, unknown>, optional: string[]): void {
  for (const name of optional) if (body[name] === undefined) body[name] = null;
}

/** The opaque handle of a user code under `vuric-opaque-handle` (the page reads it back). */
export function userCodeHandle(userCode: string): string {
  return Buffer.from(`uc:${userCode}`).toString('base64url');
}

/** The user code behind a handle, if it is one. */
export function userCodeOfHandle(handle: string): string | undefined {
  const decoded = Buffer.from(handle, 'base64url').toString('utf8');
  return decoded.startsWith('uc:') ? decoded.slice(3) : undefined;
}

/** The access-portal page of AWS's verification URI, and where the reference serves its page. */
export const PORTAL_DEVICE_PATH = '/start/#/device';

export function verificationUris(
  base: string,
  userCode: string,
  faults: FaultSet,
): { verificationUri: string; verificationUriComplete: string } {
  let uri = faults.has('verification-uri-http') ? base.replace(/^https:/i, 'http:') : base;
  // verification-uri-portal-fragment: AWS's access-portal form (EXCHANGES.md X3), the user code
  // in the query of the fragment, which only the portal's script reads.
  if (faults.has('verification-uri-portal-fragment'))
    uri = `${new URL(uri).origin}${PORTAL_DEVICE_PATH}`;
  // vuric-opaque-handle: "or other information with the same function" (RFC 8628 §3.2).
  const param = faults.has('vuric-opaque-handle')
    ? `handle=${userCodeHandle(userCode)}`
    : `user_code=${encodeURIComponent(userCode)}`;
  const complete = `${uri}${uri.includes('?') ? '&' : '?'}${param}`;
  return {
    verificationUri: faults.has('user-code-in-verification-uri') ? complete : uri,
    verificationUriComplete: complete,
  };
}

export function startDeviceAuthorizationResponse(
  value: StartedAuthorization,
  verificationUriBase: string,
  faults: FaultSet,
): WireResponse {
  const uris = verificationUris(verificationUriBase, value.userCode, faults);
  const body: Record<string, unknown> = {
    deviceCode: value.deviceCode,
    userCode: value.userCode,
    verificationUri: uris.verificationUri,
    verificationUriComplete: uris.verificationUriComplete,
    expiresIn: faults.has('device-expires-in-string') ? String(value.expiresIn) : value.expiresIn,
    interval: faults.has('interval-zero') ? 0 : value.interval,
  };
  if (faults.has('no-verification-uri-complete')) {
    delete body.verificationUriComplete;
    delete body.interval;
  }
  const response = jsonResponse(200, body, cacheHeaders('StartDeviceAuthorization', faults));
  if (faults.has('sda-text-plain')) response.headers['Content-Type'] = 'text/plain; charset=utf-8';
  return response;
}

export function tokenResponse(value: IssuedTokens, faults: FaultSet): WireResponse {
  let expiresIn: number | string = faults.has('expires-in-absolute')
    ? epochSeconds(value.issuedAtMs) + value.expiresIn
    : value.expiresIn;
  if (faults.has('expires-in-string')) expiresIn = String(expiresIn);
  const tokenType = faults.has('token-type-mac') ? 'mac' : value.tokenType;
  const snake = faults.has('token-snake-case');
  const body: Record<string, unknown> = {
    [snake ? 'access_token' : 'accessToken']: value.accessToken,
    [snake ? 'token_type' : 'tokenType']: tokenType,
    [snake ? 'expires_in' : 'expiresIn']: expiresIn,
  };
  if (faults.has('token-no-expires-in')) delete body[snake ? 'expires_in' : 'expiresIn'];
  if (value.refreshToken !== undefined) {
    body[snake ? 'refresh_token' : 'refreshToken'] = value.refreshToken;
  }
  if (value.scope !== undefined) body.scope = value.scope;
  if (faults.has('token-structured-extension'))
    body.sessionContext = { region: 'us-east-1', features: ['device-flow'] };
  if (faults.has('null-for-unset')) unsetAsNull(body, ['refreshToken', 'idToken']);
  return jsonResponse(200, body, cacheHeaders('CreateToken', faults));
}

/** What CreateTokenWithIAM sends besides the tokens themselves. */
export interface IamTokenExtras {
  issuedTokenType: string;
  /** authorization_code and jwt-bearer only. */
  idToken?: string;
  /** authorization_code and jwt-bearer only: awsAdditionalDetails.identityContext. */
  identityContext?: string;
}

/**
 * CreateTokenWithIAM's 200 (WIRE.md §1.4): CreateToken's members plus issuedTokenType, scope
 * (the granted list), and for the authorization code and jwt-bearer grants idToken and
 * awsAdditionalDetails. CreateToken's response faults do not apply; no-cache-control does.
 */
export function iamTokenResponse(
  issued: IamIssued,
  extras: IamTokenExtras,
  faults: FaultSet,
): WireResponse {
  const { tokens } = issued;
  const body: Record<string, unknown> = {
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    expiresIn: tokens.expiresIn,
  };
  if (tokens.refreshToken !== undefined) body.refreshToken = tokens.refreshToken;
  if (extras.idToken !== undefined) body.idToken = extras.idToken;
  body.issuedTokenType = extras.issuedTokenType;
  body.scope = issued.scope;
  if (extras.identityContext !== undefined) {
    body.awsAdditionalDetails = { identityContext: extras.identityContext };
  }
  if (faults.has('null-for-unset'))
    unsetAsNull(body, ['refreshToken', 'idToken', 'awsAdditionalDetails']);
  return jsonResponse(200, body, cacheHeaders('CreateTokenWithIAM', faults));
}
