import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redactor } from '../../harness/http/redact.ts';
import type { RunningReferenceServer } from '../../reference/server.ts';

/**
 * Helpers shared by the `aws sso login` and `@aws-sdk/token-providers` tests: the shared config
 * with an sso-session, the SSO token cache (`~/.aws/sso/cache`), the botocore data override that
 * points the CLI's sso-oidc client at the reference server, and a child process running the
 * SDK's `fromSso()`.
 */

export const START_URL = 'https://d-1234567890.awsapps.com/start';
export const SSO_REGION = 'us-east-1';
export const REGISTRATION_SCOPES = ['sso:account:access'];
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The API version folder of botocore's shipped sso-oidc model (botocore/data/sso-oidc/<version>).
 * botocore loads `endpoint-rule-set-1` for the latest version found across all data paths and
 * takes the file from the first path that has it, so the override folder must carry this name
 * (or a later one).
 */
export const SSO_OIDC_API_VERSION = '2019-06-10';

/**
 * AWS CLI 2.9.19 has no endpoint override for `aws sso login` (no --endpoint-url, no
 * AWS_ENDPOINT_URL_SSO_OIDC, which came in 2.13). botocore's data path does the job: writes
 * `<dataPath>/sso-oidc/2019-06-10/endpoint-rule-set-1.json`, a rule set with one unconditional
 * endpoint rule, `url`. Only that file: service-2.json and the rest still come from the shipped
 * data. Returns the file's path.
 */
export function writeSsoOidcEndpointRuleSet(dataPath: string, url: string): string {
  const dir = join(dataPath, 'sso-oidc', SSO_OIDC_API_VERSION);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'endpoint-rule-set-1.json');
  const ruleSet = {
    version: '1.0',
    parameters: {},
    rules: [{ conditions: [], endpoint: { url }, type: 'endpoint' }],
  };
  writeFileSync(file, JSON.stringify(ruleSet, null, 2) + '\n');
  return file;
}

/** A shared config file: an sso-session and a profile using it. */
export function ssoConfig(profile: string, session: string): string {
  return [
    `[sso-session ${session}]`,
    `sso_start_url = ${START_URL}`,
    `sso_region = ${SSO_REGION}`,
    `sso_registration_scopes = ${REGISTRATION_SCOPES.join(',')}`,
    '',
    `[profile ${profile}]`,
    `sso_session = ${session}`,
    'sso_account_id = 123456789012',
    'sso_role_name = ConformanceRole',
    `region = ${SSO_REGION}`,
    '',
  ].join('\n');
}

/** A cached SSO token, as the AWS CLI v2 writes it for an sso-session. */
export interface SsoTokenCache {
  startUrl: string;
  region: string;
  accessToken: string;
  /** ISO 8601, UTC; the CLI writes whole seconds: `2026-01-01T00:00:00Z`. */
  expiresAt: string;
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: string;
  refreshToken?: string;
}

export function ssoCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

/** The token file for an sso-session: the SHA-1 of the session name, in hex. */
export function ssoTokenCachePath(home: string, session: string): string {
  const name = createHash('sha1').update(session).digest('hex');
  return join(ssoCacheDir(home), `${name}.json`);
}

export function listSsoCache(home: string): string[] {
  try {
    return readdirSync(ssoCacheDir(home)).sort();
  } catch {
    return [];
  }
}

