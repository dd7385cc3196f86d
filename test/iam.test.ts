import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import {
  adminRouteAssertions,
  assertionMismatch,
  commandAssertions,
  credentialsFromEnv,
  CredentialsUnavailable,
  fileAssertions,
  regionOfEndpoint,
  remoteIam,
  resignWithForeignKey,
  type IamTarget,
} from '../harness/aws/iam.ts';
import { ConfigError, resolveConfig, type ConfigInput } from '../harness/engine/config.ts';
import { Redactor } from '../harness/http/redact.ts';
import { REFERENCE_IAM } from '../harness/engine/target.ts';
import { runConformance } from '../harness/engine/runner.ts';
import { runEmbedded } from './self/run-embedded.ts';
import { RegionPartition, startReferenceServer } from '../reference/server.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../reference/iam-config.ts';
import '../suites/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssoc-iam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000;
const signal = new AbortController().signal;

async function issuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const mint = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'issuer-key' }).sign(privateKey);
  return { publicKey, mint };
}

const ARN = 'arn:aws:sso::123456789012:application/ssoins-2222222222222222/apl-2222222222222222';
const remote = (flags: ConfigInput, env: NodeJS.ProcessEnv = {}) =>
  remoteIam(
    resolveConfig({ flags: { target: 'http://127.0.0.1:9', ...flags } }),
    env,
    new Redactor(),
    REFERENCE_IAM,
  );

