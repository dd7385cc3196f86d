import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import {
  AWS_CLI_SKIP_REASON,
  AwsCliSandbox,
  awsCliV2Version,
  describeRun,
  option,
  type CliResult,
} from './aws-cli.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const START_URL = 'https://d-1234567890.awsapps.com/start';

const version = awsCliV2Version();
if (!version) console.warn(AWS_CLI_SKIP_REASON);

function expectExit(r: CliResult, code: number): void {
  expect(r.code, describeRun(r)).toBe(code);
}

/**
 * A modeled service error: the CLI v2 exits 254 and prints
 * `An error occurred (<ShapeName>) when calling the <Operation> operation ...: <message>`,
 * the shape name taken from x-amzn-ErrorType. (252 would be a client-side parameter error,
 * 255 anything else, null a kill by the timeout.)
 */
function expectServiceError(r: CliResult, exception: string): void {
  expect(r.stderr, describeRun(r)).toContain(`(${exception})`);
  expect(r.code, describeRun(r)).toBe(254);
}

function expectIntegers(r: CliResult, members: string[]): void {
  for (const m of members) {
    expect(Number.isInteger(r.json?.[m]), `${m} is not an integer\n${describeRun(r)}`).toBe(true);
  }
}

/** The AWS CLI v2 (botocore, Python), a client no one here wrote, runs the device flow. */
describe.skipIf(!version)(`reference server: AWS CLI v2 (${version ?? 'absent'})`, () => {
  let server: RunningReferenceServer;
  let cli: AwsCliSandbox;
  let client: { clientId: string; clientSecret: string };
  let auth: { deviceCode: string; userCode: string };
  let accessToken: string;
  let refreshToken: string;

  beforeAll(async () => {
    server = await startReferenceServer({ port: 0 });
    cli = new AwsCliSandbox(server.url);
  });

  afterAll(async () => {
    cli?.dispose();
    await server?.close();
  });

  const createToken = (extra: string[]) =>
    cli.run([
      'sso-oidc',
      'create-token',
      option('client-id', client.clientId),
      option('client-secret', client.clientSecret),
      ...extra,
    ]);

  it('register-client', async () => {
    const r = await cli.run([
      'sso-oidc',
      'register-client',
      option('client-name', 'x'),
      option('client-type', 'public'),
    ]);
    expectExit(r, 0);
    expect(r.json, describeRun(r)).toMatchObject({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
    });
    expectIntegers(r, ['clientIdIssuedAt', 'clientSecretExpiresAt']);
    client = { clientId: r.json.clientId, clientSecret: r.json.clientSecret };
  });

  it('start-device-authorization', async () => {
    const r = await cli.run([
      'sso-oidc',
      'start-device-authorization',
      option('client-id', client.clientId),
      option('client-secret', client.clientSecret),
      option('start-url', START_URL),
    ]);
    expectExit(r, 0);
    expect(r.json, describeRun(r)).toMatchObject({
      deviceCode: expect.any(String),
      userCode: expect.any(String),
      verificationUri: expect.any(String),
      verificationUriComplete: expect.any(String),
    });
    expectIntegers(r, ['expiresIn', 'interval']);
    auth = { deviceCode: r.json.deviceCode, userCode: r.json.userCode };
  });

  it('create-token before approval: AuthorizationPendingException', async () => {
    const r = await createToken([
      option('grant-type', DEVICE_GRANT),
      option('device-code', auth.deviceCode),
    ]);
    expectServiceError(r, 'AuthorizationPendingException');
  });

  it('create-token after approval: tokens', async () => {
    expect(server.approve(auth.userCode)).toBe(true);
    const r = await createToken([
      option('grant-type', DEVICE_GRANT),
      option('device-code', auth.deviceCode),
    ]);
    expectExit(r, 0);
    expect(r.json, describeRun(r)).toMatchObject({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      refreshToken: expect.any(String),
    });
    expectIntegers(r, ['expiresIn']);
    accessToken = r.json.accessToken;
    refreshToken = r.json.refreshToken;
  });

  it('create-token with the refresh_token grant: a new access token', async () => {
    const r = await createToken([
      option('grant-type', 'refresh_token'),
      option('refresh-token', refreshToken),
    ]);
    expectExit(r, 0);
    expect(r.json?.accessToken, describeRun(r)).toEqual(expect.any(String));
    expect(r.json.accessToken, describeRun(r)).not.toBe(accessToken);
    refreshToken = r.json.refreshToken ?? refreshToken;
  });

  it('a value that starts with "-" (base64url allows it) reaches the server as a value', async () => {
    const r = await createToken([
      option('grant-type', 'refresh_token'),
      option('refresh-token', '-not-a-refresh-token'),
    ]);
    expectServiceError(r, 'InvalidGrantException');
  });

  it('create-token with a wrong client secret: InvalidClientException', async () => {
    const r = await cli.run([
      'sso-oidc',
      'create-token',
      option('client-id', client.clientId),
      option('client-secret', 'wrong-secret'),
      option('grant-type', 'refresh_token'),
      option('refresh-token', refreshToken),
    ]);
    expectServiceError(r, 'InvalidClientException');
  });
});

describe('describeRun', () => {
  it('hides secrets passed as arguments, joined or separate', () => {
    const message = describeRun({
      args: [option('client-secret', 'secret-value-1'), '--refresh-token', 'secret-value-2'],
      code: 254,
      stdout: '',
      stderr: 'echo secret-value-1 secret-value-2',
      json: undefined,
      ms: 1,
    });
    expect(message).not.toContain('secret-value');
    expect(message).toContain('«redacted:');
  });
});
