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
import { describeOutcome } from '../../harness/api/describe.ts';

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
  return { server, log: http.recorder, profile: new Rfc8628Profile(endpoints, clientAuth, http) };
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

  it('authenticates a client as the server registered it (RFC 7591 §3.2.1)', async () => {
    // The reference registers client_secret_basic where none is asked for.
    const { profile, log } = await profileFor('none');
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    expect(client.authMethod).toBe('client_secret_basic');
    expect(profile.sendsSecret(client)).toBe(true);
    const started = await profile.startDeviceAuthorization({ client });
    expect(started.kind).toBe('ok');
    const sent = log.exchanges.at(-1)!.request;
    expect(sent.headers.authorization).toMatch(/^Basic /);
    // Registered none, with a secret all the same: the client sends none, so it has no secret
    // a wrong-secret test could get wrong.
    expect(profile.sendsSecret({ ...client, authMethod: 'none' })).toBe(false);
    // Registered client_secret_post under a run of client_secret_basic: the secret in the body.
    const { profile: basic, log: basicLog } = await profileFor('client_secret_basic');
    const other = (await basic.registerClient({ clientName: 'y' })).value!;
    await basic.startDeviceAuthorization({
      client: { ...other, authMethod: 'client_secret_post' },
    });
    const post = basicLog.exchanges.at(-1)!.request;
    expect(post.headers.authorization).toBeUndefined();
    expect(post.body).toMatch(/client_secret=/);
  });

  it('a secret issued with no method said is sent with RFC 7591 §2 default, Basic', async () => {
    // oauth-register-no-echo: the registration returns no metadata, token_endpoint_auth_method
    // included, though the server registered client_secret_basic where none was asked for.
    const { profile, log } = await profileFor('none', ['oauth-register-no-echo']);
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    expect(client.authMethod).toBe('client_secret_basic');
    expect((await profile.startDeviceAuthorization({ client })).kind).toBe('ok');
    expect(log.exchanges.at(-1)!.request.headers.authorization).toMatch(/^Basic /);
  });

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

  it('names members as the wire does (expires_in), whatever the operation', async () => {
    const { profile } = await profileFor('client_secret_basic');
    expect(profile.wireName('expiresIn')).toBe('expires_in');
    expect(profile.wireName('verificationUriComplete')).toBe('verification_uri_complete');
    expect(profile.wireName('clientSecretExpiresAt')).toBe('client_secret_expires_at');
    expect(profile.wireName('accessToken')).toBe('access_token');
    expect(profile.wireName('notAMember')).toBe('notAMember');
  });

  /** A registered client, a started flow, and a device-code poll of it. */
  async function started(faults: FaultName[]) {
    const { server, profile } = await profileFor('client_secret_basic', faults);
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    const auth = (await profile.startDeviceAuthorization({ client })).value!;
    const poll = (deviceCode = auth.deviceCode) =>
      profile.createToken({ client, grantType: DEVICE_CODE_GRANT, deviceCode });
    return { server, profile, client, auth, poll };
  }

  it("reads Entra's and Okta's authorization_declined as access_denied, keeping what was sent (AMB-5)", async () => {
    const { server, auth, poll } = await started(['oauth-denial-authorization-declined']);
    server.deny(auth.userCode);
    const denied = await poll();
    expect(denied.error).toMatchObject({
      code: 'access_denied',
      sent: { code: 'authorization_declined' },
      synonym: { meaning: 'access_denied', sent: 'authorization_declined', amb: 'AMB-5' },
    });
    expect(describeOutcome(denied)).toBe(
      'HTTP 400 access_denied [sent as authorization_declined, AMB-5]',
    );
  });

  for (const [fault, sent] of [
    ['oauth-bad-verification-code', 'bad_verification_code'],
    ['oauth-incorrect-device-code', 'incorrect_device_code'],
  ] as const)
    it(`reads ${sent} as invalid_grant (AMB-4)`, async () => {
      const { poll } = await started([fault]);
      const refused = await poll('unknown-device-code');
      expect(refused.error).toMatchObject({
        code: 'invalid_grant',
        sent: { code: sent },
        synonym: { amb: 'AMB-4', sent },
      });
    });

  it('keeps RFC codes and unknown codes as sent, with no synonym', async () => {
    const { server, auth, poll } = await started([]);
    server.deny(auth.userCode);
    const denied = await poll();
    expect(denied.error?.code).toBe('access_denied');
    expect(denied.error?.synonym).toBeUndefined();
  });

  it("reads Google's verification_url when verification_uri is absent, and says so (AMB-10)", async () => {
    const { profile } = await profileFor('client_secret_basic', ['oauth-verification-url']);
    const client = (await profile.registerClient({ clientName: 'x' })).value!;
    const o = await profile.startDeviceAuthorization({ client });
    // The flow goes on: the approver gets the URL under the harness's name.
    expect(o.value?.verificationUri).toMatch(/^https:\/\//);
    expect(o.value?.verificationUri).toBe((o.body as Record<string, unknown>).verification_url);
    expect(o.aliases).toEqual([
      { standard: 'verification_uri', sent: 'verification_url', amb: 'AMB-10' },
    ]);
    // Without the fault the RFC name is read and nothing is reported.
    const plain = await started([]);
    const ok = await plain.profile.startDeviceAuthorization({ client: plain.client });
    expect(ok.aliases).toBeUndefined();
  });

  it('sends a repeated parameter as given, in order (OA-3.2-DUP-PARAM probe)', async () => {
    const { client, auth, profile } = await started([]);
    const refused = await profile.sendForm('createToken', client, [
      ['grant_type', DEVICE_CODE_GRANT],
      ['device_code', 'unknown'],
      ['device_code', auth.deviceCode],
    ]);
    // The exchange log keeps the order and the repetition; the codes themselves are redacted.
    const sent =
      /^grant_type=[^&]+&device_code=(«redacted:\w+»)&device_code=(«redacted:\w+»)$/.exec(
        refused.exchange.request.body ?? '',
      );
    expect(sent).not.toBeNull();
    expect(sent![1]).not.toBe(sent![2]);
    expect(refused.error?.code).toBe('invalid_request');
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
