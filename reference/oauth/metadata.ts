import type { FaultSet } from '../faults.ts';
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

export function metadataDocument(issuer: string, faults: FaultSet): Record<string, unknown> {
  const document: Record<string, unknown> = {
    issuer: faults.has('metadata-issuer-mismatch') ? `${issuer}/` : issuer,
    device_authorization_endpoint: issuer + OAUTH_PATHS.deviceAuthorization,
    token_endpoint: issuer + OAUTH_PATHS.token,
    registration_endpoint: issuer + OAUTH_PATHS.registration,
    grant_types_supported: [DEVICE_CODE_GRANT, 'refresh_token'],
    token_endpoint_auth_methods_supported: faults.has('oauth-basic-refused')
      ? ['client_secret_post']
      : ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
  };
  if (faults.has('metadata-token-endpoint-http'))
    document.token_endpoint = `http://reference.invalid${OAUTH_PATHS.token}`;
  if (faults.has('metadata-no-token-endpoint')) delete document.token_endpoint;
  if (faults.has('metadata-no-device-endpoint')) delete document.device_authorization_endpoint;
  return document;
}

export function metadataResponse(issuer: string, faults: FaultSet): WireResponse {
  const response = jsonResponse(200, metadataDocument(issuer, faults));
  if (faults.has('metadata-text-html')) response.headers['Content-Type'] = 'text/html';
  return response;
}
