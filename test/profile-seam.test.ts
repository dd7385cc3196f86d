/**
 * The profile seam, proven with a stub second profile (issue 11, part 2; never shipped). The
 * stub speaks to the embedded reference server through the AWS profile but hands the suites an
 * OAuth-looking wire: snake_case bodies (`expires_in`), errors without x-amzn-ErrorType and no
 * front end. The whole default test list runs through runConformance under it: the RFC 8628 /
 * OAuth tests judge the normalised members and pass, the AWS-only tests are reported skipped,
 * and nothing fails or errs for wording reasons.
 */
import { describe, expect, it } from 'vitest';
import '../suites/index.ts';
import { registeredTests } from '../harness/api/registry.ts';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import type { RunResult } from '../harness/engine/results.ts';
import { awsProfile, type ProfileWiring } from '../harness/profiles/create.ts';
import type {
  ClientRegistration,
  CreateTokenParams,
  DeviceAuthorization,
  Outcome,
  Profile,
  RegisterClientParams,
  RegistrationRules,
  SentMembers,
  StartDeviceAuthorizationParams,
  TokenSet,
} from '../harness/profiles/profile.ts';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The body with every member renamed to snake_case, as an OAuth server would send it. */
function snakeBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [snake(k), v]));
}

/**
 * The AWS outcome as an OAuth wire would have given it: snake_case body, the members read back
 * by their snake_case names, an error with only the OAuth members (no type, no carrier).
 */
function asOAuth<T>(aws: Outcome<T>, names: readonly (keyof T & string)[]): Outcome<T> {
  const body = snakeBody(aws.body) as Record<string, unknown> | undefined;
  const sent: Partial<Record<keyof T, unknown>> = {};
  for (const name of names) if (body?.[snake(name)] !== undefined) sent[name] = body[snake(name)];
  const headers = Object.fromEntries(
    Object.entries(aws.headers).filter(([k]) => !k.startsWith('x-amzn-')),
  );
  const error =
    aws.kind === 'error'
      ? {
          code: typeof body?.error === 'string' ? body.error : undefined,
          description:
            typeof body?.error_description === 'string' ? body.error_description : undefined,
          sent: { code: body?.error, description: body?.error_description },
        }
      : undefined;
  return { ...aws, body, headers, sent: sent as SentMembers<T>, error, schemaErrors: [] };
}

/** The stub: a second profile over the AWS wire, seen by the suites through Profile alone. */
class SnakeCaseStub implements Profile {
  readonly name = 'rfc8628' as const;
  /** The reference server registers clients; a plain OAuth registration needs a client_id. */
  readonly registration: RegistrationRules = {
    succeeded: {
      requirement: 'DCR-3.2.1-CLIENTID',
      description: 'a registration with valid metadata succeeds (fixture)',
      expected: 'a success with client_id',
    },
    checks: () => [],
  };
  private readonly aws;
  constructor(private readonly wiring: ProfileWiring) {
    // The inner AWS profile observes nothing: the after-run rules see the stub's outcomes.
    this.aws = awsProfile({ ...wiring, observe: undefined });
  }
  private seen<T>(o: Outcome<T>): Outcome<T> {
    this.wiring.observe?.(o);
    return o;
  }
  async registerClient(p: RegisterClientParams): Promise<Outcome<ClientRegistration>> {
    const o = await this.aws.registerClient(p);
    return this.seen(
      asOAuth(o, [
        'clientId',
        'clientSecret',
        'clientIdIssuedAt',
        'clientSecretExpiresAt',
        'authorizationEndpoint',
        'tokenEndpoint',
      ]),
    );
  }
  async startDeviceAuthorization(
    p: StartDeviceAuthorizationParams,
  ): Promise<Outcome<DeviceAuthorization>> {
    const o = await this.aws.startDeviceAuthorization(p);
    return this.seen(
      asOAuth(o, [
        'deviceCode',
        'userCode',
        'verificationUri',
        'verificationUriComplete',
        'expiresIn',
        'interval',
      ]),
    );
  }
  async createToken(p: CreateTokenParams): Promise<Outcome<TokenSet>> {
    const o = await this.aws.createToken(p);
    return this.seen(
      asOAuth(o, ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'idToken', 'scope']),
    );
  }
}

const awsOnly = new Set(
  registeredTests()
    .filter((t) => t.meta.profiles?.length === 1 && t.meta.profiles[0] === 'aws')
    .map((t) => t.name),
);

describe('the profile seam, through a stub second profile', () => {
  let run: RunResult;

  it('runs the default test list to the end with nothing failed or in error', async () => {
    // The settings accept only 'aws' today; the stub takes the next profile's name past them.
    const config = { ...resolveConfig({ flags: { reports: '/dev/null' } }), profile: 'rfc8628' };
    run = await runConformance(config as never, {
      tests: registeredTests(),
      profiles: { rfc8628: (wiring) => new SnakeCaseStub(wiring) },
    });
    const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
    expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason ?? ''}`)).toEqual([]);
    expect(run.tests).toHaveLength(registeredTests().length);
  }, 120_000);

  it('reports every AWS-only test skipped, with the reason, having sent nothing', () => {
    const skipped = run.tests.filter((t) => awsOnly.has(t.name));
    expect(skipped.length).toBe(awsOnly.size);
    for (const t of skipped) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toBe('AWS-only: the target speaks rfc8628');
      expect(t.requestCount, t.name).toBe(0);
    }
  });

  it('judges the RFC 8628 field tests on the normalised members', () => {
    for (const id of ['DA-3.2-REQ-FIELDS', 'DA-3.2-OPT-FIELDS', 'OA-5.1-FIELDS', 'OA-5.1-JSON'])
      expect(
        run.tests.filter((t) => t.id === id).map((t) => t.verdict),
        id,
      ).toEqual(['passed']);
    expect(run.summary.requirements.judged).toBeGreaterThan(40);
  });

  it('prints no AWS wire wording in what the other tests checked', () => {
    const wording = run.tests
      .filter((t) => !awsOnly.has(t.name))
      .flatMap((t) => t.checks.map((c) => `${t.name}: ${String(c.actual)} / ${String(c.expected)}`))
      .filter((line) => /x-amzn|AWS front/i.test(line));
    expect(wording).toEqual([]);
  });
});
