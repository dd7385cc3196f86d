import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../harness/engine/config.ts';
import { oauthEndpointsFor } from '../harness/engine/oauth-endpoints.ts';
import { RunError } from '../harness/engine/run-error.ts';
import { Redactor } from '../harness/http/redact.ts';
import { startReferenceServer, type RunningReferenceServer } from '../reference/server.ts';

// The settings and endpoints of the plain RFC 8628 profile (issue 12). Its whole run against
// the reference server's OAuth front end is test/profile-seam.test.ts.

describe('the endpoints of an rfc8628 target', () => {
  let server: RunningReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({});
  });
  afterAll(() => server.close());
  const limits = { timeoutMs: 5000 };

  it('come from the metadata; registration only where the user allows it', async () => {
    const config = resolveConfig({ flags: { profile: 'rfc8628', issuer: server.url } });
    expect(config.target).toBe(server.url);
    expect(await oauthEndpointsFor(config, new Redactor(), limits)).toEqual({
      deviceAuthorizationEndpoint: `${server.url}/oauth/device_authorization`,
      tokenEndpoint: `${server.url}/oauth/token`,
      registrationEndpoint: undefined,
      tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'],
    });
  });

  it('given explicitly, win over the metadata', async () => {
    const config = resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: server.url,
        tokenEndpoint: 'https://elsewhere.example/token',
        registrationEndpoint: `${server.url}/oauth/register`,
      },
    });
    const endpoints = await oauthEndpointsFor(config, new Redactor(), limits);
    expect(endpoints.tokenEndpoint).toBe('https://elsewhere.example/token');
    expect(endpoints.registrationEndpoint).toBe(`${server.url}/oauth/register`);
  });

  it('unknown, stop the run with where it looked and what to give', async () => {
    const config = resolveConfig({
      flags: { profile: 'rfc8628', issuer: `${server.url}/nowhere` },
    });
    const error = await oauthEndpointsFor(config, new Redactor(), limits).catch((e) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error.message).toMatch(/no metadata at .*oauth-authorization-server\/nowhere \(404\)/);
    expect(error.message).toMatch(/give --device-authorization-endpoint and --token-endpoint$/);
  });
});

describe('rfc8628 settings', () => {
  it('turn --client-id and its secret from the environment into the clients the fixtures use', () => {
    const config = resolveConfig({
      flags: { profile: 'rfc8628', target: 'https://idp.example', clientId: 'a', clientId2: 'b' },
      env: { clientSecret: 's1' },
    });
    expect(config.clients).toEqual(['a s1', 'b']);
  });

  it('are refused under the aws profile, and a secret without its client', () => {
    expect(() => resolveConfig({ flags: { clientId: 'a' } })).toThrow(
      /--client-id is a setting of --profile rfc8628/,
    );
    expect(() =>
      resolveConfig({
        flags: { profile: 'rfc8628', target: 'https://x.example' },
        env: { clientSecret: 's' },
      }),
    ).toThrow(/SSOC_CLIENT_SECRET is the secret of --client-id/);
    expect(() => resolveConfig({ flags: { profile: 'rfc8628', clientId: 'a' } })).toThrow(
      /embedded reference server brings its own/,
    );
  });
});
