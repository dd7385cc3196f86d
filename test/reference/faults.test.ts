import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FAULTS, FAULT_NAMES, isFaultName, type FaultName } from '../../reference/faults.ts';
import { findRequirement } from '../../harness/engine/catalogue.ts';
import type { RunningReferenceServer } from '../../reference/server.ts';
import {
  CODE_GRANT,
  DEVICE_GRANT,
  ERROR_CHARSET,
  REDIRECT_URI,
  SCOPE,
  START_URL,
  authorizationCode,
  authorizeUrl,
  codeClient,
  codeTokens,
  errorType,
  pkcePair,
  poll,
  post,
  redeem,
  redirectQuery,
  refresh,
  register,
  request,
  start,
  startAuthorization,
  started,
  tokens,
} from './helpers.ts';
import {
  ACCESS_TOKEN_TYPE,
  APP,
  APP_REDIRECT,
  TOKEN_EXCHANGE,
  appCode,
  iam,
  iamTokens,
  jwtBearer,
  JWT_BEARER,
  twoRegions,
  regionErrorReply,
  redeemApp,
} from './iam-helpers.ts';
import { REFERENCE_APPLICATION_SCOPES } from '../../reference/iam-config.ts';

type Check = (server: RunningReferenceServer) => Promise<void>;

