import { epochSeconds } from '../clock.ts';
import { newClientSecret } from '../codes.ts';
import { fail, ok, type Outcome } from '../errors.ts';
import {
  ACCESS_TOKEN_TYPE,
  AUTHORIZATION_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  REFRESH_TOKEN_TYPE,
} from '../requests.ts';
import { redeemAuthorizationCode } from './authorization-code.ts';
import {
  REFERENCE_USER_ID,
  type ClientRecord,
  type IamApplication,
  type IamIssued,
  type IssuedTokens,
  type StateContext,
} from './store.ts';
import { issueTokens, newFamily, refresh } from './tokens.ts';

/**
 * CreateTokenWithIAM (WIRE.md §1.4). The application is a pseudo-client: /authorize, the
 * codes, PKCE and the refresh families work for it as for a registered client. Inside its
 * grants only the `iam-*` faults and refresh-broken act (actsInIam); CreateToken's other
 * grant faults stay out.
 */

/** Registers the application; its client secret is never handed out (CreateToken is shut). */
export function registerApplication(ctx: StateContext, app: IamApplication): void {
  ctx.store.application = app;
  ctx.store.clients.set(app.arn, {
    clientId: app.arn,
    clientSecret: newClientSecret(),
    clientName: app.name,
    clientType: 'application',
    grantTypes: new Set([AUTHORIZATION_CODE_GRANT, REFRESH_TOKEN_GRANT]),
    scopes: app.scopes,
    redirectUris: app.redirectUris,
    issuedAtSec: epochSeconds(ctx.clock.nowMs()),
    secretExpiresAtSec: Number.POSITIVE_INFINITY,
  });
}

/**
 * Runs a grant for the application's pseudo-client. `ctx` is the IAM context the facade
 * builds: its faults are only those that act in CreateTokenWithIAM (`actsInIam`), so the
 * shared steps it calls (code redemption, refresh, issuing) see no other grant fault.
 */
function asApplication<T>(
  ctx: StateContext,
  grant: (client: ClientRecord, app: IamApplication) => Outcome<T>,
): Outcome<T> {
  const app = ctx.store.application;
  const client = app && ctx.store.clients.get(app.arn);
  if (!app || !client) return fail('InvalidClientException', 'Unknown application');
  return grant(client, app);
}

/**
 * `scope` omitted: the grant's scopes; otherwise a subset of them, exactly as asked. A scope
 * the application does not have, or one the grant did not include, is InvalidScopeException.
 */
function downscope(
  ctx: StateContext,
  app: IamApplication,
  base: readonly string[],
  requested: readonly string[] | undefined,
): Outcome<string[]> {
  if (ctx.faults.has('iam-downscope-ignored')) return ok([...app.scopes]);
  if (requested === undefined) return ok([...base]);
  const asked = [...new Set(requested)];
  if (asked.some((s) => !app.scopes.includes(s))) {
    return fail('InvalidScopeException', 'A requested scope is not configured for the application');
  }
  if (asked.some((s) => !base.includes(s))) {
    return fail('InvalidScopeException', 'A requested scope was not part of the original grant');
  }
  return ok(asked);
}

function iamIssued(ctx: StateContext, tokens: IssuedTokens, scope: string[]): IamIssued {
  const family = ctx.store.families.get(tokens.familyId);
  return {
    tokens,
    scope,
    userId: family?.subject ?? REFERENCE_USER_ID,
    authTimeMs: family?.authTimeMs ?? tokens.issuedAtMs,
  };
}

/** grantType authorization_code: a code /authorize issued to the application. */
export function iamAuthorizationCode(
  ctx: StateContext,
  input: { code?: string; redirectUri?: string; codeVerifier?: string },
  scope: readonly string[] | undefined,
): Outcome<IamIssued> {
  return asApplication(ctx, (client, app) => {
    let granted: string[] = [];
    const result = redeemAuthorizationCode(ctx, client, input, (base) => {
      // iam-code-scope-ignored: the code grants what it was issued for, whatever is asked.
      if (ctx.faults.has('iam-code-scope-ignored')) return ok([...base]);
      const d = downscope(ctx, app, base, scope);
      if (d.ok) granted = d.value;
      return d;
    });
    return result.ok ? ok(iamIssued(ctx, result.value, granted)) : result;
  });
}

