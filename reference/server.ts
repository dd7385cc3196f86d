import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizeDecision, AuthorizeResult } from './authorization.ts';
import { authorizeDirect } from './authorize-page.ts';
import { RealClock, SkewedClock, VirtualClock } from './clock.ts';
import type { ServerContext } from './context.ts';
import { isFaultName, type FaultName } from './faults.ts';
import {
  isPersonaName,
  PERSONA_NAMES,
  PERSONAS,
  type Persona,
  type PersonaName,
} from './personas.ts';
import { createRequestListener } from './http.ts';
import { mintAssertionFor, type IamContext } from './iam.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_APPLICATION_REDIRECT_URIS,
  REFERENCE_APPLICATION_SCOPES,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
  REFERENCE_TRUSTED_ISSUER,
} from './iam-config.ts';
import { IamKeys, type AssertionOptions } from './jwt.ts';
import type { IamCredentials } from './sigv4.ts';
import { ReferenceState } from './state.ts';
import type { JWK } from 'jose';

export type { AssertionOptions } from './jwt.ts';
export type { IamCredentials } from './sigv4.ts';
export { RegionPartition } from './region-partition.ts';
import type { RegionPartition } from './region-partition.ts';

/**
 * The embedded reference server: a small conformant implementation of RegisterClient,
 * StartDeviceAuthorization, CreateToken (device_code, authorization_code with PKCE and
 * refresh_token grants), CreateTokenWithIAM (SigV4; authorization_code, refresh_token,
 * jwt-bearer and token-exchange grants) and the browser's /authorize, with virtual time and
 * seeded faults. A library: tests and the CLI start it in-process.
 */

/** CreateTokenWithIAM settings. */
export interface IamOptions {
  /** The region the server serves (SigV4 credential scope); default REFERENCE_IAM_REGION. */
  region?: string;
  /** Credentials whose signatures are accepted; default [REFERENCE_IAM_CREDENTIALS]. */
  credentials?: IamCredentials[];
}

export interface ResolvedIamOptions {
  region: string;
  credentials: IamCredentials[];
  /** The application clientId must name: REFERENCE_APPLICATION_ARN. */
  applicationArn: string;
}

export interface ReferenceServerOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default true. When false the real clock is used and /__admin/advance answers 409. */
  virtualClock?: boolean;
  /** Polling interval in seconds sent to clients; default 1 (what AWS sends). */
  interval?: number;
  /** Device authorization lifetime in seconds; default 600. */
  expiresIn?: number;
  /** Access token lifetime in seconds; default 3600. */
  accessTokenLifetime?: number;
  /** Client secret lifetime in seconds; default 90 days. */
  clientSecretLifetime?: number;
  /**
   * Verification URI sent to clients; default 'https://device.sso.reference.invalid/'.
   * `{url}` is replaced by the server's base URL, e.g. '{url}/device' for the built-in page.
   */
  verificationUri?: string;
  /**
   * 'off' (default): never slow_down. 'strict': per device code, a poll less than `interval`
   * seconds after the previous poll of that code gets SlowDownException and that code's
   * interval grows by 5 s, cumulatively (RFC 8628 §3.5), whether the code is pending,
   * approved or denied.
   */
  slowDown?: 'off' | 'strict';
  /** Seeded faults (see faults.ts); default none: the server is conformant. */
  faults?: FaultName[];
  /**
   * Behave like a vendor as recorded (personas.ts): its faults are added to `faults`, and its
   * interval, lifetimes and secret lifetime apply where the options above do not say.
   */
  like?: PersonaName;
  /** Request log, one line per request; never receives secrets. */
  log?: (line: string) => void;
  /** CreateTokenWithIAM: region and accepted credentials. */
  iam?: IamOptions;
  /**
   * Servers of other regions this one shares tokens' provenance with: a token one of them
   * issued is refused here with InvalidRequestRegionException (AWS-IAM-REGION).
   */
  partition?: RegionPartition;
}

export type ResolvedReferenceServerOptions = Required<
  Omit<ReferenceServerOptions, 'iam' | 'like' | 'partition'>
> & {
  iam: ResolvedIamOptions;
  like?: PersonaName;
};

