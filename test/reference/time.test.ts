import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../reference/clock.ts';
import { errorType, poll, post, refresh, register, start, started, tokens } from './helpers.ts';

describe('reference server: virtual time', () => {
  it('a device code expires exactly at expiresIn', async () => {
    const server = await start({ expiresIn: 30 });
    const { client, auth } = await started(server);
    expect(auth.expiresIn).toBe(30);
    server.advance(29.999);
    expect(errorType(await poll(server, client, auth.deviceCode))).toBe(
      'AuthorizationPendingException',
    );
    server.advance(0.001);
    const expired = await poll(server, client, auth.deviceCode);
    expect(expired.status).toBe(400);
    expect(errorType(expired)).toBe('ExpiredTokenException');
    expect(expired.json.error).toBe('expired_token');
  });

  it('an expired user code cannot be approved or denied, and never yields a token', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    server.advance(600);
    expect(server.approve(auth.userCode)).toBe(false);
    expect(server.deny(auth.userCode)).toBe(false);
    expect(errorType(await poll(server, client, auth.deviceCode))).toBe('ExpiredTokenException');
  });

  it('an approved but unredeemed code still expires', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    server.approve(auth.userCode);
    server.advance(600);
    expect(errorType(await poll(server, client, auth.deviceCode))).toBe('ExpiredTokenException');
  });

  it('a code approved at 90 % of its lifetime is redeemable', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    server.advance(540);
    expect(server.approve(auth.userCode)).toBe(true);
    expect((await poll(server, client, auth.deviceCode)).status).toBe(200);
  });

  it('a registration past clientSecretExpiresAt no longer authenticates (401)', async () => {
    const server = await start({ clientSecretLifetime: 100 });
    const { client, tokens: t } = await tokens(server);
    expect(client.clientSecretExpiresAt - client.clientIdIssuedAt).toBe(100);
    server.advance(100);
    const r = await refresh(server, client, t.refreshToken);
    expect(r.status).toBe(401);
    expect(errorType(r)).toBe('InvalidClientException');
    const sda = await post(server, '/device_authorization', {
      ...client,
      startUrl: 'https://x/start',
    });
    expect(sda.status).toBe(401);
  });

  it('issued-at and expiry timestamps follow the virtual clock', async () => {
    const server = await start();
    const before = await register(server);
    server.advance(3600);
    const after = await register(server);
    expect(after.clientIdIssuedAt - before.clientIdIssuedAt).toBe(3600);
  });

  it('advance() throws and /__admin/advance answers 409 on the real clock', async () => {
    const server = await start({ virtualClock: false });
    expect(() => server.advance(1)).toThrow();
    const reply = await post(server, '/__admin/advance', { seconds: 1 });
    expect(reply.status).toBe(409);
    const { client, auth } = await started(server);
    expect(errorType(await poll(server, client, auth.deviceCode))).toBe(
      'AuthorizationPendingException',
    );
  });

  it('VirtualClock stands still until advanced', () => {
    const clock = new VirtualClock(1_000_000);
    expect(clock.nowMs()).toBe(1_000_000);
    clock.advance(1.5);
    expect(clock.nowMs()).toBe(1_001_500);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('reference server: slow_down', () => {
  it('off by default: back-to-back polls stay pending', async () => {
    const server = await start();
    const { client, auth } = await started(server);
    for (let i = 0; i < 3; i++) {
      expect(errorType(await poll(server, client, auth.deviceCode))).toBe(
        'AuthorizationPendingException',
      );
    }
  });

  it('strict: too-fast polls get slow_down and the interval grows by 5 s, cumulatively', async () => {
    const server = await start({ slowDown: 'strict', interval: 1 });
    const { client, auth } = await started(server);
    const pollType = async () => errorType(await poll(server, client, auth.deviceCode));

    expect(await pollType()).toBe('AuthorizationPendingException'); // first poll: no previous
    server.advance(0.5);
    const slow = await poll(server, client, auth.deviceCode);
    expect(slow.status).toBe(400);
    expect(errorType(slow)).toBe('SlowDownException');
    expect(slow.json.error).toBe('slow_down');
    // Interval is now 6 s: 5.9 s is still too fast, and makes it 11 s.
    server.advance(5.9);
    expect(await pollType()).toBe('SlowDownException');
    server.advance(10.9);
    expect(await pollType()).toBe('SlowDownException'); // interval now 16
    server.advance(16);
    expect(await pollType()).toBe('AuthorizationPendingException');
    server.advance(16);
    expect(await pollType()).toBe('AuthorizationPendingException');
    // slow_down is not terminal: approval still works.
    server.approve(auth.userCode);
    server.advance(16);
    expect((await poll(server, client, auth.deviceCode)).status).toBe(200);
  });

  it('strict: a client that complies with interval is never slowed down', async () => {
    const server = await start({ slowDown: 'strict', interval: 5 });
    const { client, auth } = await started(server);
    for (let i = 0; i < 4; i++) {
      expect(errorType(await poll(server, client, auth.deviceCode))).toBe(
        'AuthorizationPendingException',
      );
      server.advance(5);
    }
  });

  it('strict: each device code has its own interval', async () => {
    const server = await start({ slowDown: 'strict' });
    const a = await started(server);
    const b = await started(server);
    await poll(server, a.client, a.auth.deviceCode);
    expect(errorType(await poll(server, a.client, a.auth.deviceCode))).toBe('SlowDownException');
    expect(errorType(await poll(server, b.client, b.auth.deviceCode))).toBe(
      'AuthorizationPendingException',
    );
  });
});
