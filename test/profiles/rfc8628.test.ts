import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeLog } from '../../harness/http/exchange.ts';
import { Redactor } from '../../harness/http/redact.ts';
import { discoverMetadata, endpointsOf } from '../../harness/oauth/discovery.ts';
import { validateOauth } from '../../harness/oauth/schemas.ts';
import { DEVICE_CODE_GRANT } from '../../harness/profiles/profile.ts';
import { Rfc8628Profile, type ClientAuthMethod } from '../../harness/profiles/rfc8628.ts';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import type { FaultName } from '../../reference/faults.ts';
import type { ThrottlePolicy } from '../../harness/profiles/throttle.ts';

// The plain RFC 8628 profile against the reference server's OAuth front end: the same
// abstract operations as the AWS profile, normalised from the form/snake_case wire.

const servers: RunningReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function profileFor(clientAuth: ClientAuthMethod, faults: FaultName[] = []) {
  const server = await startReferenceServer({ faults });
  servers.push(server);
  const http = {
    recorder: new ExchangeLog(),
    redactor: new Redactor(),
    limits: { timeoutMs: 5000 },
  };
  const discovery = await discoverMetadata(server.url, http);
  const endpoints = endpointsOf(discovery.found?.document, {});
  return { server, profile: new Rfc8628Profile(endpoints, clientAuth, http) };
}

describe('the rfc8628 profile', () => {
  for (const clientAuth of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`runs the device flow and a refresh with ${clientAuth}`, async () => {
      const { server, profile } = await profileFor(clientAuth);
      expect(profile.registration).toBeDefined();
      const registered = await profile.registerClient({ clientName: 'rfc8628 profile test' });
      expect(registered.status).toBe(201);
      expect(registered.schemaErrors).toEqual([]);
      const client = registered.value!;
      expect(client.clientSecret).toBeTypeOf('string');

      const started = await profile.startDeviceAuthorization({ client, scope: ['openid'] });
      expect(started.schemaErrors).toEqual([]);
      expect(started.value).toMatchObject({ expiresIn: 600, interval: 1 });
      expect(started.sent).toHaveProperty('verificationUriComplete');

      const pending = await profile.createToken({
        client,
        grantType: DEVICE_CODE_GRANT,
        deviceCode: started.value!.deviceCode,
      });
      expect(pending.kind).toBe('error');
      expect(pending.error).toMatchObject({ code: 'authorization_pending' });
      expect(pending.error?.typeCarrier).toBeUndefined();

      server.approve(started.value!.userCode);
      const tokens = await profile.createToken({
        client,
        grantType: DEVICE_CODE_GRANT,
        deviceCode: started.value!.deviceCode,
      });
      expect(tokens.schemaErrors).toEqual([]);
      expect(tokens.value).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });

      const refreshed = await profile.createToken({
        client,
        grantType: 'refresh_token',
        refreshToken: tokens.value!.refreshToken,
      });
      expect(refreshed.kind).toBe('ok');
      expect(refreshed.value!.accessToken).not.toBe(tokens.value!.accessToken);
    });
  }

  it('normalises an RFC 6749 §5.2 error: a wrong secret is invalid_client', async () => {
    const { profile } = await profileFor('client_secret_basic');
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    const refused = await profile.startDeviceAuthorization({
      client: { ...client, clientSecret: 'not-the-secret' },
    });
    expect(refused.status).toBe(401);
    expect(refused.error).toMatchObject({
      code: 'invalid_client',
      sent: { code: 'invalid_client' },
    });
    expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
    expect(refused.schemaErrors).toEqual([]);
  });

  it('a refresh without refresh_token is an invalid_request, normalised', async () => {
    const { profile } = await profileFor('client_secret_post');
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    const answer = await profile.createToken({ client, grantType: 'refresh_token' });
    expect(answer.kind).toBe('error');
    expect(answer.error?.code).toBe('invalid_request');
  });

  it('names the rule a body breaks, never its data (RFC 8628 §3.2 schema)', () => {
    const errors = validateOauth('deviceAuthorization', {
      device_code: 'secret-device-code',
      user_code: 'ABCD-EFGH',
      expires_in: '600',
    });
    expect(errors).toEqual([
      "(body) must have required property 'verification_uri'",
      '/expires_in must be integer',
    ]);
    expect(errors.join()).not.toContain('secret-device-code');
  });
});

describe('CL-18 on a device-code poll: a polling error sent with 429 is for the poller', () => {
  it("hands slow_down with 429 (Auth0's reported status, AMB-1) to the caller, not to the throttle retries", async () => {
    const { profile } = await profileFor('client_secret_basic', [
      'oauth-poll-status-auth0',
      'slow-down-first-poll',
    ]);
    const retried: string[] = [];
    profile.throttle = {
      sleep: async () => {},
      retrying: (op) => void retried.push(op),
      giveUp: () => {
        throw new Error('gave up');
      },
    } satisfies ThrottlePolicy;
    const client = (await profile.registerClient({ clientName: 'auth0 statuses' })).value!;
    const started = await profile.startDeviceAuthorization({ client });
    const poll = await profile.createToken({
      client,
      grantType: DEVICE_CODE_GRANT,
      deviceCode: started.value!.deviceCode,
    });
    expect([poll.status, poll.error?.code]).toEqual([429, 'slow_down']);
    expect(retried).toEqual([]);
  });
});
