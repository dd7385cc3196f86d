/**
 * The redirect URI the authorization code tests register, as the AWS CLI (v2.22+) and the AWS
 * Toolkit do (EVIDENCE.md E8): a loopback IP literal without a port. The client then listens
 * on a port of its choosing and sends the URI with that port, which RFC 8252 §7.3 makes the
 * server accept.
 */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/oauth/callback';

/** REGISTERED_REDIRECT_URI with `port`: what the browser is sent back to. */
export function loopbackRedirect(port: number): string {
  return `http://127.0.0.1:${port}/oauth/callback`;
}

/** The redirect URI of the authorization requests, unless a test picks another port. */
export const REDIRECT_URI = loopbackRedirect(53682);

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
