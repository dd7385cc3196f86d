import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { oauthEndpointsFor } from '../../harness/engine/oauth-endpoints.ts';
import { RunError } from '../../harness/engine/run-error.ts';
import { Redactor } from '../../harness/http/redact.ts';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import { describeRun, runEmbedded } from './run-embedded.ts';

// The plain RFC 8628 profile end to end (issue 12): the suite against the reference server's
// OAuth front end (forms, snake_case, RFC 6749 errors) judges no false failure, and skips
// the AWS-only tests instead of running them.

describe('the rfc8628 profile against the conformant reference server', () => {
  it('passes, judges the RFC 8628 tests, and skips every AWS-only test', async () => {
    const run = await runEmbedded({ profile: 'rfc8628' });
    const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
    expect(
      bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`),
      describeRun(run),
    ).toEqual([]);
    expect(run.exitCode).toBe(0);
    const awsOnly = run.tests.filter((t) => t.id.startsWith('AWS-'));
    expect(awsOnly.length).toBeGreaterThan(0);
    expect(awsOnly.every((t) => t.verdict === 'skipped')).toBe(true);
    for (const id of ['DA-3.5-SUCCESS', 'DA-3.2-REQ-FIELDS', 'OA-5.1-FIELDS', 'OA-6-REFRESH'])
      expect(run.tests.find((t) => t.id === id)?.verdict, id).toBe('passed');
    expect(run.summary.requirements.judged).toBeGreaterThan(40);
  });
});

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
