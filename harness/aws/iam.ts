import { postAdminRoute } from '../http/admin-route.ts';
import { readFile } from 'node:fs/promises';
// jose by subpath: its index loads every module it has (JWE, JWKS ...), twice the load time.
import { decodeJwt } from 'jose/jwt/decode';
import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { generateKeyPair } from 'jose/key/generate/keypair';
import { generateSecret } from 'jose/key/generate/secret';
import { SignJWT } from 'jose/jwt/sign';
import { ConfigError, type Config } from '../engine/config.ts';
import { runShellCommand } from '../approvers/exec.ts';
import type { Redactor } from '../http/redact.ts';
import type { AwsCredentials } from './sigv4.ts';
import { REDIRECT_URI } from '../oauth/authorization-request.ts';

/**
 * What the CreateTokenWithIAM tests need of a target: the application (its ARN, region and
 * redirect URI), credentials to sign with, and a source of jwt-bearer assertions. The embedded
 * server brings all of it; a remote target gets it from the settings, SSOC_AWS_* and the
 * standard provider chain, or the tests skip with the reason.
 */

/** What an assertion is asked to be (the reference server's `mintAssertion` options). */
export interface AssertionOptions {
  /** Seconds from now until `exp`; negative: already expired. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  subject?: string;
  /** Signed by a key the target does not trust. */
  foreignKey?: boolean;
}

/** A source of jwt-bearer assertions. */
export interface AssertionSource {
  /** For skip reasons: `--iam-assertion-file`, say. */
  readonly name: string;
  /** An assertion as asked, or undefined when this source cannot make that kind. */
  mint(opts: AssertionOptions, signal: AbortSignal): Promise<string | undefined>;
}

export interface IamTarget {
  applicationArn: string;
  region: string;
  redirectUri: string;
  authorizationEndpoint: string;
  /** Resolved on first use (the provider chain may be slow), then kept for the run. */
  credentials(): Promise<AwsCredentials>;
  /** Absent: no assertion source configured. */
  assertions?: AssertionSource;
  /**
   * The same service in a second region (AWS-IAM-REGION), started or resolved on first use.
   * Absent: the user named none, and the region error is not judged.
   */
  otherRegion?: () => Promise<OtherRegion>;
}

/** A second region's endpoint and its IAM side: it issues the tokens the target must refuse. */
export interface OtherRegion {
  baseUrl: string;
  iam: IamTarget;
}

/**
 * The reference server's IAM side (its application, region, redirect URI and test
 * credentials), handed in by the embedded target (engine/target.ts): this module does not
 * import the reference (test/layers.test.ts).
 */
export interface ReferenceIam {
  applicationArn: string;
  region: string;
  redirectUri: string;
  credentials: AwsCredentials;
}

/** The IAM side of a target, or why there is none. */
export type IamAvailability = { iam: IamTarget } | { unavailable: string };

/** The AWS credentials could not be found: the IAM tests skip with this. */
export class CredentialsUnavailable extends Error {
  override readonly name = 'CredentialsUnavailable';
}

/** An assertion source failed: a harness problem on that test, never a verdict. */
export class AssertionSourceError extends Error {
  override readonly name = 'AssertionSourceError';
}

// ---- credentials ----------------------------------------------------------------------------

/**
 * SSOC_AWS_ACCESS_KEY_ID, SSOC_AWS_SECRET_ACCESS_KEY and SSOC_AWS_SESSION_TOKEN: environment
 * only, never a flag or a config key (command lines and files leak). Undefined when unset.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const accessKeyId = env.SSOC_AWS_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.SSOC_AWS_SECRET_ACCESS_KEY || undefined;
  const sessionToken = env.SSOC_AWS_SESSION_TOKEN || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    if (sessionToken !== undefined)
      throw new ConfigError(
        'SSOC_AWS_SESSION_TOKEN needs SSOC_AWS_ACCESS_KEY_ID and SSOC_AWS_SECRET_ACCESS_KEY',
      );
    return undefined;
  }
  if (accessKeyId === undefined || secretAccessKey === undefined)
    throw new ConfigError(
      'SSOC_AWS_ACCESS_KEY_ID and SSOC_AWS_SECRET_ACCESS_KEY are set together or not at all',
    );
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The standard AWS provider chain (environment, profiles, SSO, IMDS ...), loaded on first use. */
async function fromProviderChain(): Promise<AwsCredentials> {
  try {
    const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    const c = await fromNodeProviderChain()();
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
    };
  } catch (e) {
    throw new CredentialsUnavailable(
      `no AWS credentials to sign CreateTokenWithIAM with (set SSOC_AWS_ACCESS_KEY_ID and SSOC_AWS_SECRET_ACCESS_KEY, or configure the standard provider chain): ${oneLine(e)}`,
    );
  }
}

