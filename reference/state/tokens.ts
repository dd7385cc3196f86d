import {
  newAccessToken,
  newAwsToken,
  newRefreshToken,
  newUnsignedJwt,
  newUnverifiedJwt,
  unverifiedJti,
} from '../codes.ts';
import { fail, ok, type Outcome } from '../errors.ts';
import type { FaultName } from '../faults.ts';
import { REFRESH_TOKEN_GRANT } from '../requests.ts';
import { allows } from './registration.ts';
import {
  isApplication,
  type ClientRecord,
  type Downscope,
  type IssuedTokens,
  type RefreshTokenRecord,
  type StateContext,
} from './store.ts';

/**
 * Token families (RFC 9700 §4.14.2): issuing access and refresh tokens, the refresh_token
 * grant with rotation and replay detection, revocation, and the sessions of
 * one-session-per-registration.
 */

/**
 * The refresh_token grant. `downscope` (CreateTokenWithIAM) narrows the new access token;
 * the refresh token keeps the family's scopes.
 */
export function refresh(
  ctx: StateContext,
  client: ClientRecord,
  refreshToken: string | undefined,
  scope: string[] | undefined,
  downscope?: Downscope,
): Outcome<IssuedTokens> {
  if (refreshToken === undefined) {
    return fail('InvalidRequestException', 'Missing refreshToken for the refresh_token grant');
  }
  if (!allows(ctx, client, REFRESH_TOKEN_GRANT)) {
    return fail('UnauthorizedClientException', 'Client is not registered for the refresh grant');
  }
  if (ctx.faults.has('refresh-broken'))
    return fail('InvalidGrantException', 'Invalid refresh token');
  const record =
    ctx.store.refreshTokens.get(refreshToken) ?? refreshTokenLookalike(ctx, refreshToken);
  if (!record) {
    if (ctx.faults.has('refresh-unknown-accepted')) {
      return ok(issueTokens(ctx, client, newFamily(ctx, client.clientId, client.scopes)));
    }
    return fail('InvalidGrantException', 'Invalid refresh token');
  }
  if (record.clientId !== client.clientId && !ctx.faults.has('refresh-any-client')) {
    return fail('InvalidGrantException', 'Invalid refresh token');
  }
  const family = ctx.store.families.get(record.familyId);
  if (!family || family.revoked) return fail('InvalidGrantException', 'Invalid refresh token');
  if (family.session !== undefined && ctx.store.sessions.get(family.clientId) !== family.session) {
    return fail('InvalidGrantException', 'The session of this refresh token has ended');
  }
  if (record.retired) {
    // RFC 9700 §4.14.2: a replayed refresh token means one of two parties is an attacker;
    // revoke the whole grant, including the currently active refresh token.
    if (ctx.faults.has('refresh-replay-500')) {
      return fail('InternalServerException', 'Unexpected state of the refresh token');
    }
    if (ctx.faults.has('replay-no-family-revoke')) {
      return fail('InvalidGrantException', 'Invalid refresh token');
    }
    revokeFamily(ctx, record.familyId);
    return fail('InvalidGrantException', 'Refresh token reuse detected; the grant is revoked');
  }
  // CreateTokenWithIAM: a narrower access token, the refresh token keeps the family's scopes.
  const narrowed = downscope?.(family.scopes);
  if (narrowed && !narrowed.ok) return narrowed;
  // Rotation (RFC 9700 §4.14.2): the presented token is retired, a new one issued.
  const rotate =
    !ctx.faults.has('refresh-token-not-returned') &&
    !ctx.faults.has('no-refresh-rotation') &&
    !ctx.faults.has('refresh-bearer-only');
  const retire =
    rotate &&
    !ctx.faults.has('rotation-old-stays-valid') &&
    !(ctx.faults.has('iam-refresh-old-stays-valid') && isApplication(ctx, client.clientId)) &&
    !(ctx.faults.has('rotation-retires-first-only') && record.successor);
  if (retire) record.retired = true;
  // `scope` has no effect (AWS), unless the fault lets it widen the grant.
  let reported: string[] | undefined;
  if (ctx.faults.has('refresh-widens-scope') && scope !== undefined) {
    reported = [...new Set([...family.scopes, ...scope])];
    family.scopes = reported;
  }
  const issued = issueTokens(ctx, client, record.familyId, { refreshToken: rotate });
  const successor = issued.refreshToken && ctx.store.refreshTokens.get(issued.refreshToken);
  if (successor) successor.successor = true;
  // no-refresh-rotation: the presented token comes back as the "new" one.
  const tokens = ctx.faults.has('no-refresh-rotation') ? { ...issued, refreshToken } : issued;
  return ok(reported ? { ...tokens, scope: reported } : tokens);
}