export function readJsonFile(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function writeSsoTokenCache(home: string, session: string, token: SsoTokenCache): string {
  mkdirSync(ssoCacheDir(home), { recursive: true });
  const path = ssoTokenCachePath(home, session);
  writeFileSync(path, JSON.stringify(token));
  return path;
}

/** The CLI's timestamp format: whole seconds, `Z`. */
export function cliTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A JSON value for an assertion message, with secrets redacted. */
export function redacted(value: unknown): string {
  return JSON.stringify(new Redactor().json(value));
}

async function postJson(server: RunningReferenceServer, path: string, body: unknown) {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * What the AWS CLI's `sso login` does, with plain fetch: RegisterClient (public, with the
 * registration scopes), StartDeviceAuthorization, the user approves, CreateToken with the
 * device_code grant. Returns the cache record the CLI would write.
 */
export async function deviceFlowToken(server: RunningReferenceServer): Promise<SsoTokenCache> {
  const redactor = new Redactor();
  const fail = (step: string, reply: { status: number; text: string }) =>
    new Error(`${step}: HTTP ${reply.status} ${redactor.body(reply.text)}`);
  const registered = await postJson(server, '/client/register', {
    clientName: 'botocore-client-conformance',
    clientType: 'public',
    scopes: REGISTRATION_SCOPES,
  });
  if (registered.status !== 200) throw fail('RegisterClient', registered);
  const { clientId, clientSecret, clientSecretExpiresAt } = registered.json;
  const started = await postJson(server, '/device_authorization', {
    clientId,
    clientSecret,
    startUrl: START_URL,
  });
  if (started.status !== 200) throw fail('StartDeviceAuthorization', started);
  if (!server.approve(started.json.userCode)) throw new Error('approve refused the user code');
  const token = await postJson(server, '/token', {
    clientId,
    clientSecret,
    grantType: DEVICE_GRANT,
    deviceCode: started.json.deviceCode,
  });
  if (token.status !== 200) throw fail('CreateToken (device_code)', token);
  return {
    startUrl: START_URL,
    region: SSO_REGION,
    accessToken: token.json.accessToken,
    expiresAt: cliTimestamp(Date.now() + token.json.expiresIn * 1000),
    clientId,
    clientSecret,
    registrationExpiresAt: cliTimestamp(clientSecretExpiresAt * 1000),
    refreshToken: token.json.refreshToken,
  };
}

/** CreateToken with the refresh_token grant, for checking what the server thinks of a token. */
export function refreshWithFetch(
  server: RunningReferenceServer,
  token: Pick<SsoTokenCache, 'clientId' | 'clientSecret'>,
  refreshToken: string,
) {
  return postJson(server, '/token', {
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    grantType: 'refresh_token',
    refreshToken,
  });
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM_SSO_CHILD = fileURLToPath(new URL('./token-providers-child.ts', import.meta.url));

export interface FromSsoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The child's one-line JSON answer. */
  result?:
    { ok: true; token: string; expiration?: string } | { ok: false; name: string; message: string };
  ms: number;
}

/**
 * Runs `fromSso({ profile })()` from @aws-sdk/token-providers in a child Node process with its own
 * environment: HOME (the token cache), AWS_CONFIG_FILE, and AWS_ENDPOINT_URL_SSO_OIDC pointing at
 * the reference server. A child keeps the SDK's process-wide state (parsed config files, the
 * 30-second refresh throttle per sso-session) and the environment out of the test process.
 */
export function runFromSso(options: {
  home: string;
  configFile: string;
  endpointUrl: string;
  profile: string;
  timeoutMs?: number;
}): Promise<FromSsoRun> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: options.home,
    AWS_CONFIG_FILE: options.configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(options.home, 'no-credentials'),
    AWS_ENDPOINT_URL_SSO_OIDC: options.endpointUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    NO_PROXY: '*',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FROM_SSO_CHILD, options.profile],
      { env, cwd: ROOT, timeout: options.timeoutMs ?? 30_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        let result: FromSsoRun['result'];
        try {
          result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
        } catch {
          result = undefined;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, result, ms: Date.now() - started });
      },
    );
  });
}

/** A fromSso run for an assertion message, the token redacted. */
export function describeFromSso(r: FromSsoRun): string {
  const redactor = new Redactor();
  if (r.result?.ok) redactor.addSecret(r.result.token);
  return redactor.text(
    [
      `fromSso child: exit ${r.code} after ${r.ms} ms`,
      `stdout: ${redactor.body(r.stdout.trim()) || '(empty)'}`,
      `stderr: ${r.stderr.trim() || '(empty)'}`,
    ].join('\n'),
  );
}
