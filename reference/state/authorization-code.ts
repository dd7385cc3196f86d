import {
  AUTHORIZATION_CODE_LIFETIME,
  CONSENT_LIFETIME,
  challengeWellFormed,
  errorRedirect,
  queryParam,
  redirectWith,
  verifierMatches,
  type AuthorizationCheck,
  type AuthorizationEnd,
  type AuthorizationRequest,
  type AuthorizeDecision,
  type PkceMethod,
} from '../authorization.ts';
import { newAuthorizationCode, newConsentToken } from '../codes.ts';
import { fail, ok, type Outcome } from '../errors.ts';
import { AUTHORIZATION_CODE_GRANT, type CreateTokenInput } from '../requests.ts';
import { allows, registrationExpired } from './registration.ts';
import {
  isApplication,
  type AuthorizationCodeRecord,
  type ClientRecord,
  type Downscope,
  type IssuedTokens,
  type StateContext,
} from './store.ts';
import { issueTokens, newFamily, revokeFamily, startSession } from './tokens.ts';

/**
 * The authorization code grant: the browser's step at /authorize (validation, consent, the
 * user's decision) and the code's redemption at CreateToken, with PKCE.
 */

// The authorization code grant: CreateToken (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6)

export function redeemAuthorizationCode(
  ctx: StateContext,
  client: ClientRecord,
  input: Pick<CreateTokenInput, 'code' | 'redirectUri' | 'codeVerifier'>,
  downscope?: Downscope,
): Outcome<IssuedTokens> {
  if (input.code === undefined) {
    return fail('InvalidRequestException', 'Missing code for the authorization code grant');
  }
  if (!allows(ctx, client, AUTHORIZATION_CODE_GRANT)) {
    return fail(
      'UnauthorizedClientException',
      'Client is not registered for the authorization code grant',
    );
  }
  const record = ctx.store.authorizationCodes.get(input.code);
  if (!record) return fail('InvalidGrantException', 'Invalid authorization code');
  if (record.redeemed && !ctx.faults.has('auth-code-reusable')) {
    // RFC 6749 §4.1.2, §10.5: a code used twice was stolen by one of the two; revoke the
    // tokens issued for it.
    if (record.familyId !== undefined) revokeFamily(ctx, record.familyId);
    return fail(
      'InvalidGrantException',
      'Authorization code has already been used; the tokens issued for it are revoked',
    );
  }
  if (record.clientId !== client.clientId && !ctx.faults.has('auth-code-any-client')) {
    return fail('InvalidGrantException', 'Invalid authorization code');
  }
  const expired = ctx.clock.nowMs() >= record.createdAtMs + AUTHORIZATION_CODE_LIFETIME * 1000;
  if (expired && !ctx.faults.has('auth-code-no-expiry')) {
    return fail('InvalidGrantException', 'Authorization code has expired');
  }
  if (input.redirectUri !== record.redirectUri && !ctx.faults.has('redirect-uri-not-checked')) {
    return fail(
      'InvalidGrantException',
      'redirectUri does not match the one of the authorization request',
    );
  }
  const pkce = checkVerifier(ctx, record, input.codeVerifier);
  if (!pkce.ok) return pkce;
  // CreateTokenWithIAM: the family holds the scopes asked for, a subset of the code's.
  const scopes = downscope ? downscope(record.scopes) : ok([...record.scopes]);
  if (!scopes.ok) return scopes;
  record.redeemed = true;
  record.familyId = newFamily(ctx, client.clientId, scopes.value, {
    authTimeMs: record.createdAtMs,
    session: record.session,
  });
  return ok(issueTokens(ctx, client, record.familyId));
}