export interface RunningReferenceServer {
  /** Base URL without trailing slash, e.g. 'http://127.0.0.1:41234'. */
  url: string;
  /** The options in effect: defaults filled in, the bound port, `{url}` substituted. */
  options: ResolvedReferenceServerOptions;
  /** Advances the virtual clock; throws when the server runs on the real clock. */
  advance(seconds: number): void;
  /**
   * The time a client's correct clock reads, in epoch milliseconds: the virtual clock's, when the
   * server has one, without the `clock-skew` variation's error (the server's own clock is off).
   */
  nowMs(): number;
  /** The end-user approves; false when the code is unknown, expired or already decided. */
  approve(userCode: string): boolean;
  /** The end-user denies; false when the code is unknown, expired or already decided. */
  deny(userCode: string): boolean;
  /** Whether the end user can deny at all (false under the `no-denial` variation). */
  offersDenial(): boolean;
  /**
   * The browser step of the authorization code grant: `url` is an authorization URL
   * (`<url>/authorize?response_type=code&...`; a path alone is taken relative to the server).
   * Runs the validation of GET /authorize, then the user's decision, and returns what the
   * browser gets: `{ status: 302, location }` (a code, or an error redirect), or
   * `{ status: 400 }` when the request may not be redirected (unknown client, redirect URI
   * missing or not registered, registration expired); `{ status: 404 }` for another path.
   */
  authorize(url: string, decision?: AuthorizeDecision): AuthorizeResult;
  /**
   * A jwt-bearer assertion of the trusted token issuer (ES256, times on the server clock):
   * valid by default; `expiresIn` (s, default 300; negative: already expired), `issuer`,
   * `audience`, `subject` ('' leaves sub out) and `foreignKey` (signed by an untrusted key) make
   * broken ones. Throws TypeError on bad options. Also `POST /__admin/assertion`.
   */
  mintAssertion(opts?: AssertionOptions): Promise<string>;
  /** The public key (JWK, ES256) idTokens are signed with (made on first use). */
  idTokenPublicJwk(): Promise<JWK>;
  /** Stops listening and drops every connection, keep-alive ones included. */
  close(): Promise<void>;
}

export const DEFAULT_VERIFICATION_URI = 'https://device.sso.reference.invalid/';
const NINETY_DAYS = 90 * 24 * 3600;

