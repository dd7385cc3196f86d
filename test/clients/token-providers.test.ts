import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import {
  cliTimestamp,
  describeFromSso,
  deviceFlowToken,
  readJsonFile,
  redacted,
  refreshWithFetch,
  runFromSso,
  ssoConfig,
  writeSsoTokenCache,
  type FromSsoRun,
  type SsoTokenCache,
} from './sso.ts';

/** @aws-sdk/token-providers refreshes within 5 minutes of expiry (EXPIRE_WINDOW_MS). */
const SDK_REFRESH_WINDOW_S = 5 * 60;

/**
 * The AWS SDK for JavaScript v3 (`fromSso` in @aws-sdk/token-providers, what every SDK client
 * with an sso-session profile uses for bearer tokens) refreshes a cached SSO token through the
 * reference server's refresh_token grant. The cache is written the way the AWS CLI writes it,
 * from a device flow run with plain fetch; the SDK runs in a child process (its own HOME,
 * AWS_CONFIG_FILE and AWS_ENDPOINT_URL_SSO_OIDC).
 */
describe('reference server: @aws-sdk/token-providers fromSso() refresh', () => {
  let server: RunningReferenceServer;
  let dir: string;
  const log: string[] = [];

  beforeAll(async () => {
    server = await startReferenceServer({ port: 0, log: (line) => log.push(line) });
    dir = mkdtempSync(join(tmpdir(), 'token-providers-test-'));
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  /** A fresh HOME with config and a cached token expiring `expiresInS` from now. */
  async function setUp(name: string, expiresInS: number) {
    const home = join(dir, name);
    const configFile = join(home, 'config');
    const session = `session-${name}`;
    const profile = `profile-${name}`;
    const cached: SsoTokenCache = {
      ...(await deviceFlowToken(server)),
      expiresAt: cliTimestamp(Date.now() + expiresInS * 1000),
    };
    const cachePath = writeSsoTokenCache(home, session, cached);
    writeFileSync(configFile, ssoConfig(profile, session));
    const run = async (): Promise<{ r: FromSsoRun; requests: string[] }> => {
      const before = log.length;
      const r = await runFromSso({ home, configFile, endpointUrl: server.url, profile });
      return { r, requests: log.slice(before) };
    };
    return { cached, cachePath, run };
  }

  function expectToken(r: FromSsoRun): string {
    expect(r.code, describeFromSso(r)).toBe(0);
    expect(r.result, describeFromSso(r)).toMatchObject({ ok: true, token: expect.any(String) });
    return (r.result as { token: string }).token;
  }

  async function expectRefreshed(name: string, expiresInS: number): Promise<void> {
    const { cached, cachePath, run } = await setUp(name, expiresInS);
    const { r, requests } = await run();
    const token = expectToken(r);

    // A new access token, obtained with one CreateToken call and nothing else.
    expect(token, describeFromSso(r)).not.toBe(cached.accessToken);
    expect(requests, describeFromSso(r)).toEqual([expect.stringMatching(/^POST \/token 200 /)]);

    // The cache file now holds the new token and the rotated refresh token; the rest is kept.
    const updated = readJsonFile(cachePath);
    expect(updated.accessToken, redacted(updated)).toBe(token);
    expect(updated.refreshToken, redacted(updated)).toEqual(expect.any(String));
    expect(updated.refreshToken, redacted(updated)).not.toBe(cached.refreshToken);
    expect(updated, redacted(updated)).toMatchObject({
      clientId: cached.clientId,
      clientSecret: cached.clientSecret,
      registrationExpiresAt: cached.registrationExpiresAt,
      region: cached.region,
      startUrl: cached.startUrl,
    });
    const expiresIn = (Date.parse(updated.expiresAt) - Date.now()) / 1000;
    const lifetime = server.options.accessTokenLifetime;
    expect(expiresIn, updated.expiresAt).toBeGreaterThan(lifetime - 120);
    expect(expiresIn, updated.expiresAt).toBeLessThanOrEqual(lifetime);
    expect(r.result && r.result.ok && Date.parse(r.result.expiration!)).toBe(
      Date.parse(updated.expiresAt),
    );

    // The server issued the new refresh token (it refreshes again) and retired the old one.
    const again = await refreshWithFetch(server, cached, updated.refreshToken);
    expect(again.status, redacted(again.json)).toBe(200);
    const replay = await refreshWithFetch(server, cached, cached.refreshToken!);
    expect(replay.json?.error, redacted(replay.json)).toBe('invalid_grant');
  }

  it('an expired cached token is refreshed through the refresh_token grant', async () => {
    await expectRefreshed('expired', -60);
  });

  it(`a token within the SDK's ${SDK_REFRESH_WINDOW_S} s refresh window is refreshed`, async () => {
    await expectRefreshed('expiring', SDK_REFRESH_WINDOW_S - 120);
  });

  it('a token outside the refresh window is returned as cached, without a request', async () => {
    const { cached, cachePath, run } = await setUp('valid', SDK_REFRESH_WINDOW_S + 300);
    const { r, requests } = await run();
    expect(expectToken(r), describeFromSso(r)).toBe(cached.accessToken);
    expect(requests, describeFromSso(r)).toEqual([]);
    expect(readJsonFile(cachePath), 'cache rewritten').toEqual(cached);
  });
});
