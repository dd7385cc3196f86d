import { describe, expect, it } from 'vitest';
import {
  DEVICE_GRANT,
  START_URL,
  errorType,
  poll,
  post,
  refresh,
  register,
  start,
  startAuthorization,
  started,
  tokens,
} from './helpers.ts';

describe('reference server: conformant flows', () => {
  it('registers a public client with epoch-second timestamps and endpoints', async () => {
    const server = await start();
    const reply = await post(server, '/client/register', {
      clientName: 'n',
      clientType: 'public',
      scopes: ['sso:account:access'],
      redirectUris: ['http://127.0.0.1:8080/oauth/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      issuerUrl: 'https://identitycenter.amazonaws.com/ssoins-1',
      unknownMember: { ignored: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    const body = reply.json;
    expect(Object.keys(body).sort()).toEqual([
      'authorizationEndpoint',
      'clientId',
      'clientIdIssuedAt',
      'clientSecret',
      'clientSecretExpiresAt',
      'tokenEndpoint',
    ]);
    const nowSec = Math.floor(Date.now() / 1000);
    expect(Math.abs(body.clientIdIssuedAt - nowSec)).toBeLessThan(5);
    expect(body.clientSecretExpiresAt - body.clientIdIssuedAt).toBe(90 * 24 * 3600);
    expect(body.authorizationEndpoint).toBe(`${server.url}/authorize`);
    expect(body.tokenEndpoint).toBe(`${server.url}/token`);
    const other = await register(server);
    expect(other.clientId).not.toBe(body.clientId);
    expect(other.clientSecret).not.toBe(body.clientSecret);
  });

  it('starts a device authorization with all six members', async () => {
    const server = await start();
    const client = await register(server);
    const { reply, body } = await startAuthorization(server, client);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(body).sort()).toEqual([
      'deviceCode',
      'expiresIn',
      'interval',
      'userCode',
      'verificationUri',
      'verificationUriComplete',
    ]);
    expect(body.deviceCode).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(body.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(body.verificationUri).toBe('https://device.sso.reference.invalid/');
    expect(body.verificationUriComplete).toBe(`${body.verificationUri}?user_code=${body.userCode}`);
    expect(body.expiresIn).toBe(600);
    expect(body.interval).toBe(1);
    const again = await startAuthorization(server, client);
    expect(again.body.deviceCode).not.toBe(body.deviceCode);
    expect(again.body.userCode).not.toBe(body.userCode);
  });

  it('runs pending -> approve -> token -> refresh -> rotation -> replay revokes the family', async () => {
    const server = await start();
    const { client, auth } = await started(server);

    const pending = await poll(server, client, auth.deviceCode);
    expect(pending.status).toBe(400);
    expect(errorType(pending)).toBe('AuthorizationPendingException');
    expect(pending.headers.get('x-amzn-errortype')).toBe(
      'AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/',
    );
    expect(pending.json).toEqual({
      error: 'authorization_pending',
      error_description: 'Authorization is still pending',
    });

    expect(server.approve(auth.userCode)).toBe(true);
    // Approving again is idempotent; denying an approved code is refused.
    expect(server.approve(auth.userCode)).toBe(true);
    expect(server.deny(auth.userCode)).toBe(false);

    const token = await poll(server, client, auth.deviceCode);
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(token.headers.get('pragma')).toBe('no-cache');
    expect(token.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(token.json).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'refreshToken',
      'tokenType',
    ]);
    expect(token.json.tokenType).toBe('Bearer');
    expect(token.json.expiresIn).toBe(3600);

    const reused = await poll(server, client, auth.deviceCode);
    expect(errorType(reused)).toBe('InvalidGrantException');

    const rt1 = token.json.refreshToken;
    const r2 = await refresh(server, client, rt1);
    expect(r2.status).toBe(200);
    expect(r2.json.accessToken).not.toBe(token.json.accessToken);
    expect(r2.json.refreshToken).not.toBe(rt1);
    const rt2 = r2.json.refreshToken;

    const r3 = await refresh(server, client, rt2);
    expect(r3.status).toBe(200);
    const rt3 = r3.json.refreshToken;

    // rt1 is retired: replaying it is refused and kills the active rt3 too.
    const replay = await refresh(server, client, rt1);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    const afterReplay = await refresh(server, client, rt3);
    expect(afterReplay.json.error).toBe('invalid_grant');
  });

  it('refuses a retired refresh token, and the replay revokes the active one', async () => {
    const server = await start();
    const { client, tokens: t } = await tokens(server);
    const r2 = await refresh(server, client, t.refreshToken);
    const old = await refresh(server, client, t.refreshToken);
    expect(errorType(old)).toBe('InvalidGrantException');
    const active = await refresh(server, client, r2.json.refreshToken);
    expect(errorType(active)).toBe('InvalidGrantException');
  });

  it('keeps token families apart: revoking one leaves another grant working', async () => {
    const server = await start();
    const a = await tokens(server);
    const b = await tokens(server);
    await refresh(server, a.client, a.tokens.refreshToken);
    await refresh(server, a.client, a.tokens.refreshToken); // replay: family A revoked
    const ok = await refresh(server, b.client, b.tokens.refreshToken);
    expect(ok.status).toBe(200);
  });

  it('denial gives AccessDeniedException (400)', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    expect(server.deny(auth.userCode)).toBe(true);
    expect(server.approve(auth.userCode)).toBe(false);
    const reply = await poll(server, client, auth.deviceCode);
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('AccessDeniedException');
    expect(reply.json.error).toBe('access_denied');
  });

  it('normalises user codes on approval (case, dash, spaces)', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    const messy = ` ${auth.userCode.toLowerCase().replace('-', ' ')} `;
    expect(server.approve(messy)).toBe(true);
    expect((await poll(server, client, auth.deviceCode)).status).toBe(200);
    expect(server.approve('BCDF-GHJK')).toBe(false);
  });

  it('refuses a device code issued to another client, before and after approval', async () => {
    const server = await start();
    const { auth } = await started(server);
    const other = await register(server);
    const before = await poll(server, other, auth.deviceCode);
    expect(errorType(before)).toBe('InvalidGrantException');
    server.approve(auth.userCode);
    const after = await poll(server, other, auth.deviceCode);
    expect(errorType(after)).toBe('InvalidGrantException');
  });

  it('refuses a refresh token presented by another client', async () => {
    const server = await start();
    const { tokens: t } = await tokens(server);
    const other = await register(server);
    const reply = await refresh(server, other, t.refreshToken);
    expect(errorType(reply)).toBe('InvalidGrantException');
  });

  it('unknown device code is InvalidGrantException, unknown refresh token too', async () => {
    const server = await start();
    const client = await register(server);
    expect(errorType(await poll(server, client, 'x'.repeat(43)))).toBe('InvalidGrantException');
    expect(errorType(await refresh(server, client, 'nope'))).toBe('InvalidGrantException');
  });

  it('a client without the refresh grant gets no refresh token and cannot refresh', async () => {
    const server = await start();
    const client = await register(server, { grantTypes: [DEVICE_GRANT] });
    const { body } = await startAuthorization(server, client);
    server.approve(body.userCode);
    const token = await poll(server, client, body.deviceCode);
    expect(token.status).toBe(200);
    expect(token.json.refreshToken).toBeUndefined();
    const reply = await refresh(server, client, 'whatever');
    expect(errorType(reply)).toBe('UnauthorizedClientException');
  });

  it('a client without the device grant gets UnauthorizedClientException', async () => {
    const server = await start();
    const client = await register(server, { grantTypes: ['authorization_code'] });
    const sda = await post(server, '/device_authorization', { ...client, startUrl: START_URL });
    expect(errorType(sda)).toBe('UnauthorizedClientException');
    expect(sda.status).toBe(400);
    const ct = await poll(server, client, 'x'.repeat(43));
    expect(errorType(ct)).toBe('UnauthorizedClientException');
  });

  it('wrong secret and unknown client give InvalidClientException (401)', async () => {
    const server = await start();
    const client = await register(server);
    const bad = { clientId: client.clientId, clientSecret: 'wrong' };
    const sda = await post(server, '/device_authorization', { ...bad, startUrl: START_URL });
    expect(sda.status).toBe(401);
    expect(errorType(sda)).toBe('InvalidClientException');
    expect(sda.json.error).toBe('invalid_client');
    const ct = await poll(server, bad, 'x');
    expect(ct.status).toBe(401);
    const unknown = await poll(server, { clientId: 'nobody', clientSecret: 's' }, 'x');
    expect(unknown.status).toBe(401);
  });

  it('grant types: unknown and hyphen spelling are UnsupportedGrantTypeException; scope is ignored', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    for (const grantType of [
      'urn:example:nope',
      'urn:ietf:params:oauth:grant-type:device-code',
      'password',
      'AUTHORIZATION_CODE',
    ]) {
      const reply = await post(server, '/token', { ...client, grantType, deviceCode: 'x' });
      expect(reply.status).toBe(400);
      expect(errorType(reply)).toBe('UnsupportedGrantTypeException');
      expect(reply.json.error).toBe('unsupported_grant_type');
    }
    const withScope = await post(server, '/token', {
      ...client,
      grantType: DEVICE_GRANT,
      deviceCode: auth.deviceCode,
      scope: ['anything:at-all'],
    });
    expect(errorType(withScope)).toBe('AuthorizationPendingException');
  });

  it('CreateTokenWithIAM is routed (/token?aws_iam=t): unsigned, it is AccessDenied', async () => {
    const server = await start();
    const reply = await post(server, '/token?aws_iam=t', { clientId: 'arn', grantType: 'x' });
    expect(reply.status).toBe(400);
    expect(errorType(reply)).toBe('AccessDeniedException');
    expect(reply.json.error).toBe('access_denied');
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });
});
