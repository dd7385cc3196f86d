import { errorStatus, type OidcError } from '../errors.ts';
import type { IssuedTokens, RegisteredClient, StartedAuthorization } from '../state.ts';
import { NO_STORE, jsonResponse, verificationUris, type WireResponse } from '../wire.ts';
import type { FaultSet } from '../faults.ts';

/**
 * Serialisation of the plain OAuth front end: snake_case JSON (RFC 6749 §5.1, RFC 8628 §3.2,
 * RFC 7591 §3.2.1) and RFC 6749 §5.2 errors. No x-amzn-* header: this is not the AWS wire.
 */

/** The answers to a device-code poll that the `oauth-poll-errors-200` fault sends with 200. */
const POLL_ERRORS: ReadonlySet<string> = new Set([
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
]);

/** Statuses of the `oauth-poll-status-google` fault: 428 pending, 403 slow_down and denial. */
const GOOGLE_POLL_STATUS: Readonly<Record<string, number>> = {
  authorization_pending: 428,
  slow_down: 403,
  access_denied: 403,
};

/** Statuses of the `oauth-poll-status-auth0` fault: 403 pending and denial, 429 slow_down. */
const AUTH0_POLL_STATUS: Readonly<Record<string, number>> = {
  authorization_pending: 403,
  slow_down: 429,
  access_denied: 403,
};

/** The realm a Basic-auth refusal names (RFC 6749 §5.2, RFC 7617). */
export const BASIC_REALM = 'reference';

/**
 * RFC 6749 §5.2: 400 with `error` and `error_description`; invalid_client is 401, and when the
 * client authenticated with the Authorization header the answer MUST carry WWW-Authenticate.
 */
export function oauthErrorResponse(
  err: OidcError,
  options: { basicAuth: boolean; noStore?: boolean; faults?: FaultSet; devicePoll?: boolean },
): WireResponse {
  const pollError = POLL_ERRORS.has(err.error) && options.faults?.has('oauth-poll-errors-200');
  let status = pollError ? 200 : errorStatus(err.shape);
  // oauth-poll-status-google / -auth0: the statuses those device flows are reported to use (AMB-1).
  const vendor = options.faults?.has('oauth-poll-status-google')
    ? GOOGLE_POLL_STATUS[err.error]
    : options.faults?.has('oauth-poll-status-auth0')
      ? AUTH0_POLL_STATUS[err.error]
      : undefined;
  if (vendor !== undefined) status = vendor;
  // RFC 6749 §5.2 lets invalid_client be 400, but not after HTTP Basic: that refusal MUST be 401.
  if (err.shape === 'InvalidClientException' && options.faults?.has('oauth-invalid-client-400'))
    status = 400;
  const headers: Record<string, string> = options.noStore === false ? {} : { ...NO_STORE };
  const challenges = !options.faults?.has('oauth-basic-401-no-challenge');
  if (err.shape === 'InvalidClientException' && options.basicAuth && challenges) {
    headers['WWW-Authenticate'] = `Basic realm="${BASIC_REALM}"`;
  }
  const description = options.faults?.has('oauth-error-description-quotes')
    ? `${err.description} (see "C:\\reference\\errors")`
    : err.description;
  const response = jsonResponse(
    status,
    {
      error: vendorCode(err.error, options),
      error_description: description,
      ...errorUri(err.error, options.faults),
    },
    headers,
  );
  if (options.faults?.has('oauth-errors-text-html')) response.headers['Content-Type'] = 'text/html';
  return { ...response, errorShape: err.shape };
}

/**
 * error_uri (RFC 6749 §5.2, OPTIONAL): a page about the error under the variation
 * `oauth-error-uri`; under the fault `oauth-error-uri-invalid`, one with a space and a double
 * quote, outside the characters §5.2 allows.
 */
function errorUri(code: string, faults: FaultSet | undefined): { error_uri?: string } {
  if (faults?.has('oauth-error-uri-invalid'))
    return { error_uri: `/oauth/errors/"${code}" explained` };
  if (faults?.has('oauth-error-uri')) return { error_uri: `/oauth/errors#${code}` };
  return {};
}

/**
 * The variations that speak a vendor's vocabulary at the token endpoint (AMB-4, AMB-5): Entra
 * ID's and Okta's `authorization_declined` for a denial, Entra ID's `bad_verification_code` and
 * GitHub's `incorrect_device_code` for a device code refused as invalid_grant.
 */