/** One demonstration per fault: the deviation is observable on the wire. */
/** A device authorization request from a registered client whose Basic password is wrong. */
async function wrongBasicLogin(s: Parameters<typeof post>[0]) {
  const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
  const basic = Buffer.from(`${client.client_id}:wrong`).toString('base64');
  return request(s, '/oauth/device_authorization', {
    raw: `client_id=${client.client_id}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    },
  });
}

/** An OAuth device authorization request carrying the client_id alone, as a public client sends. */
function deviceAuthorizationById(s: Parameters<typeof post>[0], clientId: string) {
  return request(s, '/oauth/device_authorization', {
    raw: `client_id=${clientId}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const CHECKS: Record<FaultName, Check> = {
  'no-error-type-header': async (s) => {
    const reply = await post(s, '/client/register', {});
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_request');
    expect(reply.headers.get('x-amzn-errortype')).toBeNull();
    // The region error is left indistinguishable from InvalidRequestException.
    const region = await regionErrorReply(['no-error-type-header']);
    expect(region.json.error).toBe('invalid_request');
    expect(region.headers.get('x-amzn-errortype')).toBeNull();
  },
  'invalid-client-400': async (s) => {
    const reply = await poll(s, { clientId: 'nobody', clientSecret: 'x' }, 'x');
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('InvalidClientException');
    const unknownApp = await jwtBearer(s, { clientId: 'arn:aws:sso::1:application/x/apl-x' });
    expect(unknownApp.status).toBe(400);
    expect(errorType(unknownApp)).toBe('InvalidClientException');
  },
  'secret-not-checked': async (s) => {
    const client = await register(s);
    const reply = await post(s, '/device_authorization', {
      clientId: client.clientId,
      clientSecret: 'wrong',
      startUrl: START_URL,
    });
    expect(reply.status).toBe(200);
    const unknown = await post(s, '/device_authorization', {
      clientId: 'nobody',
      clientSecret: 'wrong',
      startUrl: START_URL,
    });
    expect(unknown.status).toBe(401);
  },
  'token-snake-case': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(Object.keys(t).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
    ]);
  },
  '500-on-malformed-body': async (s) => {
    for (const raw of ['not json', '[]']) {
      const reply = await request(s, '/token', { raw });
      expect(reply.status).toBe(500);
      expect(errorType(reply)).toBe('InternalServerException');
      expect(reply.json.error).toBe('server_error');
    }
    expect((await post(s, '/token', {})).status).toBe(400);
  },
  'expires-in-absolute': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.expiresIn).toBeGreaterThan(Date.now() / 1000);
  },
  'no-request-id': async (s) => {
    const ok = await post(s, '/client/register', { clientName: 'n', clientType: 'public' });
    const err = await post(s, '/client/register', {});
    expect(ok.headers.get('x-amzn-requestid')).toBeNull();
    expect(err.headers.get('x-amzn-requestid')).toBeNull();
  },
  'register-201': async (s) => {
    const reply = await post(s, '/client/register', { clientName: 'n', clientType: 'public' });
    expect(reply.status).toBe(201);
  },
  'secret-expires-ms': async (s) => {
    const client = await register(s);
    expect(client.clientSecretExpiresAt).toBeGreaterThan(Date.now());
    // Enforcement still uses the real (seconds) expiry.
    expect((await startAuthorization(s, client)).reply.status).toBe(200);
  },
  'duplicate-client-id': async (s) => {
    const a = await register(s);
    const b = await register(s, { grantTypes: [DEVICE_GRANT] });
    expect(b.clientId).toBe(a.clientId);
    expect(b.clientSecret).toBe(a.clientSecret);
    expect((await startAuthorization(s, a)).reply.status).toBe(200);
  },
  'accept-confidential': async (s) => {
    const reply = await post(s, '/client/register', {
      clientName: 'n',
      clientType: 'confidential',
    });
    expect(reply.status).toBe(200);
  },
  'accept-bad-redirect': async (s) => {
    const reply = await post(s, '/client/register', {
      clientName: 'n',
      clientType: 'public',
      redirectUris: ['http://example.com/cb#frag', 'not a uri'],
    });
    expect(reply.status).toBe(200);
  },
  'password-grant-offered': async (s) => {
    const client = await register(s);
    const password = await post(s, '/token', { ...client, grantType: 'password' });
    expect([password.status, password.json.error]).toEqual([400, 'invalid_request']);
    const other = await post(s, '/token', { ...client, grantType: 'urn:x' });
    expect(other.json.error).toBe('unsupported_grant_type');
  },
  'register-errors-403': async (s) => {
    const aws = await post(s, '/client/register', {
      clientName: 'n',
      clientType: 'public',
      redirectUris: ['/relative'],
    });
    expect([aws.status, aws.json.error]).toEqual([403, 'invalid_redirect_uri']);
    const oauth = await post(s, '/oauth/register', { client_name: 42 });
    expect([oauth.status, oauth.json.error]).toEqual([403, 'invalid_client_metadata']);
  },
  'accept-bad-grant-type': async (s) => {
    const reply = await post(s, '/client/register', {
      clientName: 'n',
      clientType: 'public',
      grantTypes: ['password', DEVICE_GRANT],
    });
    expect(reply.status).toBe(200);
  },
  'missing-start-url-accepted': async (s) => {
    const client = await register(s);
    const reply = await post(s, '/device_authorization', { ...client });
    expect(reply.status).toBe(200);
    expect(reply.json.deviceCode).toBeTruthy();
  },
  'no-verification-uri-complete': async (s) => {
    const { auth } = await started(s);
    expect(auth.verificationUriComplete).toBeUndefined();
    expect(auth.interval).toBeUndefined();
    expect(auth.verificationUri).toBeTruthy();
  },
  'verification-uri-http': async (s) => {
    const { auth } = await started(s);
    expect(auth.verificationUri).toMatch(/^http:\/\//);
    expect(auth.verificationUriComplete).toMatch(/^http:\/\//);
  },
  'user-code-in-verification-uri': async (s) => {
    const { auth } = await started(s);
    expect(auth.verificationUri.endsWith(`?user_code=${auth.userCode}`)).toBe(true);
  },
  'device-code-reused': async (s) => {
    const client = await register(s);
    const a = (await startAuthorization(s, client)).body;
    s.deny(a.userCode);
    const b = (await startAuthorization(s, client)).body;
    expect(b.deviceCode).toBe(a.deviceCode);
    expect(b.userCode).toBe(a.userCode);
    // The record was refreshed: pending again, approvable.
    expect(errorType(await poll(s, client, b.deviceCode))).toBe('AuthorizationPendingException');
    expect(s.approve(b.userCode)).toBe(true);
  },
  'sda-text-plain': async (s) => {
    const client = await register(s);
    const { reply } = await startAuthorization(s, client);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.json.deviceCode).toBeTruthy();
  },
  'client-from-device-code': async (s) => {
    const { client, auth } = await started(s);
    const body = { clientSecret: client.clientSecret, grantType: DEVICE_GRANT };
    const reply = await post(s, '/token', { ...body, deviceCode: auth.deviceCode });
    expect(errorType(reply)).toBe('AuthorizationPendingException');
    // The secret is still checked, and a code it cannot find still leaves no client.
    const wrong = { ...body, clientSecret: 'wrong' };
    expect(errorType(await post(s, '/token', { ...wrong, deviceCode: auth.deviceCode }))).toBe(
      'InvalidClientException',
    );
    expect(errorType(await post(s, '/token', { ...body, deviceCode: 'x' }))).toBe(
      'InvalidClientException',
    );
  },
  'missing-grant-type-accepted': async (s) => {
    const { client, auth } = await started(s);
    const reply = await post(s, '/token', { ...client, deviceCode: auth.deviceCode });
    expect(errorType(reply)).toBe('AuthorizationPendingException');
  },
  'missing-device-code-invalid-grant': async (s) => {
    const client = await register(s);
    const reply = await post(s, '/token', { ...client, grantType: DEVICE_GRANT });
    expect(errorType(reply)).toBe('InvalidGrantException');
  },
  'unknown-device-code-pending': async (s) => {
    const client = await register(s);
    const reply = await poll(s, client, 'A'.repeat(43));
    expect(errorType(reply)).toBe('AuthorizationPendingException');
  },
  'unknown-grant-invalid-request': async (s) => {
    const client = await register(s);
    const reply = await post(s, '/token', { ...client, grantType: 'urn:example:nope' });
    expect(errorType(reply)).toBe('InvalidRequestException');
  },
  'device-grant-unsupported': async (s) => {
    const { client, auth } = await started(s);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('UnsupportedGrantTypeException');
  },
  'auto-approve': async (s) => {
    const { client, auth } = await started(s);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'approval-ignored': async (s) => {
    const { client, auth } = await started(s);
    expect(s.approve(auth.userCode)).toBe(true);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'pending-status-200': async (s) => {
    const { client, auth } = await started(s);
    const pending = await poll(s, client, auth.deviceCode);
    expect(pending.status).toBe(200);
    expect(pending.json.error).toBe('authorization_pending');
    expect(errorType(pending)).toBe('AuthorizationPendingException');
    s.deny(auth.userCode);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
    const other = await started(s);
    s.advance(600);
    expect((await poll(s, other.client, other.auth.deviceCode)).status).toBe(200);
    // Other errors keep their status.
    expect((await poll(s, client, 'unknown')).status).toBe(400);
    // CreateTokenWithIAM's refused signature too.
    const unsigned = await jwtBearer(s, {}, { unsigned: true });
    expect(unsigned.status).toBe(200);
    expect(errorType(unsigned)).toBe('AccessDeniedException');
  },
  'error-description-quotes': async (s) => {
    const reply = await post(s, '/client/register', {});
    expect(reply.json.error_description).toContain('"');
    expect(reply.json.error_description).toContain('\\');
    expect(reply.json.error_description).not.toMatch(ERROR_CHARSET);
  },
  'no-cache-control': async (s) => {
    const { client, auth } = await started(s);
    s.approve(auth.userCode);
    const device = await poll(s, client, auth.deviceCode);
    expect(device.status).toBe(200);
    const code = await codeTokens(s);
    const refreshed = await refresh(s, code.client, code.tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    const failed = await redeem(s, code.client, code.code, code.verifier);
    expect(failed.status).toBe(400);
    // CreateTokenWithIAM: success and error.
    const withIam = await jwtBearer(s);
    expect(withIam.status).toBe(200);
    const iamFailed = await jwtBearer(s, { assertion: 'x' });
    expect(iamFailed.status).toBe(400);
    for (const reply of [device, refreshed, failed, withIam, iamFailed]) {
      expect(reply.headers.get('cache-control')).toBeNull();
      expect(reply.headers.get('pragma')).toBeNull();
    }
    // StartDeviceAuthorization keeps its no-store (that is sda-cacheable).
    expect((await startAuthorization(s, client)).reply.headers.get('cache-control')).toBe(
      'no-store',
    );
  },
  'token-type-mac': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.tokenType).toBe('mac');
  },
  'expires-in-string': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.expiresIn).toBe('3600');
  },
  'cross-client-redeem': async (s) => {
    const { auth } = await started(s);
    const other = await register(s);
    s.approve(auth.userCode);
    expect((await poll(s, other, auth.deviceCode)).status).toBe(200);
  },
  'cross-client-poll-500': async (s) => {
    const { auth } = await started(s);
    const other = await register(s);
    expect(errorType(await poll(s, other, auth.deviceCode))).toBe('InternalServerException');
  },
  'device-code-reusable': async (s) => {
    const { client, auth } = await tokens(s);
    const again = await poll(s, client, auth.deviceCode);
    expect(again.status).toBe(200);
    expect(again.json.accessToken).toBeTruthy();
  },
  'wrong-exception-for-op': async (s) => {
    const client = await register(s);
    const reply = await post(s, '/device_authorization', {
      clientId: client.clientId,
      clientSecret: 'wrong',
      startUrl: START_URL,
    });
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('InvalidGrantException');
    expect(reply.json.error).toBe('invalid_grant');
    // CreateToken is unaffected.
    expect((await poll(s, { ...client, clientSecret: 'wrong' }, 'x')).status).toBe(401);
  },
  'error-body-not-json': async (s) => {
    const reply = await post(s, '/client/register', {});
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.text).toBe('error: invalid_request');
    expect(errorType(reply)).toBe('InvalidRequestException');
    // The region error loses its endpoint and region members.
    const region = await regionErrorReply(['error-body-not-json']);
    expect(region.text).toBe('error: invalid_request');
    expect(errorType(region)).toBe('InvalidRequestRegionException');
  },
  'error-json-as-text': async (s) => {
    const reply = await refresh(s, await register(s), 'not-a-refresh-token');
    expect(reply.headers.get('content-type')).toBe('text/plain');
    expect(reply.json.error).toBe('invalid_grant');
  },
  'refresh-broken': async (s) => {
    const { client, tokens: t } = await tokens(s);
    expect(t.refreshToken).toBeTruthy();
    expect(errorType(await refresh(s, client, t.refreshToken))).toBe('InvalidGrantException');
    const withIam = await iamTokens(s);
    const iamRefresh = await iam(s, {
      clientId: APP,
      grantType: 'refresh_token',
      refreshToken: withIam.refreshToken,
    });
    expect(errorType(iamRefresh)).toBe('InvalidGrantException');
  },
  'no-client-secret': async (s) => {
    const client = await register(s);
    expect(client.clientId).toBeTruthy();
    expect(client.clientSecret).toBeUndefined();
  },
  'issued-at-ms': async (s) => {
    const client = await register(s);
    expect(client.clientIdIssuedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(client.clientSecretExpiresAt).toBeLessThan(Date.now() / 1000 + 400 * 86_400);
  },
  'sda-cacheable': async (s) => {
    const client = await register(s);
    const { reply } = await startAuthorization(s, client);
    expect(reply.headers.get('cache-control')).toBeNull();
  },
  'interval-zero': async (s) => {
    const { auth } = await started(s);
    expect(auth.interval).toBe(0);
  },
  'device-expires-in-string': async (s) => {
    const { auth } = await started(s);
    expect(auth.expiresIn).toBe('600');
  },
  'missing-client-type-accepted': async (s) => {
    const reply = await post(s, '/client/register', { clientName: 'no-type' });
    expect(reply.status).toBe(200);
  },
  'accept-bad-scope': async (s) => {
    const client = await register(s, { scopes: ['bad"scope'] });
    expect(client.clientId).toBeTruthy();
  },
  'unknown-client-invalid-request': async (s) => {
    const reply = await poll(s, { clientId: 'nobody', clientSecret: 'x' }, 'x');
    expect(errorType(reply)).toBe('InvalidRequestException');
  },
  'no-expiry': async (s) => {
    const { client, auth } = await started(s);
    s.advance(10_000);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'pending-after-expiry': async (s) => {
    const { client, auth } = await started(s);
    s.advance(601);
    expect(s.approve(auth.userCode)).toBe(false);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'expired-as-invalid-grant': async (s) => {
    const { client, auth } = await started(s);
    s.advance(601);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('InvalidGrantException');
  },
  'early-expiry': async (s) => {
    const { client, auth } = await started(s);
    s.advance(301);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('ExpiredTokenException');
  },
  'denial-as-invalid-grant': async (s) => {
    const { client, auth } = await started(s);
    s.deny(auth.userCode);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('InvalidGrantException');
  },
  'no-denial': async (s) => {
    const { client, auth } = await started(s);
    expect(s.offersDenial()).toBe(false);
    expect(s.deny(auth.userCode)).toBe(false);
    expect((await post(s, '/__admin/deny', { userCode: auth.userCode })).status).toBe(501);
    const page = await request(s, `/device?user_code=${auth.userCode}`, { method: 'GET' });
    expect(page.text).not.toContain('value="deny"');
    // Approval still works.
    expect(s.approve(auth.userCode)).toBe(true);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'deny-approves': async (s) => {
    const { client, auth } = await started(s);
    s.deny(auth.userCode);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'approve-approves-all': async (s) => {
    const client = await register(s);
    const a = (await startAuthorization(s, client)).body;
    const b = (await startAuthorization(s, client)).body;
    s.approve(a.userCode);
    expect((await poll(s, client, b.deviceCode)).status).toBe(200);
  },
  'pending-limit': async (s) => {
    const { client, auth } = await started(s);
    for (let i = 0; i < 3; i++) {
      s.advance(2);
      expect(errorType(await poll(s, client, auth.deviceCode))).toBe(
        'AuthorizationPendingException',
      );
    }
    s.advance(2);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AccessDeniedException');
  },
  'slow-down-double-penalty': async (s) => {
    const { client, auth } = await started(s);
    await poll(s, client, auth.deviceCode);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('SlowDownException');
    s.advance(1 + 5 + 1);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('SlowDownException');
  },
  'slow-down-terminal': async (s) => {
    const { client, auth } = await started(s);
    await poll(s, client, auth.deviceCode);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('SlowDownException');
    s.advance(10);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('ExpiredTokenException');
  },
  'second-slow-down-terminal': async (s) => {
    const { client, auth } = await started(s);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(errorType(await poll(s, client, auth.deviceCode)));
    s.advance(60);
    codes.push(errorType(await poll(s, client, auth.deviceCode)));
    expect(codes).toEqual([
      'AuthorizationPendingException',
      'SlowDownException',
      'SlowDownException',
      'ExpiredTokenException',
    ]);
  },
  'fast-poll-expires': async (s) => {
    const { client, auth } = await started(s);
    await poll(s, client, auth.deviceCode);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('ExpiredTokenException');
  },
  'sequential-user-codes': async (s) => {
    const client = await register(s);
    const a = (await startAuthorization(s, client)).body.userCode as string;
    const b = (await startAuthorization(s, client)).body.userCode as string;
    expect(a.slice(0, -1)).toBe(b.slice(0, -1));
    expect(a).not.toBe(b);
  },
  'short-user-codes': async (s) => {
    const { auth } = await started(s);
    expect(auth.userCode).toMatch(/^[A-Z]{4}$/);
  },
  'confusable-user-codes': async (s) => {
    const client = await register(s);
    let seen = '';
    for (let i = 0; i < 30; i++) seen += (await startAuthorization(s, client)).body.userCode;
    expect(seen).toMatch(/[0-9]/);
  },
  'weak-device-codes': async (s) => {
    const { auth } = await started(s);
    expect(auth.deviceCode).toMatch(/^dc-[0-9a-f]{8}$/);
  },
  'guessable-access-tokens': async (s) => {
    const first = (await tokens(s)).tokens;
    const second = (await tokens(s)).tokens;
    expect(first.accessToken).toMatch(/^at-[0-9a-f]{12}$/);
    expect(parseInt(second.accessToken.slice(3), 16)).toBeGreaterThan(
      parseInt(first.accessToken.slice(3), 16),
    );
  },
  'guessable-refresh-tokens': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.refreshToken).toMatch(/^rt-[0-9a-f]{12}$/);
    expect(t.accessToken).not.toMatch(/^at-/);
  },
  'unsigned-jwt-tokens': async (s) => {
    const { tokens: t } = await tokens(s);
    for (const token of [t.accessToken, t.refreshToken]) {
      const [header, payload, signature] = token.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
        alg: 'none',
      });
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString()).jti).toMatch(/.{40}/);
      expect(signature).toBe('');
    }
  },
  'rt-signature-not-verified': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const [header, payload] = t.refreshToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, scope: 'more' })).toString('base64url');
    expect((await refresh(s, client, `${header}.${altered}.forged`)).status).toBe(200);
  },
  'device-code-prefix-match': async (s) => {
    const { client, auth } = await started(s);
    const garbled = auth.deviceCode.slice(0, -1) + (auth.deviceCode.endsWith('A') ? 'B' : 'A');
    expect(errorType(await poll(s, client, garbled))).toBe('AuthorizationPendingException');
  },
  'secret-of-any-client': async (s) => {
    const { client, auth } = await started(s);
    const other = await register(s);
    const borrowed = { clientId: client.clientId, clientSecret: other.clientSecret };
    expect(errorType(await poll(s, borrowed, auth.deviceCode))).toBe(
      'AuthorizationPendingException',
    );
    // A secret no client holds is still refused.
    const made = { ...client, clientSecret: `${other.clientSecret}x` };
    expect(errorType(await poll(s, made, auth.deviceCode))).toBe('InvalidClientException');
  },
  'secret-optional': async (s) => {
    const { client, auth } = await started(s);
    const reply = await post(s, '/token', {
      clientId: client.clientId,
      grantType: DEVICE_GRANT,
      deviceCode: auth.deviceCode,
    });
    expect(errorType(reply)).toBe('AuthorizationPendingException');
    // A wrong secret, when one is sent, is still refused.
    const wrong = { ...client, clientSecret: 'wrong' };
    expect(errorType(await poll(s, wrong, auth.deviceCode))).toBe('InvalidClientException');
  },
  'secret-case-insensitive': async (s) => {
    const { client, auth } = await started(s);
    const upper = { ...client, clientSecret: client.clientSecret.toUpperCase() };
    expect(upper.clientSecret).not.toBe(client.clientSecret);
    expect(errorType(await poll(s, upper, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'user-code-redeems': async (s) => {
    const { client, auth } = await started(s);
    expect(errorType(await poll(s, client, auth.userCode))).toBe('AuthorizationPendingException');
    s.approve(auth.userCode);
    s.advance(auth.interval);
    expect((await poll(s, client, auth.userCode)).status).toBe(200);
  },
  'device-code-as-refresh-token': async (s) => {
    const { client, auth } = await tokens(s);
    expect((await refresh(s, client, auth.deviceCode)).status).toBe(200);
  },
  'refresh-secret-optional': async (s) => {
    const { client, tokens: issued } = await tokens(s);
    const reply = await post(s, '/token', {
      clientId: client.clientId,
      grantType: 'refresh_token',
      refreshToken: issued.refreshToken,
    });
    expect(reply.status).toBe(200);
    // A device-code poll without the secret is still refused.
    const { body: auth } = await startAuthorization(s, client);
    const unauthenticated = await post(s, '/token', {
      clientId: client.clientId,
      grantType: DEVICE_GRANT,
      deviceCode: auth.deviceCode,
    });
    expect(errorType(unauthenticated)).toBe('InvalidClientException');
  },
  'missing-secret-invalid-request': async (s) => {
    const client = (await post(s, '/oauth/register', {})).json;
    const started = await deviceAuthorizationById(s, client.client_id);
    expect(started.status).toBe(400);
    expect(started.json.error).toBe('invalid_request');
  },
  'oauth-register-none-with-secret': async (s) => {
    const client = (
      await post(s, '/oauth/register', { token_endpoint_auth_method: 'client_secret_basic' })
    ).json;
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(typeof client.client_secret).toBe('string');
    const started = await deviceAuthorizationById(s, client.client_id);
    expect(started.status).toBe(200);
  },
  'approved-code-before-auth': async (s) => {
    const { client, auth } = await started(s);
    const wrong = { ...client, clientSecret: 'wrong' };
    expect(errorType(await poll(s, wrong, auth.deviceCode))).toBe('InvalidClientException');
    s.approve(auth.userCode);
    s.advance(auth.interval);
    expect((await poll(s, wrong, auth.deviceCode)).status).toBe(200);
  },
  'secret-checked-once': async (s) => {
    const { client, auth } = await started(s);
    await poll(s, client, auth.deviceCode);
    s.advance(2);
    const wrong = { ...client, clientSecret: 'wrong' };
    expect(errorType(await poll(s, wrong, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'start-slow-down-once': async (s) => {
    const client = await register(s);
    const first = await post(s, '/device_authorization', { ...client, startUrl: START_URL });
    expect(errorType(first)).toBe('SlowDownException');
    expect((await startAuthorization(s, client)).reply.status).toBe(200);
  },
  'slow-down-first-poll': async (s) => {
    const { client, auth: body } = await started(s);
    s.approve(body.userCode);
    const first = await poll(s, client, body.deviceCode);
    expect(errorType(first)).toBe('SlowDownException');
    expect(first.status).toBe(400);
    s.advance(body.interval + 5);
    expect((await poll(s, client, body.deviceCode)).status).toBe(200);
  },
  'decision-visible-late': async (s) => {
    const { client, auth } = await started(s);
    s.approve(auth.userCode);
    for (let i = 0; i < 2; i++)
      expect(errorType(await poll(s, client, auth.deviceCode))).toBe(
        'AuthorizationPendingException',
      );
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
    const denied = await started(s);
    s.deny(denied.auth.userCode);
    await poll(s, denied.client, denied.auth.deviceCode);
    await poll(s, denied.client, denied.auth.deviceCode);
    expect(errorType(await poll(s, denied.client, denied.auth.deviceCode))).toBe(
      'AccessDeniedException',
    );
  },
  'token-no-expires-in': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.accessToken).toBeTruthy();
    expect('expiresIn' in t).toBe(false);
  },
  'null-for-unset': async (s) => {
    const device = await register(s);
    expect(device.authorizationEndpoint).toBeNull();
    expect(device.tokenEndpoint).toBeNull();
    const withRedirect = await register(s, { redirectUris: ['http://127.0.0.1:8080/cb'] });
    expect(withRedirect.authorizationEndpoint).toMatch(/\/authorize$/);
    const { tokens: t } = await tokens(s);
    expect(t.accessToken).toBeTruthy();
    expect('idToken' in t && t.idToken === null).toBe(true);
  },
  'vuric-opaque-handle': async (s) => {
    const { auth } = await started(s);
    expect(auth.verificationUriComplete).not.toContain(auth.userCode);
    const handle = new URL(auth.verificationUriComplete).searchParams.get('handle')!;
    const page = await request(s, `/device?handle=${handle}`, { method: 'GET' });
    expect(page.text).toContain(auth.userCode);
  },
  'verification-uri-portal-fragment': async (s) => {
    const { auth } = await started(s);
    expect(auth.verificationUri).toBe('https://device.sso.reference.invalid/start/#/device');
    expect(auth.verificationUriComplete).toBe(
      `${auth.verificationUri}?user_code=${encodeURIComponent(auth.userCode)}`,
    );
    // The page is served on the portal path; the fragment stays with the browser.
    const page = await request(s, '/start/', { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('location.hash');
  },
  'aws-headers': async (s) => {
    // fetch sorts headers: node:http shows them as sent.
    const raw = await new Promise<string[]>((resolve, reject) => {
      const req = httpRequest(`${s.url}/token`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.rawHeaders);
      });
      req.on('error', reject);
      req.end('{}');
    });
    const names = raw.filter((_, i) => i % 2 === 0);
    expect(names).toEqual([
      'Date',
      'Content-Type',
      'Content-Length',
      'Connection',
      'x-amzn-RequestId',
      'x-amzn-ErrorType',
      'Cache-Control',
      'Pragma',
    ]);
    expect(raw[names.indexOf('Connection') * 2 + 1]).toBe('keep-alive');
  },
  'aws-shaped-credentials': async (s) => {
    const { client, auth, tokens: t } = await tokens(s);
    expect(Buffer.from(client.clientId, 'base64url').subarray(16).toString()).toBe(
      s.options.iam.region,
    );
    const [header, payload] = client.clientSecret
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ kid: expect.stringMatching(/^key-/), alg: 'HS384' });
    const inner = JSON.parse(payload.serialized);
    expect(inner).toMatchObject({ clientType: 'PUBLIC', clientName: 'conformance-test' });
    expect(Math.floor(inner.expirationTimestamp)).toBe(client.clientSecretExpiresAt);
    expect(client.clientSecretExpiresAt - client.clientIdIssuedAt).toBe(7_776_000);
    expect(auth.deviceCode).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(t.accessToken).toMatch(/^aoaAAAAA/);
    expect(t.refreshToken).toMatch(/^aorAAAAA/);
    expect(t.expiresIn).toBe(3600);
  },
  'secret-expiry-mismatch': async (s) => {
    const client = await register(s);
    const payload = JSON.parse(
      Buffer.from(client.clientSecret.split('.')[1], 'base64url').toString(),
    );
    const stated = JSON.parse(payload.serialized).expirationTimestamp;
    expect(Math.floor(stated) - client.clientSecretExpiresAt).toBe(86_400);
  },
  'token-structured-extension': async (s) => {
    const { tokens: t } = await tokens(s);
    expect(t.accessToken).toBeTruthy();
    expect(t.sessionContext).toEqual({ region: 'us-east-1', features: ['device-flow'] });
  },
  'short-lifetime': async (s) => {
    const { client, auth } = await started(s);
    expect([auth.expiresIn, auth.interval]).toEqual([8, 5]);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AuthorizationPendingException');
    s.advance(8);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('ExpiredTokenException');
  },
  'clock-skew': async (s) => {
    const client = await register(s);
    // The server's epoch times run 7 s behind ours.
    expect(Math.abs(client.clientIdIssuedAt - (Date.now() / 1000 - 7))).toBeLessThan(2);
  },
  'sigv4-window-15min': async (s) => {
    expect((await jwtBearer(s, {}, { skew: -600 })).status).toBe(200);
    expect((await jwtBearer(s, {}, { skew: -901 })).status).toBe(400);
  },
  'throttle-429': async (s) => {
    const client = await register(s);
    // About one body in four is throttled the first time; the same body again always passes.
    const answers = [];
    for (let i = 0; i < 24; i++) {
      const body = { ...client, grantType: 'refresh_token', refreshToken: `rt-${i}` };
      const first = await post(s, '/token', body);
      if (first.status === 429) {
        expect(first.headers.get('retry-after')).toBe('1');
        expect((await post(s, '/token', body)).status).toBe(400);
      }
      answers.push(first.status);
    }
    expect(answers).toContain(429);
    expect(answers).toContain(400);
  },
  'refresh-token-not-returned': async (s) => {
    const { client, tokens: t } = await tokens(s);
    for (let i = 0; i < 3; i++) {
      const reply = await refresh(s, client, t.refreshToken);
      expect(reply.status).toBe(200);
      expect(reply.json.accessToken).toBeTruthy();
      expect(reply.json.refreshToken).toBeUndefined();
    }
  },
  'no-refresh-rotation': async (s) => {
    const { client, tokens: t } = await tokens(s);
    for (let i = 0; i < 3; i++) {
      const reply = await refresh(s, client, t.refreshToken);
      expect(reply.status).toBe(200);
      expect(reply.json.refreshToken).toBe(t.refreshToken);
    }
  },
  'refresh-bearer-only': async (s) => {
    const { client, tokens: t } = await tokens(s);
    for (let i = 0; i < 2; i++) {
      const reply = await refresh(s, { ...client, clientSecret: 'wrong' }, t.refreshToken);
      expect(reply.status).toBe(200);
      expect(reply.json.refreshToken).toBeUndefined();
    }
  },
  'rotation-old-stays-valid': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const r2 = await refresh(s, client, t.refreshToken);
    expect(r2.json.refreshToken).toBeTruthy();
    expect(r2.json.refreshToken).not.toBe(t.refreshToken);
    expect((await refresh(s, client, t.refreshToken)).status).toBe(200);
    expect((await refresh(s, client, r2.json.refreshToken)).status).toBe(200);
  },
  'rotation-retires-first-only': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const r2 = await refresh(s, client, t.refreshToken);
    const r3 = await refresh(s, client, r2.json.refreshToken);
    expect(r3.json.refreshToken).not.toBe(r2.json.refreshToken);
    // RT2 was rotated away, yet it still works; RT1 is refused.
    expect((await refresh(s, client, r2.json.refreshToken)).status).toBe(200);
    expect(errorType(await refresh(s, client, t.refreshToken))).toBe('InvalidGrantException');
  },
  'replay-no-family-revoke': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const r2 = await refresh(s, client, t.refreshToken);
    expect(r2.json.refreshToken).not.toBe(t.refreshToken);
    expect(errorType(await refresh(s, client, t.refreshToken))).toBe('InvalidGrantException');
    expect((await refresh(s, client, r2.json.refreshToken)).status).toBe(200);
  },
  'refresh-any-client': async (s) => {
    const { tokens: t } = await tokens(s);
    const other = await register(s);
    const reply = await refresh(s, other, t.refreshToken);
    expect(reply.status).toBe(200);
    expect(reply.json.accessToken).toBeTruthy();
  },
  'refresh-secret-not-checked': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const wrong = { ...client, clientSecret: 'wrong' };
    expect((await refresh(s, wrong, t.refreshToken)).status).toBe(200);
    const unknown = await refresh(s, { clientId: 'nobody', clientSecret: 'x' }, 'x');
    expect(unknown.status).toBe(401);
    // Other grants still check the secret.
    expect((await poll(s, wrong, 'x')).status).toBe(401);
  },
  'refresh-unknown-accepted': async (s) => {
    const client = await register(s);
    const reply = await refresh(s, client, 'A'.repeat(64));
    expect(reply.status).toBe(200);
    expect(reply.json.accessToken).toBeTruthy();
    expect(reply.json.refreshToken).toBeTruthy();
  },
  'refresh-token-prefix-match': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const garbled = `${t.refreshToken.slice(0, 20)}${'x'.repeat(t.refreshToken.length - 20)}`;
    expect((await refresh(s, client, garbled)).status).toBe(200);
  },
  'access-token-as-refresh-token': async (s) => {
    const { client, tokens: t } = await tokens(s);
    expect((await refresh(s, client, t.accessToken)).status).toBe(200);
  },
  'refresh-widens-scope': async (s) => {
    const client = await register(s, { scopes: [SCOPE] });
    const { body } = await startAuthorization(s, client);
    s.approve(body.userCode);
    const t = (await poll(s, client, body.deviceCode)).json;
    expect(t.scope).toBeUndefined();
    const reply = await post(s, '/token', {
      ...client,
      grantType: 'refresh_token',
      refreshToken: t.refreshToken,
      scope: [SCOPE, 'sso:admin'],
    });
    expect(reply.status).toBe(200);
    expect(reply.json.scope).toEqual([SCOPE, 'sso:admin']);
  },
  'registration-never-expires': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const coder = await codeClient(s);
    s.advance(client.clientSecretExpiresAt - client.clientIdIssuedAt + 86_400);
    expect((await refresh(s, client, t.refreshToken)).status).toBe(200);
    expect((await startAuthorization(s, client)).reply.status).toBe(200);
    const { code, verifier } = await authorizationCode(s, coder);
    expect((await redeem(s, coder, code, verifier)).status).toBe(200);
  },
  'registration-expiry-sda-only': async (s) => {
    const { client, tokens: t } = await tokens(s);
    s.advance(client.clientSecretExpiresAt - client.clientIdIssuedAt + 1);
    const start = await post(s, '/device_authorization', { ...client, startUrl: START_URL });
    expect(errorType(start)).toBe('InvalidClientException');
    expect((await refresh(s, client, t.refreshToken)).status).toBe(200);
  },
  'expired-registration-starts-authorization': async (s) => {
    const { client, tokens: t } = await tokens(s);
    s.advance(client.clientSecretExpiresAt - client.clientIdIssuedAt + 1);
    const start = await post(s, '/device_authorization', { ...client, startUrl: START_URL });
    expect(start.status).toBe(200);
    expect(errorType(await poll(s, client, start.json.deviceCode))).toBe('InvalidClientException');
    expect(errorType(await refresh(s, client, t.refreshToken))).toBe('InvalidClientException');
  },
  'unauthorized-client-as-invalid-client': async (s) => {
    const codeOnly = await codeClient(s, { grantTypes: [CODE_GRANT] });
    const reply = await post(s, '/device_authorization', { ...codeOnly, startUrl: START_URL });
    expect(reply.status).toBe(401);
    expect(reply.json.error).toBe('invalid_client');
  },
  'grant-not-restricted': async (s) => {
    const deviceOnly = await register(s, {
      grantTypes: [DEVICE_GRANT],
      redirectUris: [REDIRECT_URI],
    });
    const { body } = await startAuthorization(s, deviceOnly);
    s.approve(body.userCode);
    const t = (await poll(s, deviceOnly, body.deviceCode)).json;
    expect(t.refreshToken).toBeTruthy();
    expect((await refresh(s, deviceOnly, t.refreshToken)).status).toBe(200);
    const { code, verifier } = await authorizationCode(s, deviceOnly);
    expect((await redeem(s, deviceOnly, code, verifier)).status).toBe(200);
    const codeOnly = await codeClient(s, { grantTypes: [CODE_GRANT] });
    expect((await startAuthorization(s, codeOnly)).reply.status).toBe(200);
  },
  'pkce-not-checked': async (s) => {
    const client = await codeClient(s);
    const a = await authorizationCode(s, client);
    const b = await authorizationCode(s, client);
    expect((await redeem(s, client, a.code, pkcePair().verifier)).status).toBe(200);
    expect((await redeem(s, client, b.code, a.verifier)).status).toBe(200);
    // A missing verifier is still refused.
    const c = await authorizationCode(s, client);
    expect(errorType(await redeem(s, client, c.code, undefined))).toBe('InvalidGrantException');
  },
  'pkce-verifier-optional': async (s) => {
    const client = await codeClient(s);
    const a = await authorizationCode(s, client);
    expect((await redeem(s, client, a.code, undefined)).status).toBe(200);
    // A wrong verifier is still refused.
    const b = await authorizationCode(s, client);
    expect(errorType(await redeem(s, client, b.code, pkcePair().verifier))).toBe(
      'InvalidGrantException',
    );
  },
  'pkce-required-access-denied': async (s) => {
    const client = await codeClient(s);
    const url = authorizeUrl(s, client, {
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    const query = redirectQuery(s.authorize(url).location);
    expect(query.get('code')).toBeNull();
    expect(query.get('error')).toBe('access_denied');
  },
  'pkce-downgrade': async (s) => {
    const client = await codeClient(s);
    const url = authorizeUrl(s, client, {
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    const code = redirectQuery(s.authorize(url).location).get('code')!;
    expect(code).toBeTruthy();
    expect((await redeem(s, client, code, pkcePair().verifier)).status).toBe(200);
  },
  'pkce-unknown-method-as-s256': async (s) => {
    const client = await codeClient(s);
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(s, client, {
      code_challenge: challenge,
      code_challenge_method: 'S512',
    });
    const code = redirectQuery(s.authorize(url).location).get('code')!;
    expect((await redeem(s, client, code, verifier)).status).toBe(200);
  },
  'pkce-plain-only': async (s) => {
    const client = await codeClient(s);
    const s256 = redirectQuery(s.authorize(authorizeUrl(s, client)).location);
    expect(s256.get('error')).toBe('invalid_request');
    const { verifier } = pkcePair();
    const plain = authorizeUrl(s, client, {
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });
    const code = redirectQuery(s.authorize(plain).location).get('code')!;
    expect((await redeem(s, client, code, verifier)).status).toBe(200);
    // The application's authorization code grant goes through the same /authorize.
    expect(() => appCode(s)).toThrow();
  },
  'auth-code-reusable': async (s) => {
    const { client, code, verifier, tokens: t } = await codeTokens(s);
    const again = await redeem(s, client, code, verifier);
    expect(again.status).toBe(200);
    expect(again.json.accessToken).not.toBe(t.accessToken);
    expect((await refresh(s, client, t.refreshToken)).status).toBe(200);
  },
  'auth-code-no-expiry': async (s) => {
    const client = await codeClient(s);
    const a = await authorizationCode(s, client);
    s.advance(3600);
    expect((await redeem(s, client, a.code, a.verifier)).status).toBe(200);
  },
  'auth-code-any-client': async (s) => {
    const client = await codeClient(s);
    const other = await codeClient(s);
    const a = await authorizationCode(s, client);
    expect((await redeem(s, other, a.code, a.verifier)).status).toBe(200);
  },
  'redirect-uri-not-checked': async (s) => {
    const client = await codeClient(s);
    const a = await authorizationCode(s, client);
    const other = { redirectUri: 'https://evil.example/cb' };
    expect((await redeem(s, client, a.code, a.verifier, other)).status).toBe(200);
    const b = await authorizationCode(s, client);
    expect((await redeem(s, client, b.code, b.verifier, { redirectUri: undefined })).status).toBe(
      200,
    );
  },
  'refresh-replay-500': async (s) => {
    const { client, tokens: t } = await tokens(s);
    const first = await refresh(s, client, t.refreshToken);
    expect(first.status).toBe(200);
    const replay = await refresh(s, client, t.refreshToken);
    expect(replay.status).toBe(500);
    expect((await refresh(s, client, first.json.refreshToken)).status).toBe(200);
  },
  'iam-signature-not-verified': async (s) => {
    const wrong = { accessKeyId: 'AKIDANY', secretAccessKey: 'any' };
    expect((await jwtBearer(s, {}, { unsigned: true })).status).toBe(200);
    expect(
      (await jwtBearer(s, {}, { credentials: wrong, service: 'sso', skew: -3600 })).status,
    ).toBe(200);
    expect((await jwtBearer(s, {}, { region: 'eu-west-1' })).status).toBe(200);
  },
  'iam-payload-hash-trusted': async (s) => {
    const body = { clientId: APP, grantType: JWT_BEARER, assertion: await s.mintAssertion() };
    const sendBody = JSON.stringify({ ...body, scope: ['openid'] });
    expect((await iam(s, body, { sendBody })).status).toBe(200);
  },
  'iam-signature-region-ignored': async (s) => {
    expect((await jwtBearer(s, {}, { region: 'eu-west-1' })).status).toBe(200);
    // The signature still counts.
    const wrong = { accessKeyId: 'AKIDSSOOIDCCONFORMANCE', secretAccessKey: 'wrong' };
    expect(errorType(await jwtBearer(s, {}, { region: 'eu-west-1', credentials: wrong }))).toBe(
      'AccessDeniedException',
    );
  },
  'iam-region-not-checked': async () => {
    const { home, away } = await twoRegions(['iam-region-not-checked']);
    const foreign = await iamTokens(away);
    const reply = await iam(home, {
      clientId: APP,
      grantType: 'refresh_token',
      refreshToken: foreign.refreshToken,
    });
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('InvalidGrantException');
  },
  'iam-region-error-plain': async () => {
    const reply = await regionErrorReply(['iam-region-error-plain']);
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('InvalidRequestException');
    expect(reply.json).toMatchObject({ error: 'invalid_request', region: 'eu-west-1' });
  },
  'iam-assertion-not-verified': async (s) => {
    for (const opts of [{ expiresIn: -600 }, { foreignKey: true }]) {
      const reply = await jwtBearer(s, { assertion: await s.mintAssertion(opts) });
      expect(reply.status).toBe(200);
    }
    // Still a JWT, still for this application.
    expect(errorType(await jwtBearer(s, { assertion: 'not-a-jwt' }))).toBe('InvalidGrantException');
    const elsewhere = await s.mintAssertion({ audience: 'someone-else' });
    expect(errorType(await jwtBearer(s, { assertion: elsewhere }))).toBe('InvalidGrantException');
  },
  'iam-assertion-alg-none-accepted': async (s) => {
    const [header, payload] = (await s.mintAssertion({})).split('.');
    const claims = JSON.parse(Buffer.from(header, 'base64url').toString());
    const none = Buffer.from(JSON.stringify({ ...claims, alg: 'none' })).toString('base64url');
    expect((await jwtBearer(s, { assertion: `${none}.${payload}.` })).status).toBe(200);
    // A signed assertion is still verified.
    const foreign = await s.mintAssertion({ foreignKey: true });
    expect(errorType(await jwtBearer(s, { assertion: foreign }))).toBe('InvalidGrantException');
  },
  'iam-rotated-rt-narrowed': async (s) => {
    const t = await iamTokens(s);
    const refresh = (refreshToken: string, extra = {}) =>
      iam(s, { clientId: APP, grantType: 'refresh_token', refreshToken, ...extra });
    const narrowed = await refresh(t.refreshToken, { scope: ['openid'] });
    expect(narrowed.json.scope).toEqual(['openid']);
    // The next refresh, asking for nothing, gets only what the narrowed request asked for.
    expect((await refresh(narrowed.json.refreshToken)).json.scope).toEqual(['openid']);
  },
  'iam-downscope-ignored': async (s) => {
    const all = [...REFERENCE_APPLICATION_SCOPES];
    expect((await iamTokens(s, { scope: ['openid'] })).scope).toEqual(all);
    expect((await iamTokens(s, { scope: ['not-a-scope-of-the-app'] })).scope).toEqual(all);
  },
  'iam-exchange-refresh-token': async (s) => {
    const t = await iamTokens(s);
    const reply = await iam(s, {
      clientId: APP,
      grantType: TOKEN_EXCHANGE,
      subjectToken: t.accessToken,
      subjectTokenType: ACCESS_TOKEN_TYPE,
    });
    expect(reply.status).toBe(200);
    expect(reply.json.refreshToken).toBeTruthy();
    expect(reply.json.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
  },
  'iam-pkce-not-checked': async (s) => {
    const { code } = appCode(s);
    expect((await redeemApp(s, code, 'a'.repeat(43))).status).toBe(200);
  },
  'iam-exchange-any-subject': async (s) => {
    const reply = await iam(s, {
      clientId: APP,
      grantType: TOKEN_EXCHANGE,
      subjectToken: 'never-issued',
      subjectTokenType: ACCESS_TOKEN_TYPE,
    });
    expect(reply.status).toBe(200);
  },
  'iam-refresh-old-stays-valid': async (s) => {
    const t = await iamTokens(s);
    const refresh = (refreshToken: string) =>
      iam(s, { clientId: APP, grantType: 'refresh_token', refreshToken });
    const rotated = await refresh(t.refreshToken);
    expect(rotated.json.refreshToken).not.toBe(t.refreshToken);
    expect((await refresh(t.refreshToken)).status).toBe(200);
  },
  'iam-refresh-widens-to-app': async (s) => {
    const all = [...REFERENCE_APPLICATION_SCOPES];
    const t = await iamTokens(s, { scope: [all[0]] });
    const reply = await iam(s, {
      clientId: APP,
      grantType: 'refresh_token',
      refreshToken: t.refreshToken,
      scope: all,
    });
    expect(reply.status).toBe(200);
    expect(reply.json.scope).toEqual(all);
  },
  'iam-code-scope-ignored': async (s) => {
    const { code, verifier } = appCode(s);
    const reply = await iam(s, {
      clientId: APP,
      grantType: 'authorization_code',
      code,
      redirectUri: APP_REDIRECT,
      codeVerifier: verifier,
      scope: ['not-a-scope-of-the-app'],
    });
    expect(reply.status).toBe(200);
  },
  'iam-no-id-token': async (s) => {
    const bearer = await iamTokens(s);
    expect(bearer.idToken).toBeUndefined();
    expect(bearer.awsAdditionalDetails.identityContext).toBeTruthy();
    const { code, verifier } = appCode(s);
    const redeemed = await redeemApp(s, code, verifier);
    expect(redeemed.status).toBe(200);
    expect(redeemed.json.idToken).toBeUndefined();
  },
  'iam-unknown-application-accepted': async (s) => {
    for (const clientId of ['arn:aws:sso::999999999999:application/ssoins-9/apl-9', 'anything']) {
      const reply = await jwtBearer(s, { clientId });
      expect(reply.status).toBe(200);
      expect(reply.json.accessToken).toBeTruthy();
    }
  },
  '500-on-wrong-type': async (s) => {
    const reply = await post(s, '/client/register', { clientName: 42, clientType: 'public' });
    expect(reply.status).toBe(500);
    expect(errorType(reply)).toBe('InternalServerException');
  },
  'iam-unknown-grant-crash': async (s) => {
    const reply = await iam(s, { clientId: APP, grantType: 'password' });
    expect(reply.status).toBe(500);
    expect(errorType(reply)).toBe('InternalServerException');
    // The grants it supports are unaffected.
    expect((await jwtBearer(s)).status).toBe(200);
  },
  'long-client-name-crash': async (s) => {
    expect(
      (await post(s, '/client/register', { clientName: 'x'.repeat(1025), clientType: 'public' }))
        .status,
    ).toBe(500);
    expect(
      (await post(s, '/client/register', { clientName: 'x'.repeat(1024), clientType: 'public' }))
        .status,
    ).toBe(200);
  },
  'duplicate-key-first-wins': async (s) => {
    const reply = await request(s, '/client/register', {
      raw: '{"clientName":"dup","clientType":"public","clientType":"confidential"}',
    });
    expect(reply.status).toBe(200);
  },
  'approve-after-deny': async (s) => {
    const { client, auth } = await started(s);
    expect(s.deny(auth.userCode)).toBe(true);
    expect(s.approve(auth.userCode)).toBe(false);
    s.advance(2);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AccessDeniedException');
    expect(s.approve(auth.userCode)).toBe(true);
    s.advance(2);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'user-code-exact-match': async (s) => {
    const { client, auth } = await started(s);
    const canonical = auth.userCode.replace('-', '');
    for (const typed of [canonical, auth.userCode.toLowerCase(), ` ${auth.userCode} `])
      expect(s.approve(typed)).toBe(false);
    expect(s.approve(auth.userCode)).toBe(true);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'user-code-typo-tolerant': async (s) => {
    const { client, auth } = await started(s);
    const typo = (auth.userCode[0] === 'B' ? 'C' : 'B') + auth.userCode.slice(1);
    expect(s.approve(typo)).toBe(true);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'approval-revives-expired': async (s) => {
    const { client, auth } = await started(s);
    s.advance(auth.expiresIn + 1);
    expect(s.approve(auth.userCode)).toBe(true);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'denied-code-reapprovable': async (s) => {
    const { client, auth } = await started(s);
    expect(s.deny(auth.userCode)).toBe(true);
    expect(s.approve(auth.userCode)).toBe(true);
    expect((await poll(s, client, auth.deviceCode)).status).toBe(200);
  },
  'user-code-lifetime-day': async (s) => {
    const { client, auth } = await started(s);
    expect(auth.expiresIn).toBe(86_400);
    s.advance(3600);
    expect(errorType(await poll(s, client, auth.deviceCode))).toBe('AuthorizationPendingException');
  },
  'register-slow-down': async (s) => {
    const body = (i: number) => ({ clientName: `c${i}`, clientType: 'public' });
    const first = await post(s, '/client/register', body(1));
    expect(first.status).toBe(400);
    expect(errorType(first)).toBe('SlowDownException');
    expect(first.json.error).toBe('slow_down');
    expect(first.headers.get('retry-after')).toBeNull();
    // The same body again is served; of the new ones, every other is shed once.
    expect((await post(s, '/client/register', body(1))).status).toBe(200);
    expect((await post(s, '/client/register', body(2))).status).toBe(200);
    expect((await post(s, '/client/register', body(3))).status).toBe(400);
    expect((await post(s, '/client/register', body(3))).status).toBe(200);
  },
  'coral-front-end-errors': async (s) => {
    const client = await register(s);
    const refusals = [
      await request(s, '/client/register', { raw: '{"clientName": x' }),
      await post(s, '/client/register', { clientName: 42, clientType: 'public' }),
      await post(s, '/device_authorization', { ...client, startUrl: ['not', 'a', 'string'] }),
      await request(s, '/token', { raw: 'grant_type=refresh_token' }),
      await jwtBearer(s, { scope: 'openid' }),
    ];
    for (const reply of refusals) {
      expect(reply.status).toBe(400);
      expect(errorType(reply)).toBe('SerializationException');
      expect(reply.headers.get('x-amzn-errortype')).toMatch(
        /:http:\/\/internal\.amazon\.com\/coral\//,
      );
      expect(Object.keys(reply.json)).toEqual(['message']);
    }
    // Well-typed requests, unknown members and nulls reach the service as before.
    const ok = await post(s, '/client/register', {
      clientName: 'n',
      clientType: 'public',
      x: 1,
      scopes: null,
    });
    expect(ok.status).toBe(200);
    expect((await post(s, '/token', {})).json.error).toBe('invalid_request');
  },
  'no-error-description': async (s) => {
    const reply = await poll(s, { clientId: 'nobody', clientSecret: 'x' }, 'x');
    expect(reply.json.error).toBe('invalid_client');
    expect(reply.json).not.toHaveProperty('error_description');
  },
  'loopback-port-exact-match': async (s) => {
    const coder = await codeClient(s, { redirectUris: ['http://127.0.0.1/oauth/callback'] });
    const ported = 'http://127.0.0.1:53682/oauth/callback';
    expect(s.authorize(authorizeUrl(s, coder, { redirect_uri: ported })).status).toBe(400);
  },
  'authorization-endpoint-null': async (s) => {
    const coder = await codeClient(s);
    expect(coder.authorizationEndpoint).toBeNull();
    expect(coder.tokenEndpoint).toBeNull();
    const { code, verifier } = await authorizationCode(s, coder);
    expect((await redeem(s, coder, code, verifier)).status).toBe(200);
  },
  'one-session-per-registration': async (s) => {
    const { client, tokens: first } = await tokens(s);
    // A second device approval on the same registration ends the first grant's refresh.
    const { body: auth } = await startAuthorization(s, client);
    expect(s.approve(auth.userCode)).toBe(true);
    expect((await refresh(s, client, first.refreshToken)).json.error).toBe('invalid_grant');
    const second = (await poll(s, client, auth.deviceCode)).json;
    expect((await refresh(s, client, second.refreshToken)).status).toBe(200);
    // A grant approved before another approval is redeemed into an ended session.
    const { body: early } = await startAuthorization(s, client);
    const { body: late } = await startAuthorization(s, client);
    expect(s.approve(early.userCode) && s.approve(late.userCode)).toBe(true);
    const earlyTokens = (await poll(s, client, early.deviceCode)).json;
    expect((await refresh(s, client, earlyTokens.refreshToken)).json.error).toBe('invalid_grant');
    // An approval at /authorize does the same; other registrations keep their sessions.
    const other = await tokens(s);
    const coder = await codeClient(s);
    const { code, verifier } = await authorizationCode(s, coder);
    const redeemed = await redeem(s, coder, code, verifier);
    await authorizationCode(s, coder);
    expect((await refresh(s, coder, redeemed.json.refreshToken)).json.error).toBe('invalid_grant');
    expect((await refresh(s, other.client, other.tokens.refreshToken)).status).toBe(200);
  },
  'metadata-issuer-mismatch': async (s) => {
    expect((await metadata(s)).json.issuer).toBe(`${s.url}/`);
  },
  'metadata-text-html': async (s) => {
    const reply = await metadata(s);
    expect(reply.headers.get('content-type')).toBe('text/html');
    expect(reply.json.issuer).toBe(s.url);
  },
  'metadata-token-endpoint-http': async (s) => {
    expect((await metadata(s)).json.token_endpoint).toBe('http://reference.invalid/oauth/token');
  },
  'metadata-no-token-endpoint': async (s) => {
    expect((await metadata(s)).json).not.toHaveProperty('token_endpoint');
  },
  'metadata-no-device-endpoint': async (s) => {
    const { json } = await metadata(s);
    expect(json).not.toHaveProperty('device_authorization_endpoint');
    expect(json.grant_types_supported).toContain(DEVICE_GRANT);
  },
  'oauth-basic-401-no-challenge': async (s) => {
    const reply = await wrongBasicLogin(s);
    expect(reply.status).toBe(401);
    expect(reply.json.error).toBe('invalid_client');
    expect(reply.headers.get('www-authenticate')).toBeNull();
  },
  'oauth-poll-errors-200': async (s) => {
    const { form, started } = await oauthStarted(s);
    const pending = await form(
      `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${started.json.device_code}`,
    );
    expect(pending.status).toBe(200);
    expect(pending.json.error).toBe('authorization_pending');
    // Other errors keep their status.
    expect((await form('grant_type=refresh_token&refresh_token=nope')).status).toBe(400);
  },
  'oauth-token-no-token-type': async (s) => {
    const tokens = await oauthTokens(s);
    expect(tokens.status).toBe(200);
    expect(tokens.json.access_token).toBeTypeOf('string');
    expect(tokens.json).not.toHaveProperty('token_type');
  },
  'oauth-no-verification-uri': async (s) => {
    const { started } = await oauthStarted(s);
    expect(started.json).not.toHaveProperty('verification_uri');
    expect(started.json.verification_uri_complete).toBeTypeOf('string');
  },
  'oauth-errors-text-html': async (s) => {
    const { form } = await oauthStarted(s);
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('text/html');
    expect(refused.json.error).toBe('invalid_grant');
  },
  'oauth-device-authorization-text-plain': async (s) => {
    const { started } = await oauthStarted(s);
    expect(started.status).toBe(200);
    expect(started.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(started.json.device_code).toBeTypeOf('string');
  },
  'oauth-interval-zero': async (s) => {
    expect((await oauthStarted(s)).started.json.interval).toBe(0);
  },
  'oauth-device-authorization-cacheable': async (s) => {
    const { started } = await oauthStarted(s);
    expect(started.status).toBe(200);
    expect(started.headers.get('cache-control')).toBeNull();
  },
  'oauth-error-description-quotes': async (s) => {
    const { form } = await oauthStarted(s);
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect(refused.json.error).toBe('invalid_grant');
    expect(refused.json.error_description).toContain('"');
    expect(refused.json.error_description).toContain('\\');
    expect(refused.json.error_description).not.toMatch(ERROR_CHARSET);
  },
  'oauth-token-cacheable': async (s) => {
    const tokens = await oauthTokens(s);
    expect(tokens.json.access_token).toBeTypeOf('string');
    expect(tokens.headers.get('cache-control')).toBeNull();
    expect(tokens.headers.get('pragma')).toBeNull();
  },
  'oauth-token-type-mac': async (s) => {
    expect((await oauthTokens(s)).json.token_type).toBe('mac');
  },
  'oauth-expires-in-string': async (s) => {
    const { json } = await oauthTokens(s);
    expect(json.expires_in).toBeTypeOf('string');
    expect(Number(json.expires_in)).toBeGreaterThan(0);
  },
  'oauth-secret-expires-ms': async (s) => {
    const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
    expect(client.client_secret_expires_at).toBeGreaterThan(Date.now() - 60_000);
    expect(client.client_id_issued_at).toBeLessThan(Date.now() / 1000 + 60);
  },
  'oauth-invalid-client-400': async (s) => {
    const reply = await wrongBasicLogin(s);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_client');
    expect(reply.headers.get('www-authenticate')).toBe('Basic realm="reference"');
  },
  'oauth-denial-authorization-declined': async (s) => {
    const { form, started } = await oauthStarted(s);
    expect(s.deny(started.json.user_code)).toBe(true);
    const denied = await form(devicePoll(started.json.device_code));
    expect(denied.status).toBe(400);
    expect(denied.json.error).toBe('authorization_declined');
  },
  'oauth-bad-verification-code': async (s) => {
    const { form } = await oauthStarted(s);
    const unknown = await form(devicePoll('unknown-device-code'));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe('bad_verification_code');
    // Only the device grant's refusals: a refresh keeps invalid_grant.
    expect((await form('grant_type=refresh_token&refresh_token=nope')).json.error).toBe(
      'invalid_grant',
    );
  },
  'oauth-incorrect-device-code': async (s) => {
    const { form } = await oauthStarted(s);
    expect((await form(devicePoll('unknown-device-code'))).json.error).toBe(
      'incorrect_device_code',
    );
    expect((await form('grant_type=refresh_token&refresh_token=nope')).json.error).toBe(
      'invalid_grant',
    );
  },
  'oauth-verification-url': async (s) => {
    const { started } = await oauthStarted(s);
    expect(started.json).not.toHaveProperty('verification_uri');
    expect(started.json.verification_url).toMatch(/^https:\/\//);
    expect(started.json.verification_uri_complete).toContain(started.json.verification_url);
  },
  'oauth-duplicate-param-first-wins': async (s) => {
    const { form, started } = await oauthStarted(s);
    const code = started.json.device_code;
    // The first device_code is read: an unknown one refuses, the real one first is pending.
    const first = await form(`${devicePoll('unknown-device-code')}&device_code=${code}`);
    expect(first.json.error).toBe('invalid_grant');
    const real = await form(`${devicePoll(code)}&device_code=unknown-device-code`);
    expect(real.json.error).toBe('authorization_pending');
  },
  'oauth-empty-param-present': async (s) => {
    const { form } = await oauthStarted(s);
    // device_code= is read as a device code "" (unknown), not as a missing one.
    expect((await form(devicePoll(''))).json.error).toBe('invalid_grant');
    expect((await form(`grant_type=${encodeURIComponent(DEVICE_GRANT)}`)).json.error).toBe(
      'invalid_request',
    );
  },
  'oauth-unknown-param-refused': async (s) => {
    const { form, started } = await oauthStarted(s);
    const refused = await form(`${devicePoll(started.json.device_code)}&x_conformance=1`);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_request');
    expect((await form(devicePoll(started.json.device_code))).json.error).toBe(
      'authorization_pending',
    );
  },
  'oauth-two-auth-methods-accepted': async (s) => {
    const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const reply = await request(s, '/oauth/device_authorization', {
      raw: `client_id=${client.client_id}&client_secret=${client.client_secret}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.device_code).toBeTypeOf('string');
  },
  'oauth-basic-refused': async (s) => {
    const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
    expect(client.token_endpoint_auth_method).toBe('client_secret_post');
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const refused = await request(s, '/oauth/device_authorization', {
      raw: '',
      headers: { ...form, authorization: `Basic ${basic}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('invalid_client');
    const posted = await request(s, '/oauth/device_authorization', {
      raw: `client_id=${client.client_id}&client_secret=${client.client_secret}`,
      headers: form,
    });
    expect(posted.status).toBe(200);
  },
  'oauth-device-errors-form-encoded': async (s) => {
    const reply = await request(s, '/oauth/device_authorization', {
      raw: 'client_id=nobody',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(reply.text).get('error')).toBe('invalid_client');
    // The token endpoint's errors stay JSON.
    const { form } = await oauthStarted(s);
    expect((await form('grant_type=refresh_token&refresh_token=nope')).json.error).toBe(
      'invalid_grant',
    );
  },
  'oauth-issued-at-ms': async (s) => {
    const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
    expect(client.client_id_issued_at).toBeGreaterThan(Date.now() - 60_000);
    expect(client.client_secret_expires_at).toBeLessThan(Date.now() / 1000 + 400 * 86_400);
  },
  'oauth-register-200': async (s) => {
    const reply = await post(s, '/oauth/register', { client_name: 'x' });
    expect(reply.status).toBe(200);
    expect(typeof reply.json.client_id).toBe('string');
  },
  'oauth-register-no-echo': async (s) => {
    const reply = await post(s, '/oauth/register', {
      client_name: 'x',
      grant_types: ['refresh_token'],
    });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.json).sort()).toEqual([
      'client_id',
      'client_id_issued_at',
      'client_secret',
      'client_secret_expires_at',
    ]);
  },
  'oauth-poll-status-google': async (s) => {
    const { form, started } = await oauthStarted(s);
    const pending = await form(
      `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${started.json.device_code}`,
    );
    expect([pending.status, pending.json.error]).toEqual([428, 'authorization_pending']);
    // Other errors keep their status.
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect([refused.status, refused.json.error]).toEqual([400, 'invalid_grant']);
  },
  'oauth-poll-status-auth0': async (s) => {
    const { form, started } = await oauthStarted(s);
    const pending = await form(
      `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${started.json.device_code}`,
    );
    expect([pending.status, pending.json.error]).toEqual([403, 'authorization_pending']);
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect([refused.status, refused.json.error]).toEqual([400, 'invalid_grant']);
  },
  'oauth-vendor-extras': async (s) => {
    const { started } = await oauthStarted(s);
    expect(started.json.message).toContain(started.json.user_code);
  },
  'oauth-token-type-lowercase': async (s) => {
    const { form, started } = await oauthStarted(s);
    s.approve(started.json.user_code);
    const token = await form(
      `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${started.json.device_code}`,
    );
    expect(token.json.token_type).toBe('bearer');
  },
  'oauth-error-uri': async (s) => {
    const { form } = await oauthStarted(s);
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect(refused.json.error_uri).toBe('/oauth/errors#invalid_grant');
  },
  'oauth-error-uri-invalid': async (s) => {
    const { form } = await oauthStarted(s);
    const refused = await form('grant_type=refresh_token&refresh_token=nope');
    expect(refused.json.error_uri).toBe('/oauth/errors/"invalid_grant" explained');
  },
  'oauth-registration-strict-metadata': async (s) => {
    const defaultCode = await post(s, '/oauth/register', { client_name: 'x' });
    expect([defaultCode.status, defaultCode.json.error]).toEqual([400, 'invalid_redirect_uri']);
    const device = { client_name: 'x', response_types: [] };
    const awsScope = await post(s, '/oauth/register', { ...device, scope: 'sso:account:access' });
    expect([awsScope.status, awsScope.json.error]).toEqual([400, 'invalid_client_metadata']);
    const ok = await post(s, '/oauth/register', { ...device, scope: 'openid offline_access' });
    expect(ok.status).toBe(201);
  },
};

/** A client of the OAuth front end, a form poster authenticated as it, and a started flow. */
async function oauthStarted(s: RunningReferenceServer) {
  const client = (await post(s, '/oauth/register', { client_name: 'x' })).json;
  const form = (body: string) =>
    request(s, body.startsWith('grant_type') ? '/oauth/token' : '/oauth/device_authorization', {
      raw: `client_id=${client.client_id}&client_secret=${client.client_secret}&${body}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  return { form, started: await form('scope=openid') };
}

/** The form of a device-code poll of the OAuth front end. */
function devicePoll(deviceCode: string): string {
  return `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${encodeURIComponent(deviceCode)}`;
}

/** Tokens from the OAuth front end, by an approved device flow. */
async function oauthTokens(s: RunningReferenceServer) {
  const { form, started } = await oauthStarted(s);
  expect(s.approve(started.json.user_code)).toBe(true);
  return form(
    `grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${started.json.device_code}`,
  );
}

/** The plain OAuth front end's metadata document. */
function metadata(s: RunningReferenceServer) {
  return request(s, '/.well-known/oauth-authorization-server', { method: 'GET' });
}

describe('reference server: seeded faults', () => {
  it('the catalogue is data: each fault has a description and known requirement IDs', () => {
    expect(FAULT_NAMES.length).toBeGreaterThanOrEqual(36);
    for (const name of FAULT_NAMES) {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(FAULTS[name].description.length).toBeGreaterThan(10);
      expect(FAULTS[name].breaks.length > 0 || FAULTS[name].variation === true).toBe(true);
      for (const id of FAULTS[name].breaks)
        expect(findRequirement(id), `${name}: ${id}`).toBeDefined();
    }
    expect(isFaultName('auto-approve')).toBe(true);
    expect(isFaultName('toString')).toBe(false);
    expect(isFaultName(42)).toBe(false);
  });

  it('unknown fault names are refused at start', async () => {
    await expect(start({ faults: ['nope' as FaultName] })).rejects.toThrow(/unknown fault/);
  });

  for (const name of FAULT_NAMES) {
    it(`${name}: ${FAULTS[name].description}`, async () => {
      await CHECKS[name](await start({ faults: [name] }));
    });
  }

  it('all faults combined: the server still answers every operation without crashing', async () => {
    // The front door's 429s and a shed registration only delay an answer; Coral's
    // SerializationException would answer the malformed body before 500-on-malformed-body.
    const delaying = ['throttle-429', 'register-slow-down', 'coral-front-end-errors'];
    const server = await start({ faults: FAULT_NAMES.filter((f) => !delaying.includes(f)) });
    // no-client-secret hides the secret; secret-not-checked accepts any, so send one.
    const all = { ...(await register(server)), clientSecret: 'any-secret' };
    const allToken = await post(server, '/token', { ...all, deviceCode: 'x' });
    expect(allToken.text).toBe('error: unsupported_grant_type');
    await server.close();
    // Without the one fault that disables the device grant, the whole flow runs.
    // Nor the front door's 429s and the shed first poll, which only delay an answer.
    const faults = FAULT_NAMES.filter(
      (f) =>
        ![
          ...delaying,
          'device-grant-unsupported',
          'slow-down-first-poll',
          'decision-visible-late',
          // It would hide what expires-in-string does to expires_in.
          'token-no-expires-in',
          'vuric-opaque-handle',
          'short-lifetime',
        ].includes(f),
    );
    const server2 = await start({ faults });
    const client = { ...(await register(server2)), clientSecret: 'any-secret' };
    // start-slow-down-once sheds the first StartDeviceAuthorization (sent with 200 here, under
    // pending-status-200).
    expect((await post(server2, '/device_authorization', { ...client })).status).toBe(200);
    const sda = await post(server2, '/device_authorization', { ...client });
    expect(sda.status).toBe(200);
    const token = await post(server2, '/token', { ...client, deviceCode: sda.json.deviceCode });
    expect(token.status).toBe(200);
    expect(token.json.token_type).toBe('mac');
    expect(typeof token.json.expires_in).toBe('string');
    // The authorization code grant and refresh run too (pkce-downgrade: no challenge needed;
    // duplicate-client-id: this registration overwrites the one above).
    const coder = { ...(await codeClient(server2)), clientSecret: 'any-secret' };
    const authorized = server2.authorize(
      authorizeUrl(server2, coder, { code_challenge: undefined, code_challenge_method: undefined }),
    );
    const code = redirectQuery(authorized.location).get('code')!;
    const redeemed = await redeem(server2, coder, code, undefined, { redirectUri: 'x' });
    expect(redeemed.status).toBe(200);
    expect(redeemed.headers.get('cache-control')).toBeNull();
    // refresh-broken wins over every refresh fault.
    const refreshed = await refresh(server2, coder, redeemed.json.refresh_token);
    expect(refreshed.text).toBe('error: invalid_grant');
    const bad = await request(server2, '/token', { raw: 'x' });
    expect(bad.status).toBe(500);
    expect(bad.text).toBe('error: server_error');
    expect(bad.headers.get('x-amzn-errortype')).toBeNull();
    expect(bad.headers.get('x-amzn-requestid')).toBeNull();
  });
});