/** Resolve once, teach the redactor the secrets; a failure is kept too (no second slow probe). */
function memoCredentials(
  resolve: () => Promise<AwsCredentials>,
  redactor: Redactor,
): () => Promise<AwsCredentials> {
  let memo: Promise<AwsCredentials> | undefined;
  return () =>
    (memo ??= resolve().then((c) => {
      redactor.addSecret(c.secretAccessKey);
      if (c.sessionToken) redactor.addSecret(c.sessionToken);
      return c;
    }));
}

// ---- assertion sources ----------------------------------------------------------------------

/** The embedded server mints in-process. */
export function inProcessAssertions(mint: (opts: AssertionOptions) => Promise<string>) {
  return { name: 'the reference server', mint: (opts: AssertionOptions) => mint(opts) };
}

/** A reference server started by `serve`: POST /__admin/assertion → `{ assertion }`. */
export function adminRouteAssertions(baseUrl: string, timeoutMs: number): AssertionSource {
  return {
    name: 'the reference server admin route',
    async mint(opts, signal) {
      const url = `${baseUrl}/__admin/assertion`;
      const body = (await postAdminRoute(url, opts, {
        signal,
        timeoutMs,
        fail: (message) => new AssertionSourceError(message),
      })) as { assertion?: unknown };
      if (typeof body.assertion !== 'string')
        throw new AssertionSourceError(`${url} answered without an assertion`);
      return body.assertion;
    },
  };
}

/** `--iam-assertion-file`: one valid assertion, read at each use (it may be refreshed). */
export function fileAssertions(path: string): AssertionSource {
  return withForeignKey({
    name: '--iam-assertion-file',
    async mint(opts) {
      if (asksForVariant(opts)) return undefined;
      try {
        return (await readFile(path, 'utf8')).trim();
      } catch (e) {
        throw new AssertionSourceError(
          `cannot read --iam-assertion-file ${path}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`,
        );
      }
    },
  });
}

/**
 * `--iam-assertion-command`: run through `sh -c` for each assertion, it prints one JWT on
 * standard output. SSOC_ASSERTION_EXPIRES_IN, SSOC_ASSERTION_ISSUER, SSOC_ASSERTION_AUDIENCE and
 * SSOC_ASSERTION_SUBJECT ask for a broken one (empty: the normal value); the harness checks
 * the claims it gets, so a command that ignores them only makes those tests skip.
 */
export function commandAssertions(
  command: string,
  env: { target: string; applicationArn: string },
  timeoutMs: number,
  scrub: (text: string) => string,
): AssertionSource {
  return withForeignKey({
    name: '--iam-assertion-command',
    async mint(opts, signal) {
      const stdout = await runShellCommand({
        command,
        env: {
          SSOC_TARGET: env.target,
          SSOC_IAM_APPLICATION_ARN: env.applicationArn,
          SSOC_ASSERTION_EXPIRES_IN: opts.expiresIn === undefined ? '' : String(opts.expiresIn),
          SSOC_ASSERTION_ISSUER: opts.issuer ?? '',
          SSOC_ASSERTION_AUDIENCE: opts.audience ?? '',
          SSOC_ASSERTION_SUBJECT: opts.subject ?? '',
        },
        timeoutMs,
        signal,
        label: 'assertion command',
        what: describeAssertion(opts),
        scrub,
        fail: (message) => new AssertionSourceError(message),
      });
      const jwt = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/.exec(stdout)?.[0];
      if (!jwt) throw new AssertionSourceError('assertion command printed no JWT');
      return jwt;
    },
  });
}

/** Sources without the issuer's key make a foreign-signed assertion themselves: re-sign one. */
function withForeignKey(source: AssertionSource): AssertionSource {
  return {
    name: source.name,
    async mint(opts, signal) {
      const { foreignKey, ...rest } = opts;
      const jwt = await source.mint(rest, signal);
      return jwt === undefined || !foreignKey ? jwt : resignWithForeignKey(jwt);
    },
  };
}

function asksForVariant(opts: AssertionOptions): boolean {
  return (
    opts.expiresIn !== undefined ||
    opts.issuer !== undefined ||
    opts.audience !== undefined ||
    opts.subject !== undefined
  );
}

/** The same header and claims, signed with a fresh key of the same algorithm. */
export async function resignWithForeignKey(jwt: string): Promise<string> {
  const header = decodeProtectedHeader(jwt);
  const claims = decodeJwt(jwt);
  const alg = header.alg ?? 'ES256';
  const key = alg.startsWith('HS')
    ? await generateSecret(alg)
    : (await generateKeyPair(alg)).privateKey;
  return new SignJWT(claims).setProtectedHeader({ ...header, alg }).sign(key);
}

/** The claims of a JWT, unverified (what a client reads of an idToken); undefined if not a JWT. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** `an expired assertion (expiresIn -600)`: for messages. */
export function describeAssertion(opts: AssertionOptions): string {
  const parts = Object.entries(opts)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => `${k} ${v === true ? '' : String(v)}`.trim());
  return parts.length === 0 ? 'a valid assertion' : `an assertion with ${parts.join(', ')}`;
}

/**
 * Why `jwt` is not what was asked for, judged on its claims (undefined: it is). A source that
 * ignores a request (a command that always prints the same token) is caught here.
 */