function vendorCode(code: string, options: { faults?: FaultSet; devicePoll?: boolean }): string {
  const faults = options.faults;
  if (code === 'access_denied' && faults?.has('oauth-denial-authorization-declined'))
    return 'authorization_declined';
  if (code === 'invalid_grant' && options.devicePoll) {
    if (faults?.has('oauth-bad-verification-code')) return 'bad_verification_code';
    if (faults?.has('oauth-incorrect-device-code')) return 'incorrect_device_code';
  }
  return code;
}

/** RFC 8628 §3.2, the device authorization response. */
export function deviceAuthorizationResponse(
  value: StartedAuthorization,
  verificationUriBase: string,
  faults: FaultSet,
): WireResponse {
  const uris = verificationUris(verificationUriBase, value.userCode, faults);
  const response = jsonResponse(
    200,
    {
      device_code: value.deviceCode,
      user_code: value.userCode,
      ...verificationUriMember(uris.verificationUri, faults),
      verification_uri_complete: uris.verificationUriComplete,
      expires_in: value.expiresIn,
      interval: faults.has('oauth-interval-zero') ? 0 : value.interval,
      // oauth-vendor-extras: Entra ID's instruction for the user (CL-10: ignored).
      ...(faults.has('oauth-vendor-extras')
        ? { message: `To sign in, open ${uris.verificationUri} and enter ${value.userCode}.` }
        : {}),
    },
    faults.has('oauth-device-authorization-cacheable') ? {} : { ...NO_STORE },
  );
  if (faults.has('oauth-device-authorization-text-plain'))
    response.headers['Content-Type'] = 'text/plain; charset=utf-8';
  return response;
}

/**
 * verification_uri, absent under `oauth-no-verification-uri`, or under its pre-RFC name
 * `verification_url` (Google's, AMB-10) under `oauth-verification-url`.
 */
function verificationUriMember(uri: string, faults: FaultSet): Record<string, string> {
  if (faults.has('oauth-no-verification-uri')) return {};
  return faults.has('oauth-verification-url')
    ? { verification_url: uri }
    : { verification_uri: uri };
}

/** RFC 6749 §5.1, the token response; `scope` is sent as a space-delimited string when known. */
export function oauthTokenResponse(
  value: IssuedTokens,
  faults: FaultSet,
  scope?: readonly string[],
): WireResponse {
  const body: Record<string, unknown> = {
    access_token: value.accessToken,
    token_type: tokenType(value.tokenType, faults),
    expires_in: faults.has('oauth-expires-in-string') ? String(value.expiresIn) : value.expiresIn,
  };
  if (value.refreshToken !== undefined) body.refresh_token = value.refreshToken;
  const granted = value.scope ?? scope;
  if (granted !== undefined && granted.length > 0) body.scope = granted.join(' ');
  // oauth-vendor-extras: members Keycloak and Entra ID add to a token response (CL-10).
  if (faults.has('oauth-vendor-extras'))
    Object.assign(body, {
      refresh_expires_in: 1800,
      'not-before-policy': 0,
      session_state: '5f4dcc3b-0000-4000-8000-000000000000',
      ext_expires_in: value.expiresIn,
    });
  return jsonResponse(200, body, faults.has('oauth-token-cacheable') ? {} : { ...NO_STORE });
}

function tokenType(issued: string, faults: FaultSet): string | undefined {
  if (faults.has('oauth-token-no-token-type')) return undefined;
  if (faults.has('oauth-token-type-lowercase')) return issued.toLowerCase();
  return faults.has('oauth-token-type-mac') ? 'mac' : issued;
}

/** RFC 7591 §3.2.1, the client information response (201), with the metadata in effect. */
export function clientInformationResponse(
  value: RegisteredClient,
  metadata: Record<string, unknown>,
  faults: FaultSet,
): WireResponse {
  // The *-ms faults send milliseconds where RFC 7591 §3.2.1 says seconds since the epoch.
  const issuedAt = value.clientIdIssuedAt;
  const expiresAt = value.clientSecretExpiresAt;
  return jsonResponse(
    faults.has('oauth-register-200') ? 200 : 201,
    {
      ...metadata,
      client_id: value.clientId,
      client_secret: value.clientSecret,
      client_id_issued_at: faults.has('oauth-issued-at-ms') ? issuedAt * 1000 : issuedAt,
      client_secret_expires_at: faults.has('oauth-secret-expires-ms')
        ? expiresAt * 1000
        : expiresAt,
    },
    { ...NO_STORE },
  );
}
