import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import {
  AWS_CLI_SKIP_REASON,
  AwsCliSandbox,
  awsCliV2Version,
  describeRun,
  type CliResult,
} from './aws-cli.ts';
import {
  REGISTRATION_SCOPES,
  SSO_REGION,
  START_URL,
  describeFromSso,
  listSsoCache,
  readJsonFile,
  redacted,
  runFromSso,
  ssoConfig,
  ssoTokenCachePath,
  writeSsoOidcEndpointRuleSet,
} from './sso.ts';

const PROFILE = 'conformance';
const SESSION = 'conformance-session';
const LOGIN_TIMEOUT_MS = 60_000;
/** The end-user takes this long: the CLI has to go round its polling loop at least once. */
const APPROVE_AFTER_MS = 1_500;

const version = awsCliV2Version();
if (!version) console.warn(AWS_CLI_SKIP_REASON);

/** `Then enter the code:\n\nXXXX-XXXX\n`, printed by `--no-browser` (PrintOnlyHandler). */
const USER_CODE = /enter the code:\s+(\S+)\s/;

/**
 * `aws sso login` (AWS CLI v2, botocore's SSOTokenFetcher) against the reference server: client
 * registration with the session's scopes, device authorization, the CLI's own polling until the
 * user approves, and the token cache it writes. The CLI has no endpoint option for this command;
 * an sso-oidc endpoint rule set in AWS_DATA_PATH routes it to the reference server.
 */