function integerOption(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `reference server option ${name} must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** Fills in defaults and validates; throws RangeError or TypeError on a bad option. */
export function resolveOptions(
  options: ReferenceServerOptions = {},
): ResolvedReferenceServerOptions {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '')
    throw new TypeError('host must be a non-empty string');
  const like = options.like;
  if (like !== undefined && !isPersonaName(like))
    throw new RangeError(`unknown persona: ${String(like)}; known: ${PERSONA_NAMES.join(', ')}`);
  const persona: Partial<Persona> = like ? PERSONAS[like] : {};
  const faults = options.faults ?? [];
  if (!Array.isArray(faults)) throw new TypeError('faults must be an array of fault names');
  for (const fault of faults) {
    if (!isFaultName(fault)) throw new RangeError(`unknown fault: ${String(fault)}`);
  }
  const slowDown = options.slowDown ?? 'off';
  if (slowDown !== 'off' && slowDown !== 'strict') {
    throw new RangeError("slowDown must be 'off' or 'strict'");
  }
  const verificationUri = options.verificationUri ?? DEFAULT_VERIFICATION_URI;
  if (
    typeof verificationUri !== 'string' ||
    !URL.canParse(verificationUri.replaceAll('{url}', 'http://127.0.0.1:1'))
  ) {
    throw new RangeError('verificationUri must be an absolute URI');
  }
  const log = options.log ?? (() => {});
  if (typeof log !== 'function') throw new TypeError('log must be a function');
  const maxSeconds = 100 * 365 * 24 * 3600;
  const iam = resolveIamOptions(options.iam);
  return {
    host,
    port: integerOption('port', options.port ?? 0, 0, 65535),
    virtualClock: options.virtualClock ?? true,
    interval: integerOption('interval', options.interval ?? persona.interval ?? 1, 0, 3600),
    expiresIn: integerOption(
      'expiresIn',
      options.expiresIn ?? persona.expiresIn ?? 600,
      1,
      maxSeconds,
    ),
    accessTokenLifetime: integerOption(
      'accessTokenLifetime',
      options.accessTokenLifetime ?? persona.accessTokenLifetime ?? 3600,
      1,
      maxSeconds,
    ),
    clientSecretLifetime: integerOption(
      'clientSecretLifetime',
      options.clientSecretLifetime ?? persona.clientSecretLifetime ?? NINETY_DAYS,
      1,
      maxSeconds,
    ),
    verificationUri,
    slowDown,
    faults: [...new Set([...(persona.faults ?? []), ...faults])],
    log,
    iam,
    ...(like ? { like } : {}),
  };
}

function resolveIamOptions(options: IamOptions = {}): ResolvedIamOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('iam must be an object');
  const region = options.region ?? REFERENCE_IAM_REGION;
  if (typeof region !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new RangeError('iam.region must be a region name such as us-east-1');
  }
  const credentials = options.credentials ?? [REFERENCE_IAM_CREDENTIALS];
  if (!Array.isArray(credentials) || credentials.length === 0) {
    throw new TypeError('iam.credentials must be a non-empty array');
  }
  const nonEmpty = (v: unknown) => typeof v === 'string' && v !== '';
  for (const c of credentials) {
    if (
      c === null ||
      typeof c !== 'object' ||
      !nonEmpty(c.accessKeyId) ||
      !nonEmpty(c.secretAccessKey) ||
      (c.sessionToken !== undefined && !nonEmpty(c.sessionToken))
    ) {
      throw new TypeError(
        'each of iam.credentials needs accessKeyId and secretAccessKey (and an optional sessionToken) as non-empty strings',
      );
    }
  }
  return {
    region,
    credentials: credentials.map((c) => ({ ...c })),
    applicationArn: REFERENCE_APPLICATION_ARN,
  };
}

/** The host as it goes into a URL: wildcard binds are reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** How far the server clock runs off the client's (behind) under the `clock-skew` variation. */
const CLOCK_SKEW_SECONDS = -7;

export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<RunningReferenceServer> {
  const resolved = resolveOptions(options);
  const virtualClock = resolved.virtualClock ? new VirtualClock() : undefined;
  const faults: ReadonlySet<FaultName> = new Set(resolved.faults);
  const unskewed = virtualClock ?? new RealClock();
  const clock = faults.has('clock-skew')
    ? new SkewedClock(unskewed, CLOCK_SKEW_SECONDS * 1000)
    : unskewed;
  const keys = new IamKeys();
  const state = new ReferenceState(
    {
      interval: resolved.interval,
      expiresIn: resolved.expiresIn,
      accessTokenLifetime: resolved.accessTokenLifetime,
      clientSecretLifetime: resolved.clientSecretLifetime,
      slowDown: resolved.slowDown,
      faults,
      region: resolved.iam.region,
    },
    clock,
  );
  const iam: IamContext = {
    region: resolved.iam.region,
    credentials: resolved.iam.credentials,
    application: {
      arn: resolved.iam.applicationArn,
      name: 'Reference application',
      scopes: REFERENCE_APPLICATION_SCOPES,
      redirectUris: REFERENCE_APPLICATION_REDIRECT_URIS,
    },
    trustedIssuer: REFERENCE_TRUSTED_ISSUER,
    keys,
  };
  state.registerApplication(iam.application);
  const ctx: ServerContext = {
    state,
    faults,
    clock,
    virtualClock,
    url: '',
    verificationUri: '',
    log: resolved.log,
    iam,
    partition: options.partition,
  };

  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    createRequestListener(ctx),
  );
  await listen(server, resolved.host, resolved.port);
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://${urlHost(resolved.host)}:${port}`;
  ctx.verificationUri = resolved.verificationUri.replaceAll('{url}', ctx.url);

  let closing: Promise<void> | undefined;
  return {
    url: ctx.url,
    options: { ...resolved, port, verificationUri: ctx.verificationUri },
    advance(seconds: number) {
      if (!virtualClock) throw new Error('the reference server runs on the real clock');
      virtualClock.advance(seconds);
    },
    nowMs: () => unskewed.nowMs(),
    approve: (userCode) => state.approve(userCode),
    deny: (userCode) => state.deny(userCode),
    offersDenial: () => state.offersDenial(),
    authorize: (url, decision = 'approve') => authorizeDirect(ctx, url, decision),
    mintAssertion: (opts = {}) => mintAssertionFor(ctx, opts),
    idTokenPublicJwk: () => keys.idTokenPublicJwk(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