/**
 * Faults that take a token for a refresh token it is not: one with the first 20 characters of
 * an issued refresh token (refresh-token-prefix-match), an access token
 * (access-token-as-refresh-token), or a JWT whose jti is that of an issued one, whatever else
 * its payload and signature say (rt-signature-not-verified).
 */
function refreshTokenLookalike(ctx: StateContext, token: string): RefreshTokenRecord | undefined {
  if (ctx.faults.has('access-token-as-refresh-token')) {
    const access = ctx.store.accessTokens.get(token);
    if (access?.familyId !== undefined)
      return { familyId: access.familyId, clientId: access.clientId, retired: false };
  }
  // device-code-as-refresh-token: the code a grant was redeemed from refreshes it too.
  if (ctx.faults.has('device-code-as-refresh-token')) {
    const redeemed = ctx.store.byDeviceCode.get(token);
    if (redeemed?.familyId !== undefined)
      return { familyId: redeemed.familyId, clientId: redeemed.clientId, retired: false };
  }
  const jti = ctx.faults.has('rt-signature-not-verified') ? unverifiedJti(token) : undefined;
  if (jti !== undefined)
    for (const [issued, record] of ctx.store.refreshTokens)
      if (unverifiedJti(issued) === jti) return record;
  if (ctx.faults.has('refresh-token-prefix-match') && token.length >= 20)
    for (const [issued, record] of ctx.store.refreshTokens)
      if (issued.slice(0, 20) === token.slice(0, 20)) return record;
  return undefined;
}

/**
 * one-session-per-registration (AWS, as a third party reports: EVIDENCE.md E12): a
 * registration holds one session, the one its latest approval started; a grant of an earlier
 * approval, redeemed before or after, can no longer be refreshed (its access tokens live on).
 * The IAM application is no registration and keeps its grants.
 */
export function startSession(ctx: StateContext, clientId: string): number | undefined {
  if (!ctx.faults.has('one-session-per-registration') || isApplication(ctx, clientId))
    return undefined;
  const session = ctx.store.nextSession++;
  ctx.store.sessions.set(clientId, session);
  return session;
}

export function revokeFamily(ctx: StateContext, familyId: number): void {
  const family = ctx.store.families.get(familyId);
  if (family) family.revoked = true;
  for (const [token, access] of ctx.store.accessTokens) {
    if (access.familyId === familyId) ctx.store.accessTokens.delete(token);
  }
}

export function newFamily(
  ctx: StateContext,
  clientId: string,
  scopes: readonly string[],
  user: { subject?: string; authTimeMs?: number; session?: number } = {},
): number {
  const familyId = ctx.store.nextFamilyId++;
  ctx.store.families.set(familyId, { clientId, revoked: false, scopes, ...user });
  return familyId;
}

/**
 * A fresh access or refresh token: random, or under `guessable` a prefix and a counter, or
 * under `unsigned-jwt-tokens` a JWT with alg none (random jti, but forgeable).
 */
function newToken(
  ctx: StateContext,
  kind: 'at' | 'rt',
  guessable: FaultName,
  random: () => string,
): string {
  if (ctx.faults.has(guessable))
    return `${kind}-${(ctx.store.tokensIssued++).toString(16).padStart(12, '0')}`;
  if (ctx.faults.has('unsigned-jwt-tokens')) return newUnsignedJwt(kind);
  if (kind === 'rt' && ctx.faults.has('rt-signature-not-verified')) return newUnverifiedJwt(kind);
  if (ctx.faults.has('aws-shaped-credentials')) return newAwsToken(kind);
  return random();
}

/** A refresh token comes with the tokens when the client has the refresh grant. */
export function issueTokens(
  ctx: StateContext,
  client: ClientRecord,
  familyId: number,
  options: { refreshToken?: boolean } = {},
): IssuedTokens {
  const now = ctx.clock.nowMs();
  const expiresIn = ctx.config.accessTokenLifetime;
  let refreshToken: string | undefined;
  if ((options.refreshToken ?? true) && allows(ctx, client, REFRESH_TOKEN_GRANT)) {
    refreshToken = newToken(ctx, 'rt', 'guessable-refresh-tokens', newRefreshToken);
    ctx.store.refreshTokens.set(refreshToken, {
      familyId,
      clientId: client.clientId,
      retired: false,
    });
  }
  const accessToken = newToken(ctx, 'at', 'guessable-access-tokens', newAccessToken);
  ctx.store.accessTokens.set(accessToken, {
    clientId: client.clientId,
    familyId,
    expiresAtMs: now + expiresIn * 1000,
  });
  return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken, issuedAtMs: now, familyId };
}
