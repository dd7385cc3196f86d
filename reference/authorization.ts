import { s256, secretsEqual } from './codes.ts';
import { sanitizeDescription } from './errors.ts';

/**
 * Pieces of the authorization code grant (RFC 6749 §4.1, RFC 7636) that need no state: the
 * shapes of a validated authorization request and of its outcomes, reading the query, building
 * the redirect, and the PKCE comparison. state.ts owns the records; authorize-page.ts the HTTP.
 */

export type AuthorizeDecision = 'approve' | 'deny';

export const AUTHORIZE_PATH = '/authorize';
/** Lifetime of an authorization code, seconds (RFC 6749 §4.1.2: 10 minutes at most). */
export const AUTHORIZATION_CODE_LIFETIME = 600;
/** Lifetime of a consent page's form, seconds. */
export const CONSENT_LIFETIME = 600;

export type PkceMethod = 'S256' | 'plain';

/** A validated authorization request (RFC 6749 §4.1.1), waiting for the user's decision. */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  state?: string;
  scopes: readonly string[];
  /** Absent only under the `pkce-downgrade` fault. */
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
}

/**
 * What /authorize does with a request: show the consent page, redirect the browser back to
 * the client (a code or an error), or refuse with 400 and no redirect (RFC 6749 §4.1.2.1: the
 * client or the redirect URI cannot be trusted).
 */
export type AuthorizationCheck =
  { kind: 'consent'; request: AuthorizationRequest } | AuthorizationEnd;

export type AuthorizationEnd =
  { kind: 'redirect'; location: string } | { kind: 'refused'; reason: string };

/** The browser-visible answer, as RunningReferenceServer.authorize and the admin route give it. */
export interface AuthorizeResult {
  status: number;
  location?: string;
}

/** RFC 7636 §4.2: a S256 challenge is 32 octets in base64url. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: a plain challenge is a verifier, 43 to 128 unreserved characters. */
const PLAIN_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export function challengeWellFormed(challenge: string, method: PkceMethod): boolean {
  return (method === 'S256' ? S256_CHALLENGE : PLAIN_CHALLENGE).test(challenge);
}

/** RFC 7636 §4.6, compared in constant time. */
export function verifierMatches(verifier: string, challenge: string, method: PkceMethod): boolean {
  return secretsEqual(method === 'S256' ? s256(verifier) : verifier, challenge);
}

/**
 * One query parameter. RFC 6749 §3.1: a parameter without a value counts as absent, and none
 * may be sent twice (`repeated`).
 */
export function queryParam(
  query: URLSearchParams,
  name: string,
): { value?: string; repeated: boolean } {
  const values = query.getAll(name).filter((v) => v !== '');
  return { value: values[0], repeated: values.length > 1 };
}

/**
 * The redirect URI with response parameters added to its query (RFC 6749 §4.1.2: the query
 * component it already has is kept). The registered URI is appended to as it is, not
 * re-serialised, so that it stays character for character what the client registered.
 */
export function redirectWith(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.append(name, value);
  }
  const separator = redirectUri.includes('?')
    ? redirectUri.endsWith('?') || redirectUri.endsWith('&')
      ? ''
      : '&'
    : '?';
  return `${redirectUri}${separator}${query.toString()}`;
}

/** An error redirect (RFC 6749 §4.1.2.1), state echoed when the client sent one. */
export function errorRedirect(
  redirectUri: string,
  error: string,
  description: string,
  state: string | undefined,
): AuthorizationEnd {
  return {
    kind: 'redirect',
    location: redirectWith(redirectUri, {
      error,
      error_description: sanitizeDescription(description),
      state,
    }),
  };
}