export function assertionMismatch(
  jwt: string,
  opts: AssertionOptions,
  nowSeconds: number,
): string | undefined {
  let claims;
  try {
    claims = decodeJwt(jwt);
  } catch (e) {
    return `it is not a JWT (${oneLine(e)})`;
  }
  const exp = claims.exp;
  if (opts.expiresIn !== undefined && opts.expiresIn <= 0) {
    if (exp === undefined || exp > nowSeconds) return 'it has not expired';
  } else if (exp !== undefined && exp <= nowSeconds) {
    return `it expired ${Math.round(nowSeconds - exp)} s ago`;
  }
  if (opts.issuer !== undefined && claims.iss !== opts.issuer)
    return 'its iss is not the one asked';
  if (opts.subject !== undefined && claims.sub !== opts.subject)
    return 'its sub is not the one asked';
  if (opts.audience !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(opts.audience)) return 'its aud is not the one asked';
  }
  return undefined;
}

// ---- the IAM side of each kind of target ----------------------------------------------------

/** The embedded server: the reference's application, test credentials and in-process minting. */
export function embeddedIam(
  baseUrl: string,
  mint: (opts: AssertionOptions) => Promise<string>,
  reference: ReferenceIam,
  otherRegion?: () => Promise<OtherRegion>,
  region = reference.region,
): IamAvailability {
  return {
    iam: {
      applicationArn: reference.applicationArn,
      region,
      redirectUri: reference.redirectUri,
      authorizationEndpoint: `${baseUrl}/authorize`,
      credentials: async () => ({ ...reference.credentials }),
      assertions: inProcessAssertions(mint),
      otherRegion,
    },
  };
}

/** `https://oidc.us-east-1.amazonaws.com` → `us-east-1` (and the FIPS and dual-stack forms). */
export function regionOfEndpoint(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return /^oidc(?:-fips)?\.([a-z]{2}(?:-[a-z0-9]+)+-\d+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws|api\.amazonwebservices\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/.exec(
    host,
  )?.[1];
}

/**
 * A remote target. With `--approver reference` the target is a reference server started by
 * `serve`, whose application, region and test credentials are the defaults, and whose admin
 * route mints assertions; anything set explicitly wins. Elsewhere the application ARN is
 * needed, and credentials come from SSOC_AWS_* or the standard provider chain.
 */
export function remoteIam(
  config: Config,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  reference: ReferenceIam,
): IamAvailability {
  const baseUrl = config.target!;
  const served = config.approver === 'reference';
  const fromEnv = credentialsFromEnv(env);
  if (fromEnv) {
    redactor.addSecret(fromEnv.secretAccessKey);
    if (fromEnv.sessionToken) redactor.addSecret(fromEnv.sessionToken);
  }
  const applicationArn =
    config.iamApplicationArn ?? (served ? reference.applicationArn : undefined);
  if (applicationArn === undefined)
    return {
      unavailable:
        'needs the application ARN of the target (--iam-application-arn) to test CreateTokenWithIAM',
    };
  const region =
    config.iamRegion ?? regionOfEndpoint(baseUrl) ?? (served ? reference.region : undefined);
  if (region === undefined)
    return {
      unavailable:
        'needs the region of the target (--iam-region) to sign CreateTokenWithIAM requests',
    };
  const timeoutMs = config.approverTimeout * 1000;
  const assertions = config.iamAssertionFile
    ? fileAssertions(config.iamAssertionFile)
    : config.iamAssertionCommand
      ? commandAssertions(
          config.iamAssertionCommand,
          { target: baseUrl, applicationArn },
          timeoutMs,
          (t) => redactor.text(t),
        )
      : served
        ? adminRouteAssertions(baseUrl, timeoutMs)
        : undefined;
  // A test server gets the reference's test credentials, never real ones from the chain.
  const resolve = fromEnv
    ? async () => fromEnv
    : served
      ? async () => ({ ...reference.credentials })
      : fromProviderChain;
  const iam: IamTarget = {
    applicationArn,
    region,
    redirectUri: config.iamRedirectUri ?? (served ? reference.redirectUri : REDIRECT_URI),
    authorizationEndpoint: `${baseUrl}/authorize`,
    credentials: memoCredentials(resolve, redactor),
    assertions,
  };
  const other = config.iamOtherRegionTarget;
  if (other !== undefined) {
    const otherRegion = config.iamOtherRegion ?? regionOfEndpoint(other);
    if (otherRegion === undefined)
      throw new ConfigError(
        `--iam-other-region-target ${other} does not name its region in its host: add --iam-other-region`,
      );
    // The same application, credentials and assertions, in the other region; a served one
    // mints its own assertions.
    const away: OtherRegion = {
      baseUrl: other,
      iam: {
        ...iam,
        region: otherRegion,
        authorizationEndpoint: `${other}/authorize`,
        assertions: served ? adminRouteAssertions(other, timeoutMs) : assertions,
      },
    };
    iam.otherRegion = async () => away;
  }
  return { iam };
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}