/** grantType refresh_token: rotation and replay detection as for CreateToken. */
export function iamRefresh(
  ctx: StateContext,
  refreshToken: string | undefined,
  scope: readonly string[] | undefined,
): Outcome<IamIssued> {
  return asApplication(ctx, (client, app) => {
    let granted: string[] = [];
    const result = refresh(ctx, client, refreshToken, undefined, (base) => {
      // iam-refresh-widens-to-app: the request is measured against the application's scopes.
      const d = downscope(
        ctx,
        app,
        ctx.faults.has('iam-refresh-widens-to-app') ? app.scopes : base,
        scope,
      );
      if (d.ok) granted = d.value;
      return d;
    });
    // iam-rotated-rt-narrowed: the new refresh token takes the narrowed scope of the request.
    if (result.ok && scope !== undefined && ctx.faults.has('iam-rotated-rt-narrowed')) {
      const family = ctx.store.families.get(result.value.familyId);
      if (family) family.scopes = [...granted];
    }
    return result.ok ? ok(iamIssued(ctx, result.value, granted)) : result;
  });
}

/** grantType jwt-bearer, once the assertion is verified: tokens for `userId`. */
export function iamAssertion(
  ctx: StateContext,
  userId: string,
  scope: readonly string[] | undefined,
): Outcome<IamIssued> {
  return asApplication(ctx, (client, app) => {
    const granted = downscope(ctx, app, app.scopes, scope);
    if (!granted.ok) return granted;
    const familyId = newFamily(ctx, client.clientId, granted.value, {
      subject: userId,
      authTimeMs: ctx.clock.nowMs(),
    });
    return ok(iamIssued(ctx, issueTokens(ctx, client, familyId), granted.value));
  });
}

/**
 * grantType token-exchange (RFC 8693): an access token this server issued, to any client,
 * not expired nor revoked, for an access token of the application (and a refresh token when
 * requestedTokenType asks for one).
 */
export function iamTokenExchange(
  ctx: StateContext,
  input: { subjectToken?: string; subjectTokenType?: string; requestedTokenType?: string },
  scope: readonly string[] | undefined,
): Outcome<IamIssued> {
  return asApplication(ctx, (client, app) => {
    if (input.subjectToken === undefined) {
      return fail('InvalidRequestException', 'Missing subjectToken for the token exchange grant');
    }
    if (input.subjectTokenType !== ACCESS_TOKEN_TYPE) {
      return fail('InvalidRequestException', `subjectTokenType must be ${ACCESS_TOKEN_TYPE}`);
    }
    const requested = input.requestedTokenType ?? ACCESS_TOKEN_TYPE;
    if (requested !== ACCESS_TOKEN_TYPE && requested !== REFRESH_TOKEN_TYPE) {
      return fail(
        'InvalidRequestException',
        `requestedTokenType must be ${ACCESS_TOKEN_TYPE} or ${REFRESH_TOKEN_TYPE}`,
      );
    }
    // iam-exchange-any-subject: an unknown token passes for one of the reference user's.
    const subject =
      ctx.store.accessTokens.get(input.subjectToken) ??
      (ctx.faults.has('iam-exchange-any-subject')
        ? { clientId: '', expiresAtMs: Number.POSITIVE_INFINITY }
        : undefined);
    const subjectFamily =
      subject?.familyId === undefined ? undefined : ctx.store.families.get(subject.familyId);
    if (!subject || subject.expiresAtMs <= ctx.clock.nowMs() || subjectFamily?.revoked) {
      return fail('InvalidGrantException', 'Invalid, expired or revoked subjectToken');
    }
    const granted = downscope(ctx, app, app.scopes, scope);
    if (!granted.ok) return granted;
    const familyId = newFamily(ctx, client.clientId, granted.value, {
      subject: subjectFamily?.subject ?? REFERENCE_USER_ID,
      authTimeMs: subjectFamily?.authTimeMs,
    });
    const refreshToken =
      requested === REFRESH_TOKEN_TYPE || ctx.faults.has('iam-exchange-refresh-token');
    return ok(iamIssued(ctx, issueTokens(ctx, client, familyId, { refreshToken }), granted.value));
  });
}