describe.skipIf(!version)(`reference server: aws sso login (${version ?? 'absent'})`, () => {
  let server: RunningReferenceServer;
  let cli: AwsCliSandbox;
  let env: NodeJS.ProcessEnv;
  /** Set by the first test: without the override, `sso login` would talk to AWS itself. */
  let routed = false;
  const log: string[] = [];

  beforeAll(async () => {
    // Real time: the CLI sleeps `interval` real seconds between polls anyway.
    server = await startReferenceServer({
      port: 0,
      interval: 1,
      virtualClock: false,
      log: (line) => log.push(line),
    });
    cli = new AwsCliSandbox(server.url);
    const dataPath = join(cli.dir, 'botocore-data');
    writeSsoOidcEndpointRuleSet(dataPath, server.url);
    writeFileSync(cli.env.AWS_CONFIG_FILE!, ssoConfig(PROFILE, SESSION));
    env = { AWS_DATA_PATH: dataPath, PYTHONUNBUFFERED: '1' };
  });

  afterAll(async () => {
    cli?.dispose();
    await server?.close();
  });

  /** The requests the server logged while `action` ran. */
  async function logged<T>(action: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
    const before = log.length;
    const result = await action();
    return { result, requests: log.slice(before) };
  }

  /**
   * `aws sso login --no-browser`; `afterMs` after the user code shows up on stdout, `decide` is
   * called with it (the end-user's approval or denial). Resolves when the CLI exits.
   */
  function login(decide: (userCode: string) => boolean, afterMs: number) {
    if (!routed)
      throw new Error('the AWS_DATA_PATH override is not in effect: not running sso login');
    let seen: string | undefined;
    let decided: { userCode: string; accepted: boolean; atMs: number } | undefined;
    return logged(async () => {
      const started = Date.now();
      const r = await cli.spawn(['sso', 'login', '--profile', PROFILE, '--no-browser'], {
        env,
        timeoutMs: LOGIN_TIMEOUT_MS,
        onStdout: (stdout) => {
          const userCode = USER_CODE.exec(stdout)?.[1];
          if (userCode === undefined || seen !== undefined) return;
          seen = userCode;
          setTimeout(() => {
            decided = { userCode, accepted: decide(userCode), atMs: Date.now() - started };
          }, afterMs);
        },
      });
      return { r, decided };
    });
  }

  function context(r: CliResult, requests: string[]): string {
    return `${describeRun(r)}\nserver saw:\n  ${requests.join('\n  ') || '(nothing)'}`;
  }

  it('AWS_DATA_PATH routes the sso-oidc client to the reference server (no --endpoint-url)', async () => {
    const { result: r, requests } = await logged(() =>
      cli.spawn(
        [
          'sso-oidc',
          'register-client',
          '--client-name',
          'probe',
          '--client-type',
          'public',
          '--no-sign-request',
          '--region',
          SSO_REGION,
          '--output',
          'json',
        ],
        { env, timeoutMs: LOGIN_TIMEOUT_MS },
      ),
    );
    expect(r.code, context(r, requests)).toBe(0);
    expect(requests, context(r, requests)).toEqual([
      expect.stringMatching(/^POST \/client\/register 200 /),
    ]);
    routed = true;
  });

  it('completes with the CLI polling until approval, and caches the token', async () => {
    const {
      result: { r, decided },
      requests,
    } = await login((userCode) => server.approve(userCode), APPROVE_AFTER_MS);
    const why = context(r, requests);
    expect(decided, why).toMatchObject({ userCode: expect.any(String), accepted: true });
    expect(r.stdout, why).toContain(`Successfully logged into Start URL: ${START_URL}`);
    expect(r.code, why).toBe(0);
    // Register, authorize, one CreateToken before the code is shown, then polls every
    // `interval` (1 s) until the approval, then the token.
    expect(requests[0], why).toMatch(/^POST \/client\/register 200 /);
    expect(requests[1], why).toMatch(/^POST \/device_authorization 200 /);
    expect(requests.at(-1), why).toMatch(/^POST \/token 200 /);
    const polls = requests.slice(2, -1);
    expect(polls.length, why).toBeGreaterThanOrEqual(2);
    expect(polls.length, why).toBeLessThanOrEqual(2 + Math.ceil(APPROVE_AFTER_MS / 1000));
    for (const poll of polls) expect(poll, why).toMatch(/^POST \/token 400 AuthorizationPending/);

    // The token cache: <sha1(session name)>.json, plus the client registration's own file.
    const tokenFile = ssoTokenCachePath(cli.dir, SESSION);
    const files = listSsoCache(cli.dir);
    expect(files, why).toContain(tokenFile.split('/').pop());
    expect(files.length, why).toBe(2);
    const token = readJsonFile(tokenFile);
    expect(token, redacted(token)).toMatchObject({
      startUrl: START_URL,
      region: SSO_REGION,
      accessToken: expect.any(String),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      refreshToken: expect.any(String),
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      registrationExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const expiresIn = (Date.parse(token.expiresAt) - Date.now()) / 1000;
    expect(expiresIn, token.expiresAt).toBeGreaterThan(server.options.accessTokenLifetime - 120);
    expect(expiresIn, token.expiresAt).toBeLessThanOrEqual(server.options.accessTokenLifetime + 1);
    const registrationIn = (Date.parse(token.registrationExpiresAt) - Date.now()) / 1000;
    expect(registrationIn, token.registrationExpiresAt).toBeGreaterThan(
      server.options.clientSecretLifetime - 120,
    );

    const registrationFile = files.find((f) => !tokenFile.endsWith(f))!;
    const registration = readJsonFile(join(cli.dir, '.aws', 'sso', 'cache', registrationFile));
    expect(registration, redacted(registration)).toMatchObject({
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      scopes: REGISTRATION_SCOPES,
    });
  });

  it("the CLI's token cache is refreshed by @aws-sdk/token-providers (fromSso)", async () => {
    const tokenFile = ssoTokenCachePath(cli.dir, SESSION);
    const before = readJsonFile(tokenFile);
    // Make the SDK consider it due: expired a minute ago.
    const expired = { ...before, expiresAt: new Date(Date.now() - 60_000).toISOString() };
    writeFileSync(tokenFile, JSON.stringify(expired));
    const { result: r, requests } = await logged(() =>
      runFromSso({
        home: cli.dir,
        configFile: cli.env.AWS_CONFIG_FILE!,
        endpointUrl: server.url,
        profile: PROFILE,
      }),
    );
    expect(r.result, describeFromSso(r)).toMatchObject({ ok: true, token: expect.any(String) });
    expect(requests, describeFromSso(r)).toEqual([expect.stringMatching(/^POST \/token 200 /)]);
    const after = readJsonFile(tokenFile);
    expect(after.accessToken, redacted(after)).not.toBe(before.accessToken);
    expect(after.refreshToken, redacted(after)).not.toBe(before.refreshToken);
    expect(after.clientId, redacted(after)).toBe(before.clientId);
  });

  it('a second login reuses the cached registration; a denial fails it and keeps the cache', async () => {
    const tokenFile = ssoTokenCachePath(cli.dir, SESSION);
    const cachedBefore = readJsonFile(tokenFile);
    const {
      result: { r, decided },
      requests,
    } = await login((userCode) => server.deny(userCode), 0);
    const why = context(r, requests);
    expect(decided, why).toMatchObject({ accepted: true });
    expect(requests[0], why).toMatch(/^POST \/device_authorization 200 /);
    expect(requests.at(-1), why).toMatch(/^POST \/token 400 AccessDenied/);
    expect(r.stderr, why).toContain('(AccessDeniedException)');
    // A modeled service error: exit 254 (see aws-cli.test.ts).
    expect(r.code, why).toBe(254);
    expect(r.stdout, why).not.toContain('Successfully logged');
    expect(readJsonFile(tokenFile), 'token cache changed').toEqual(cachedBefore);
  });
});
