/**
 * The exception table of the sso-oidc model (WIRE.md §2): each modelled exception shape with
 * its OAuth `error` code and HTTP status. The reference server raises only these shapes on
 * API routes, so a conformance failure is always a seeded fault, never an accident.
 */
export const ERROR_TABLE = {
  AccessDeniedException: { error: 'access_denied', status: 400 },
  AuthorizationPendingException: { error: 'authorization_pending', status: 400 },
  ExpiredTokenException: { error: 'expired_token', status: 400 },
  InternalServerException: { error: 'server_error', status: 500 },
  InvalidClientException: { error: 'invalid_client', status: 401 },
  InvalidClientMetadataException: { error: 'invalid_client_metadata', status: 400 },
  InvalidGrantException: { error: 'invalid_grant', status: 400 },
  InvalidRedirectUriException: { error: 'invalid_redirect_uri', status: 400 },
  InvalidRequestException: { error: 'invalid_request', status: 400 },
  InvalidRequestRegionException: { error: 'invalid_request', status: 400 },
  InvalidScopeException: { error: 'invalid_scope', status: 400 },
  SlowDownException: { error: 'slow_down', status: 400 },
  UnauthorizedClientException: { error: 'unauthorized_client', status: 400 },
  UnsupportedGrantTypeException: { error: 'unsupported_grant_type', status: 400 },
} as const;

export type ErrorShape = keyof typeof ERROR_TABLE;
export type ErrorCode = (typeof ERROR_TABLE)[ErrorShape]['error'];

/** What the real service appends to the shape name in x-amzn-ErrorType. */
export const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.sso.oidc/';

/** A protocol error as the state layer returns it; the HTTP layer serialises it. */
export interface OidcError {
  shape: ErrorShape;
  error: ErrorCode;
  description: string;
  /** Modelled members beyond error and error_description (InvalidRequestRegion's endpoint, region). */
  extra?: Record<string, string>;
}

/** A success value or a typed protocol error. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: OidcError };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(shape: ErrorShape, description: string): { ok: false; error: OidcError } {
  return { ok: false, error: oidcError(shape, description) };
}

export function oidcError(shape: ErrorShape, description: string): OidcError {
  return { shape, error: ERROR_TABLE[shape].error, description: sanitizeDescription(description) };
}

export function errorStatus(shape: ErrorShape): number {
  return ERROR_TABLE[shape].status;
}

/**
 * RFC 6749 §5.2: error_description may only use %x20-21 / %x23-5B / %x5D-7E (printable ASCII
 * without `"` and `\`). Descriptions are constants of ours, but anything else is dropped here
 * so that no input can ever put a forbidden character on the wire.
 */
export function sanitizeDescription(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}