/** RFC 7636 §4.6 and RFC 9700 §2.1.1: the verifier must come, and only with a challenge. */
function checkVerifier(
  ctx: StateContext,
  record: AuthorizationCodeRecord,
  verifier: string | undefined,
): Outcome<void> {
  if (record.codeChallenge === undefined || record.codeChallengeMethod === undefined) {
    // Reachable only under pkce-downgrade: a code issued without a challenge.
    if (verifier !== undefined && !ctx.faults.has('pkce-downgrade')) {
      return fail(
        'InvalidGrantException',
        'codeVerifier sent, but the authorization request had no code_challenge',
      );
    }
    return ok(undefined);
  }
  if (verifier === undefined) {
    if (ctx.faults.has('pkce-verifier-optional')) return ok(undefined);
    return fail('InvalidGrantException', 'Missing codeVerifier for a code issued with PKCE');
  }
  if (ctx.faults.has('pkce-not-checked')) return ok(undefined);
  // iam-pkce-not-checked: the same bug, in the application's code grant only.
  if (ctx.faults.has('iam-pkce-not-checked') && isApplication(ctx, record.clientId))
    return ok(undefined);
  if (!verifierMatches(verifier, record.codeChallenge, record.codeChallengeMethod)) {
    return fail('InvalidGrantException', 'codeVerifier does not match the code_challenge');
  }
  return ok(undefined);
}

// The authorization code grant: the browser step (RFC 6749 §4.1.1-4.1.2, RFC 7636 §4.4)

/** Whether `requested` is the registered redirect URI (any port of a port-less loopback one). */
function redirectMatches(ctx: StateContext, registered: string, requested: string): boolean {
  if (requested === registered) return true;
  return (
    !ctx.faults.has('loopback-port-exact-match') && loopbackPortFreeMatch(registered, requested)
  );
}

/**
 * Validates an authorization request in the order of RFC 6749 §4.1.2.1: first what decides
 * whether the browser may be sent back at all (client, redirect URI), then everything else
 * as an error redirect.
 */
export function checkAuthorization(ctx: StateContext, query: URLSearchParams): AuthorizationCheck {
  const clientId = queryParam(query, 'client_id');
  if (clientId.value === undefined || clientId.repeated) {
    return refused('client_id is missing or repeated');
  }
  const client = ctx.store.clients.get(clientId.value);
  if (!client) return refused('Unknown client_id');
  if (registrationExpired(ctx, client)) return refused('The client registration has expired');
  const redirect = queryParam(query, 'redirect_uri');
  if (redirect.value === undefined || redirect.repeated) {
    return refused('redirect_uri is missing or repeated');
  }
  const redirectUri = redirect.value;
  if (!client.redirectUris.some((r) => redirectMatches(ctx, r, redirectUri))) {
    return refused('redirect_uri is not one the client registered');
  }

  const state = queryParam(query, 'state').value;
  const error = (code: string, description: string) =>
    errorRedirect(redirectUri, code, description, state);
  const named = [
    'response_type',
    'state',
    'scopes',
    'code_challenge',
    'code_challenge_method',
  ] as const;
  const repeated = named.find((name) => queryParam(query, name).repeated);
  if (repeated) return error('invalid_request', `Parameter ${repeated} is repeated`);
  const responseType = queryParam(query, 'response_type').value;
  if (responseType === undefined) return error('invalid_request', 'Missing response_type');
  if (responseType !== 'code') {
    return error('unsupported_response_type', 'Only response_type code is supported');
  }
  if (!allows(ctx, client, AUTHORIZATION_CODE_GRANT)) {
    return error(
      'unauthorized_client',
      'Client is not registered for the authorization code grant',
    );
  }

  const codeChallenge = queryParam(query, 'code_challenge').value;
  const method = queryParam(query, 'code_challenge_method').value;
  let pkce: { codeChallenge: string; codeChallengeMethod: PkceMethod } | undefined;
  if (codeChallenge === undefined) {
    // RFC 9700 §2.1.1: PKCE is required of these public clients.
    if (!ctx.faults.has('pkce-downgrade')) {
      const code = ctx.faults.has('pkce-required-access-denied')
        ? 'access_denied'
        : 'invalid_request';
      return error(code, 'code_challenge is required (PKCE)');
    }
  } else {
    // RFC 7636 §4.3: an absent method means plain, which this server refuses (§4.4.1).
    // pkce-unknown-method-as-s256: a method the server does not know is taken for S256.
    const unknown = method !== undefined && method !== 'plain' && method !== 'S256';
    const effective =
      unknown && ctx.faults.has('pkce-unknown-method-as-s256') ? 'S256' : (method ?? 'plain');
    const supported: PkceMethod = ctx.faults.has('pkce-plain-only') ? 'plain' : 'S256';
    if (effective !== supported) {
      return error(
        'invalid_request',
        `code_challenge_method ${effective} is not supported; use ${supported}`,
      );
    }
    if (!challengeWellFormed(codeChallenge, supported)) {
      return error('invalid_request', 'code_challenge is malformed');
    }
    pkce = { codeChallenge, codeChallengeMethod: supported };
  }

  const requested = queryParam(query, 'scopes')
    .value?.split(' ')
    .filter((s) => s !== '');
  if (requested?.some((s) => !client.scopes.includes(s))) {
    return error('invalid_scope', 'A requested scope was not registered by the client');
  }
  return {
    kind: 'consent',
    request: {
      clientId: client.clientId,
      clientName: client.clientName,
      redirectUri,
      state,
      scopes: requested && requested.length > 0 ? [...new Set(requested)] : client.scopes,
      ...pkce,
    },
  };
}

