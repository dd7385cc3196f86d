import { jsonResponse, type WireResponse } from '../wire.ts';

/**
 * The authorization server metadata of the plain OAuth front end (RFC 8414 §2, RFC 8628 §4),
 * served at /.well-known/oauth-authorization-server: the issuer is the server's base URL, so
 * the path-insertion rule of RFC 8414 §3.1 gives exactly this path.
 */

export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const OAUTH_PREFIX = '/oauth/';

/** The endpoints of the plain OAuth front end, below the server's base URL. */
export const OAUTH_PATHS = {
  deviceAuthorization: '/oauth/device_authorization',
  token: '/oauth/token',
  registration: '/oauth/register',
} as const;

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export function metadataDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    device_authorization_endpoint: issuer + OAUTH_PATHS.deviceAuthorization,
    token_endpoint: issuer + OAUTH_PATHS.token,
    registration_endpoint: issuer + OAUTH_PATHS.registration,
    grant_types_supported: [DEVICE_CODE_GRANT, 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
  };
}

export function metadataResponse(issuer: string): WireResponse {
  return jsonResponse(200, metadataDocument(issuer));
}
