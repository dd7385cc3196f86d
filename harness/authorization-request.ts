/** The loopback redirect URI of the authorization code tests (RFC 8252 §7.3). */
export const REDIRECT_URI = 'http://127.0.0.1:53682/oauth/callback';

/** The browser leg of the authorization code grant (RFC 6749 §4.1.1, §4.1.2). */
export interface AuthorizationRequest {
  /** The full authorization URL the browser opens. */
  url: string;
  /** Where the server redirects the browser afterwards. */
  redirectUri: string;
}

export interface AuthorizationRequestParams {
  endpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes?: string[];
  /** Absent: no PKCE parameters are sent. */
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export function authorizationUrl(p: AuthorizationRequestParams): string {
  const url = new URL(p.endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('state', p.state);
  if (p.scopes?.length) url.searchParams.set('scopes', p.scopes.join(' '));
  if (p.codeChallenge !== undefined) {
    url.searchParams.set('code_challenge', p.codeChallenge);
    url.searchParams.set('code_challenge_method', p.codeChallengeMethod ?? 'S256');
  }
  return url.toString();
}

export interface AuthorizationResponse {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

/** Read the redirect the browser got; undefined when it does not go to `redirectUri`. */
export function parseRedirect(
  location: string,
  redirectUri: string,
): AuthorizationResponse | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const expected = new URL(redirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname) return undefined;
  const q = url.searchParams;
  return {
    code: q.get('code') ?? undefined,
    state: q.get('state') ?? undefined,
    error: q.get('error') ?? undefined,
    errorDescription: q.get('error_description') ?? undefined,
  };
}

/** The first URL in `text` that starts with `redirectUri` (an exec approver's output). */
export function findRedirect(text: string, redirectUri: string): string | undefined {
  const at = text.indexOf(redirectUri);
  if (at < 0) return undefined;
  return text.slice(at).match(/^[^\s"'<>]+/)?.[0];
}