describe('credentials from SSOC_AWS_*', () => {
  it('reads the pair and the optional session token, or nothing', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(
      credentialsFromEnv({ SSOC_AWS_ACCESS_KEY_ID: 'AKID', SSOC_AWS_SECRET_ACCESS_KEY: 'sk' }),
    ).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'sk' });
    expect(
      credentialsFromEnv({
        SSOC_AWS_ACCESS_KEY_ID: 'AKID',
        SSOC_AWS_SECRET_ACCESS_KEY: 'sk',
        SSOC_AWS_SESSION_TOKEN: 'st',
      }),
    ).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'sk', sessionToken: 'st' });
  });

  it('refuses half a pair, or a session token alone', () => {
    expect(() => credentialsFromEnv({ SSOC_AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(ConfigError);
    expect(() => credentialsFromEnv({ SSOC_AWS_SECRET_ACCESS_KEY: 'sk' })).toThrow(ConfigError);
    expect(() => credentialsFromEnv({ SSOC_AWS_SESSION_TOKEN: 'st' })).toThrow(ConfigError);
  });
});

describe('IAM settings', () => {
  it('are for --target only, and file and command exclude each other', () => {
    expect(() => resolveConfig({ flags: { iamApplicationArn: ARN } })).toThrow(
      /--iam-application-arn configures CreateTokenWithIAM against a --target/,
    );
    expect(() =>
      resolveConfig({
        flags: { target: 'http://x', iamAssertionFile: 'a', iamAssertionCommand: 'b' },
      }),
    ).toThrow(/exclude each other/);
    expect(() => resolveConfig({ flags: { target: 'http://x', iamRegion: 'nowhere' } })).toThrow(
      /--iam-region/,
    );
    expect(() =>
      resolveConfig({ flags: { target: 'http://x', iamApplicationArn: 'not-an-arn' } }),
    ).toThrow(/--iam-application-arn/);
    const c = resolveConfig({
      flags: { target: 'http://x', iamApplicationArn: ARN, iamRegion: 'eu-central-1' },
    });
    expect(c).toMatchObject({ iamApplicationArn: ARN, iamRegion: 'eu-central-1' });
  });

  it('the region of an AWS endpoint', () => {
    expect(regionOfEndpoint('https://oidc.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOfEndpoint('https://oidc-fips.us-gov-west-1.amazonaws.com/')).toBe(
      'us-gov-west-1',
    );
    expect(regionOfEndpoint('https://oidc.ap-southeast-2.api.aws')).toBe('ap-southeast-2');
    expect(regionOfEndpoint('https://oidc.cn-north-1.amazonaws.com.cn')).toBe('cn-north-1');
    expect(regionOfEndpoint('http://127.0.0.1:9000')).toBeUndefined();
    expect(regionOfEndpoint('https://evil.example/oidc.us-east-1.amazonaws.com')).toBeUndefined();
  });

  it('a remote target without an application ARN or a region is unavailable, with the reason', () => {
    expect(remote({ approver: 'none' })).toEqual({
      unavailable: expect.stringContaining('--iam-application-arn'),
    });
    expect(remote({ approver: 'none', iamApplicationArn: ARN })).toEqual({
      unavailable: expect.stringContaining('--iam-region'),
    });
    const a = remote({ approver: 'none', iamApplicationArn: ARN, iamRegion: 'eu-west-1' });
    expect('iam' in a && a.iam).toMatchObject({
      applicationArn: ARN,
      region: 'eu-west-1',
      redirectUri: 'http://127.0.0.1:53682/oauth/callback',
      authorizationEndpoint: 'http://127.0.0.1:9/authorize',
      assertions: undefined,
    });
  });

  it('a second region (--iam-other-region-target): the same application and credentials, its own region', async () => {
    const one = remote({ approver: 'none', iamApplicationArn: ARN, iamRegion: 'us-east-1' });
    expect((one as { iam: IamTarget }).iam.otherRegion).toBeUndefined();
    const a = remote({
      approver: 'none',
      iamApplicationArn: ARN,
      iamRegion: 'us-east-1',
      iamOtherRegionTarget: 'https://oidc.eu-west-1.amazonaws.com',
    });
    const other = await (a as { iam: IamTarget }).iam.otherRegion!();
    expect(other.baseUrl).toBe('https://oidc.eu-west-1.amazonaws.com');
    expect(other.iam).toMatchObject({ applicationArn: ARN, region: 'eu-west-1' });
    // A host that does not name its region needs --iam-other-region.
    const loopback = { approver: 'none', iamApplicationArn: ARN, iamRegion: 'us-east-1' } as const;
    expect(() => remote({ ...loopback, iamOtherRegionTarget: 'http://127.0.0.1:8' })).toThrow(
      /--iam-other-region/,
    );
    const named = remote({
      ...loopback,
      iamOtherRegionTarget: 'http://127.0.0.1:8',
      iamOtherRegion: 'ap-south-1',
    });
    expect((await (named as { iam: IamTarget }).iam.otherRegion!()).iam.region).toBe('ap-south-1');
    expect(() =>
      resolveConfig({ flags: { target: 'http://x', iamOtherRegion: 'eu-west-1' } }),
    ).toThrow(/--iam-other-region names the region of --iam-other-region-target/);
    expect(() => resolveConfig({ flags: { iamOtherRegionTarget: 'http://127.0.0.1:8' } })).toThrow(
      ConfigError,
    );
  });

  it('a served reference server (--approver reference) defaults to its application, region and test credentials', async () => {
    const a = remote({ approver: 'reference' });
    const iam = (a as { iam: IamTarget }).iam;
    expect(iam).toMatchObject({
      applicationArn: REFERENCE_APPLICATION_ARN,
      region: REFERENCE_IAM_REGION,
    });
    expect(iam.assertions?.name).toMatch(/admin route/);
    expect(await iam.credentials()).toEqual(REFERENCE_IAM_CREDENTIALS);
  });

  it('credentials: SSOC_AWS_* first, taught to the redactor', async () => {
    const redactor = new Redactor();
    const a = remoteIam(
      resolveConfig({
        flags: { target: 'http://127.0.0.1:9', iamApplicationArn: ARN, iamRegion: 'us-east-1' },
      }),
      {
        SSOC_AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
        SSOC_AWS_SECRET_ACCESS_KEY: 'secret-from-the-environment',
        SSOC_AWS_SESSION_TOKEN: 'session-token-from-the-environment',
      },
      redactor,
      REFERENCE_IAM,
    );
    expect(await (a as { iam: IamTarget }).iam.credentials()).toMatchObject({
      accessKeyId: 'AKIDFROMENV',
    });
    expect(redactor.text('secret-from-the-environment session-token-from-the-environment')).toMatch(
      /^«redacted:[0-9a-f]{8}» «redacted:[0-9a-f]{8}»$/,
    );
  });

  it('credentials: else the provider chain, whose failure is a skip reason', async () => {
    // An empty chain: no environment credentials, no profile files, no instance metadata.
    const emptyChain: Record<string, string> = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'ssoc-no-such-profile',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    };
    const saved = Object.fromEntries(Object.keys(emptyChain).map((k) => [k, process.env[k]]));
    Object.assign(process.env, emptyChain);
    try {
      const a = remote({ approver: 'none', iamApplicationArn: ARN, iamRegion: 'us-east-1' });
      const got = await (a as { iam: IamTarget }).iam.credentials().catch((e: unknown) => e);
      expect(got).toBeInstanceOf(CredentialsUnavailable);
      expect((got as Error).message).toMatch(/SSOC_AWS_ACCESS_KEY_ID/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('assertions', () => {
  it('assertionMismatch judges the claims against what was asked', async () => {
    const { mint } = await issuer();
    const valid = await mint({ iss: 'https://i', aud: 'app', sub: 'u', exp: NOW + 300 });
    expect(assertionMismatch(valid, {}, NOW)).toBeUndefined();
    expect(assertionMismatch(valid, {}, NOW + 400)).toMatch(/expired 100 s ago/);
    expect(assertionMismatch(valid, { expiresIn: -600 }, NOW)).toMatch(/not expired/);
    expect(assertionMismatch(valid, { audience: 'other' }, NOW)).toMatch(/aud/);
    expect(assertionMismatch(valid, { issuer: 'https://other' }, NOW)).toMatch(/iss/);
    expect(assertionMismatch(valid, { subject: 'other' }, NOW)).toMatch(/sub/);
    const expired = await mint({ iss: 'https://i', aud: ['app', 'x'], exp: NOW - 600 });
    expect(assertionMismatch(expired, { expiresIn: -600, audience: 'x' }, NOW)).toBeUndefined();
    expect(assertionMismatch('not a jwt', {}, NOW)).toMatch(/not a JWT/);
  });

  it('a foreign-signed assertion has the same header and claims and fails verification', async () => {
    const { publicKey, mint } = await issuer();
    const valid = await mint({ iss: 'https://i', aud: 'app', exp: NOW + 300 });
    const foreign = await resignWithForeignKey(valid);
    expect(decodeJwt(foreign)).toEqual(decodeJwt(valid));
    expect(decodeProtectedHeader(foreign)).toEqual(decodeProtectedHeader(valid));
    await expect(
      jwtVerify(valid, publicKey, { currentDate: new Date(NOW * 1000) }),
    ).resolves.toBeTruthy();
    await expect(
      jwtVerify(foreign, publicKey, { currentDate: new Date(NOW * 1000) }),
    ).rejects.toThrow();
    expect(await exportJWK(publicKey)).toHaveProperty('crv', 'P-256');
  });

  it('a file gives its assertion (and a foreign-signed copy), nothing else', async () => {
    const { mint } = await issuer();
    const jwt = await mint({ iss: 'https://i', exp: NOW + 300 });
    const path = join(dir, 'assertion.jwt');
    writeFileSync(path, `${jwt}\n`);
    const source = fileAssertions(path);
    expect(await source.mint({}, signal)).toBe(jwt);
    expect(decodeJwt((await source.mint({ foreignKey: true }, signal))!)).toEqual(decodeJwt(jwt));
    expect(await source.mint({ expiresIn: -600 }, signal)).toBeUndefined();
    await expect(fileAssertions(join(dir, 'missing')).mint({}, signal)).rejects.toThrow(/ENOENT/);
  });

  it('a command is asked through SSOC_ASSERTION_* and its JWT is read from standard output', async () => {
    const source = commandAssertions(
      // Prints the variables it got as the payload of an unsigned-looking JWT.
      `printf 'noise\\n'; printf '%s' "$SSOC_IAM_APPLICATION_ARN|$SSOC_ASSERTION_EXPIRES_IN|$SSOC_ASSERTION_AUDIENCE|$SSOC_TARGET" | base64 | tr -d '=\\n' | tr '/+' '_-' | sed 's/^/eyJhbGciOiJub25lIn0./; s/$/.sig\\n/'`,
      { target: 'http://t', applicationArn: 'arn:x' },
      5000,
      (s) => s,
    );
    const jwt = (await source.mint({ expiresIn: -5, audience: 'aud' }, signal))!;
    const payload = Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8');
    expect(payload).toBe('arn:x|-5|aud|http://t');
    const failing = commandAssertions(
      'echo nope >&2; exit 3',
      { target: 't', applicationArn: 'a' },
      5000,
      (s) => s,
    );
    await expect(failing.mint({}, signal)).rejects.toThrow(
      /assertion command .* exited with 3: nope/,
    );
  });
});

describe('a reference server started by serve, as a --target', () => {
  it('mints assertions through POST /__admin/assertion', async () => {
    const server = await startReferenceServer({ port: 0, virtualClock: false });
    try {
      const source = adminRouteAssertions(server.url, 5000);
      const now = Date.now() / 1000;
      const valid = (await source.mint({}, signal))!;
      expect(assertionMismatch(valid, {}, now)).toBeUndefined();
      const expired = (await source.mint({ expiresIn: -600, audience: 'x' }, signal))!;
      expect(assertionMismatch(expired, { expiresIn: -600, audience: 'x' }, now)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('passes the CreateTokenWithIAM tests with --approver reference, and skips them with the reason without', async () => {
    // A second region's server (--iam-other-region-target) that shares the tokens' provenance.
    const partition = new RegionPartition();
    const server = await startReferenceServer({ port: 0, virtualClock: false, partition });
    const away = await startReferenceServer({
      port: 0,
      virtualClock: false,
      partition,
      iam: { region: 'eu-west-1' },
    });
    try {
      const run = (approver: 'reference' | 'none') =>
        runConformance(
          resolveConfig({
            flags: {
              target: server.url,
              approver,
              grep: '^AWS-IAM-',
              reports: '/dev/null',
              iamOtherRegionTarget: away.url,
              iamOtherRegion: 'eu-west-1',
            },
          }),
        );
      const served = await run('reference');
      expect(served.tests.length).toBeGreaterThanOrEqual(15);
      expect(served.tests.filter((t) => t.verdict !== 'passed').map((t) => t.name)).toEqual([]);
      expect(served.tests.filter((t) => /^AWS-IAM-REGION/.test(t.id)).length).toBe(4);
      const bare = await run('none');
      for (const t of bare.tests) {
        expect(t.verdict, t.name).toBe('skipped');
        expect(t.reason).toMatch(/--iam-application-arn|needs an approver/);
      }
    } finally {
      await Promise.all([server.close(), away.close()]);
    }
  });
});

describe('secrets of CreateTokenWithIAM in the results', () => {
  it('signatures, assertions, subject tokens and the secret key never appear in clear', async () => {
    const run = await runEmbedded({
      grep: '^AWS-IAM-(SIGV4|TOKEN-EXCHANGE|JWT-BEARER)',
      faults: ['iam-signature-not-verified', 'iam-exchange-refresh-token'],
    });
    expect(run.tests.some((t) => t.verdict === 'failed')).toBe(true);
    const text = JSON.stringify(run);
    expect(text).toContain('AWS4-HMAC-SHA256 «redacted:');
    expect(text).not.toMatch(/Signature=[0-9a-f]/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./);
    expect(text).not.toContain(REFERENCE_IAM_CREDENTIALS.secretAccessKey);
    const members = [...text.matchAll(/\\"(assertion|subjectToken)\\":\\"([^"\\]*)/g)];
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) expect(m[2]).toMatch(/^«redacted:[0-9a-f]{8}»$/);
  });
});