/** Remembers a request whose consent page is shown; the token goes in the page's form. */
export function beginConsent(ctx: StateContext, request: AuthorizationRequest): string {
  let token = newConsentToken();
  while (ctx.store.consents.has(token)) token = newConsentToken();
  ctx.store.consents.set(token, { request, createdAtMs: ctx.clock.nowMs() });
  return token;
}

/** The consent form came back: single use, bound to its request, and short-lived. */
export function completeConsent(
  ctx: StateContext,
  token: string,
  decision: AuthorizeDecision,
): AuthorizationEnd {
  const consent = ctx.store.consents.get(token);
  if (!consent) return refused('Unknown or already used consent form');
  ctx.store.consents.delete(token);
  if (ctx.clock.nowMs() >= consent.createdAtMs + CONSENT_LIFETIME * 1000) {
    return refused('The consent form has expired; start again');
  }
  return decide(ctx, consent.request, decision);
}

/** The user's decision on a validated request: a code, or access_denied (RFC 6749 §4.1.2). */
export function decide(
  ctx: StateContext,
  request: AuthorizationRequest,
  decision: AuthorizeDecision,
): AuthorizationEnd {
  // The registration may have died while the page was shown.
  const client = ctx.store.clients.get(request.clientId);
  if (!client || registrationExpired(ctx, client)) {
    return refused('The client registration is unknown or has expired');
  }
  if (decision === 'deny') {
    return errorRedirect(
      request.redirectUri,
      'access_denied',
      'The user denied the request',
      request.state,
    );
  }
  const session = startSession(ctx, request.clientId);
  let code = newAuthorizationCode();
  while (ctx.store.authorizationCodes.has(code)) code = newAuthorizationCode();
  ctx.store.authorizationCodes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    createdAtMs: ctx.clock.nowMs(),
    redeemed: false,
    session,
  });
  return {
    kind: 'redirect',
    location: redirectWith(request.redirectUri, { code, state: request.state }),
  };
}

function refused(reason: string): AuthorizationEnd {
  return { kind: 'refused', reason };
}

/** Loopback IP literals (RFC 8252 §7.3); `localhost` is a name, not one of them (§8.3). */
const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * RFC 8252 §7.3: a loopback IP redirect URI registered without a port matches the same URI
 * with any port, the one the native client happens to listen on (the AWS CLI registers
 * http://127.0.0.1/oauth/callback). Anything else is compared character for character.
 */
export function loopbackPortFreeMatch(registered: string, requested: string): boolean {
  let r: URL;
  let q: URL;
  try {
    [r, q] = [new URL(registered), new URL(requested)];
  } catch {
    return false;
  }
  if (r.protocol !== 'http:' || !LOOPBACK_IPS.has(r.hostname) || r.port !== '') return false;
  // The registered URI as sent, with the request's port spliced in after the host.
  const authority = `http://${r.hostname}`;
  if (!registered.toLowerCase().startsWith(authority)) return false;
  return requested === `${authority}:${q.port}${registered.slice(authority.length)}`;
}
