import { isCitableId } from '../engine/catalogue.ts';
import type { Clock } from '../engine/clock.ts';
import type { Config } from '../engine/config.ts';
import type { Exchange, ExchangeLog } from '../http/exchange.ts';
import type { Level } from './levels.ts';
import { ApproverError, AuthorizationRefused, type Approver } from '../approvers/approver.ts';
import {
  AwsProfile,
  MAX_RETRY_AFTER,
  MAX_THROTTLE_RETRIES,
  type ThrottlePolicy,
} from '../profiles/aws.ts';
import type {
  ClientRegistration,
  CreateTokenWithIAMParams,
  DeviceAuthorization,
  IamTokenSet,
  Outcome,
  Profile,
  RegisterClientParams,
  TokenSet,
} from '../profiles/profile.ts';
import { DEVICE_CODE_GRANT, JWT_BEARER_GRANT } from '../profiles/profile.ts';
import {
  assertionMismatch,
  CredentialsUnavailable,
  describeAssertion,
  type AssertionOptions,
  type IamAvailability,
  type IamTarget,
} from '../aws/iam.ts';
import {
  signRequest,
  type AwsCredentials,
  type RequestToSign,
  type SigningFault,
} from '../aws/sigv4.ts';
import { DECISION_POLLS, MAX_SLOW_DOWNS_PER_POLL, pollMargin, Poller } from '../engine/poller.ts';
import { newCodeVerifier, newState, s256Challenge } from '../oauth/pkce.ts';
import {
  authorizationUrl,
  loopbackRedirect,
  parseRedirect,
  REDIRECT_URI,
  REGISTERED_REDIRECT_URI,
  type AuthorizationResponse,
} from '../oauth/authorization-request.ts';
import type { CheckResult } from '../engine/results.ts';
import { describeOutcome } from './describe.ts';

import { RateLimited, TestAbort, TestSkip } from './test-endings.ts';
export { RateLimited, TestAbort, TestSkip } from './test-endings.ts';

/**
 * Seconds before the end of a device code's lifetime from which an expired_token judges nothing
 * (skipIfLifetimeSpent): the server counts from its response, the harness from receiving it.
 */
const LIFETIME_END_TOLERANCE = 2;

export interface CheckSpec {
  requirement: string;
  /** Default: the test's level. */
  level?: Level;
  description: string;
  ok: boolean;
  /** Acceptable outcomes (any of). */
  expected: string | string[];
  actual: string;
  exchange?: Exchange;
  /** A fixture's precondition, not the test's own judgement (see CheckResult.fixture). */
  fixture?: true;
}

export { REDIRECT_URI, REGISTERED_REDIRECT_URI } from '../oauth/authorization-request.ts';

/** Registration the fixtures use: public, device and refresh grants (as the AWS CLI does). */
export const FIXTURE_REGISTRATION: RegisterClientParams = {
  clientName: 'sso-oidc-conformance',
  clientType: 'public',
  scopes: ['sso:account:access'],
  grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
};

export interface ContextServices {
  config: Config;
  profile: Profile;
  clock: Clock;
  approver?: Approver;
  signal: AbortSignal;
  log: ExchangeLog;
  level: Level;
  /** A profile whose exchanges are only counted (through `count`), not recorded. */
  quietProfile: (count: () => void) => AwsProfile;
  /** A profile for another endpoint (a second region's), recorded in the test's log. */
  profileAt?: (baseUrl: string) => AwsProfile;
  /** Remote targets share one registration across tests (CL-20); embedded tests register their own. */
  sharedClient?: () => Promise<Outcome<ClientRegistration>>;
  /** Remote targets: values shared by the tests of the run (code samples, say), to spare requests (CL-5). */
  shared?: Map<string, Promise<unknown>>;
  /** Every outcome the run has seen so far (for tests that run after the others). */
  observed: () => readonly Outcome<unknown>[];
  /** CreateTokenWithIAM: the target's application, credentials and assertions (or why none). */
  iam?: IamAvailability;
}

/** What the CreateTokenWithIAM tests see of the target's IAM side (`t.iam`). */
/** Tokens issued one after the other by one grant (see TestContext.sampleTokens). */
export interface TokenSample {
  /** In issue order: the device flow's, then one per successful refresh. */
  accessTokens: string[];
  /** In issue order, each distinct refresh token seen (one when the server does not rotate). */
  refreshTokens: string[];
  /** Why the chain ended before the requested size, if it did. */
  stopped?: string;
}

/**
 * The PKCE part of an authorization request: an S256 challenge, none, or an S256 challenge
 * labelled with a method no server supports (RFC 7636 §4.4.1).
 */
export type PkceRequest = 'S256' | 'none' | 'unsupported-method';

/** A transformation no PKCE server supports: not registered with IANA. */
export const UNSUPPORTED_PKCE_METHOD = 'S512';

export interface IamFixture {
  /** The application ARN, the clientId of CreateTokenWithIAM. */
  applicationArn: string;
  /** The endpoint region requests are signed for. */
  region: string;
  /** A redirect URI registered for the application. */
  redirectUri: string;
  /**
   * A fresh jwt-bearer assertion, valid unless `opts` asks for a broken one; skips the test when
   * the target's source cannot make it (or made something else).
   */
  assertion(opts?: AssertionOptions): Promise<string>;
}

/** What a test function receives: the target's profile, fixtures, checks. */
export class TestContext {
  readonly checks: CheckResult[] = [];
  readonly notes: string[] = [];
  readonly attached: Exchange[] = [];
  private readonly poller: Poller;
  private ownClient?: Promise<ClientRegistration>;
  private ownSession?: Promise<ClientRegistration>;
  private waited = 0;
  private readonly startedAt = new WeakMap<DeviceAuthorization, number>();

  constructor(private readonly s: ContextServices) {
    this.poller = new Poller(s.profile, s.clock, s.signal, (o) => {
      throw new RateLimited(
        `a poll was still slowed down after ${MAX_SLOW_DOWNS_PER_POLL} slow_downs (${describeOutcome(o)}): rate-limited, no verdict`,
      );
    });
    if (s.profile instanceof AwsProfile) s.profile.throttle = this.throttlePolicy();
  }

  /**
   * CL-18: throttling (HTTP 429, SlowDownException outside device-code polling; profiles/aws.ts
   * isThrottling) is retried after Retry-After, noted; a target that keeps it up skips.
   */
  private throttlePolicy(): ThrottlePolicy {
    return {
      sleep: (seconds) => this.sleep(seconds, 'a throttled request'),
      retrying: (op, o, wait) =>
        this.note(
          `${op} throttled (${describeOutcome(o)}, Retry-After ${o.headers['retry-after'] ?? 'absent'}); sent again after ${wait} s (CL-18)`,
        ),
      giveUp: (op, o) => {
        throw new RateLimited(
          `the target kept throttling ${op} (${describeOutcome(o)}, Retry-After ${o.headers['retry-after'] ?? 'absent'}; at most ${MAX_THROTTLE_RETRIES} retries, waits up to ${MAX_RETRY_AFTER} s): rate-limited, no verdict`,
        );
      },
    };
  }

  get profile(): Profile {
    return this.s.profile;
  }
  /** The AWS profile, for wire-level tests; skips the test under another profile. */
  get aws(): AwsProfile {
    if (this.s.profile instanceof AwsProfile) return this.s.profile;
    throw new TestSkip(`not applicable to the ${this.s.profile.name} profile`);
  }
  get clock(): Clock {
    return this.s.clock;
  }
  get config(): Config {
    return this.s.config;
  }
  get signal(): AbortSignal {
    return this.s.signal;
  }
  get hasApprover(): boolean {
    return this.s.approver !== undefined;
  }

  /**
   * Whether the approver acts as a user at the verification page: the reference approver (its
   * approval is the page's own logic), a person (manual), or an exec command declared to
   * (--approver-uses-page). A back-door script may accept what the page would refuse (an
   * expired or denied code), so what the page accepts is judged only through such an approver.
   */
  get approverUsesPage(): boolean {
    const a = this.s.approver;
    return a !== undefined && (a.name !== 'exec' || this.s.config.approverUsesPage);
  }
  /**
   * The AWS profile without an exchange log, for property-based tests: `count` is called per
   * request (their request budget). Replay a failing case through `aws` to record it.
   */
  quietAws(count: () => void): AwsProfile {
    this.aws; // skips under another profile
    const quiet = this.s.quietProfile(() => {
      this.unrecorded += 1;
      count();
    });
    quiet.throttle = this.throttlePolicy();
    return quiet;
  }

  /** Requests sent through quiet profiles (not in the exchange log). */
  unrecorded = 0;

  /** Outcomes observed by the whole run (meaningful in `after` tests). */
  observed(): readonly Outcome<unknown>[] {
    return this.s.observed();
  }

  // ---- checks ---------------------------------------------------------------------------

  /** Record one check; returns whether it held. */
  check(spec: CheckSpec): boolean {
    if (!isCitableId(spec.requirement))
      throw new Error(`check cites ${spec.requirement}, which is not in the requirement catalogue`);
    this.checks.push({
      requirement: spec.requirement,
      // An INFO test observes: none of its checks can fail or warn the run.
      level: this.s.level === 'INFO' ? 'INFO' : (spec.level ?? this.s.level),
      ok: spec.ok,
      description: spec.description,
      expected: Array.isArray(spec.expected) ? spec.expected : [spec.expected],
      actual: spec.actual,
      exchangeSeq: spec.exchange?.seq,
      ...(spec.fixture ? { fixture: true as const } : {}),
    });
    if (
      spec.exchange &&
      !this.attached.includes(spec.exchange) &&
      !this.ownsExchange(spec.exchange)
    )
      this.attached.push(spec.exchange);
    return spec.ok;
  }

  /** Like check, but stops the test when it fails (a precondition of what follows). */
  require(spec: CheckSpec): void {
    if (!this.check(spec)) throw new TestAbort(spec.description);
  }

  /** An observation for the report (info). */
  note(text: string): void {
    this.notes.push(text);
  }

  skip(reason: string): never {
    throw new TestSkip(reason);
  }

  private ownsExchange(e: Exchange): boolean {
    return this.s.log.exchanges.includes(e);
  }

  // ---- time -----------------------------------------------------------------------------

  /**
   * Declare a wait the test is about to need; against a real-time target a total above
   * --max-wait skips the test with the figure (virtual time is free).
   */
  requireWait(seconds: number, what: string): void {
    if (this.s.clock.kind === 'virtual') return;
    const total = this.waited + seconds;
    if (total > this.s.config.maxWait)
      this.skip(
        `needs a wait of ${Math.ceil(total)} s (${what}), more than --max-wait ${this.s.config.maxWait} s`,
      );
  }

  async sleep(seconds: number, what = 'wait'): Promise<void> {
    this.requireWait(seconds, what);
    this.waited += seconds;
    await this.s.clock.sleep(seconds, this.s.signal);
  }

  // ---- fixtures -------------------------------------------------------------------------

  /** A registered client: the test's own on the embedded server, the run's shared one elsewhere. */
  client(): Promise<ClientRegistration> {
    this.ownClient ??= (async () => {
      const outcome = this.s.sharedClient
        ? await this.s.sharedClient()
        : await this.s.profile.registerClient(FIXTURE_REGISTRATION);
      return this.requireRegistration(outcome);
    })();
    return this.ownClient;
  }

  /**
   * The client of a test that relies on a refresh token staying valid. An AWS registration is
   * reported to hold one session: an approval on it ends the refresh of the grants before it
   * (EVIDENCE.md E12). So such a test never shares its registration with another test's
   * approvals: the test's own client on the embedded server, on a remote target one registered
   * for this test instead of the run's shared one.
   */
  sessionClient(): Promise<ClientRegistration> {
    if (!this.s.sharedClient) return this.client();
    this.ownSession ??= this.newClient();
    return this.ownSession;
  }

  /** A fresh registration, whatever the target. */
  async newClient(
    params: RegisterClientParams = FIXTURE_REGISTRATION,
  ): Promise<ClientRegistration> {
    return this.requireRegistration(await this.s.profile.registerClient(params));
  }

  private requireRegistration(outcome: Outcome<ClientRegistration>): ClientRegistration {
    this.require({
      fixture: true,
      requirement: 'AWS-REG-200',
      level: 'MUST',
      description: 'RegisterClient with valid public-client metadata succeeds (fixture)',
      ok: outcome.kind === 'ok' && outcome.value !== undefined,
      expected: 'HTTP 200 with clientId',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
    if (this.s.profile.name === 'aws')
      this.require({
        fixture: true,
        requirement: 'AWS-REG-SECRET-FOR-PUBLIC',
        level: 'MUST',
        description:
          'the registration carries the clientSecret every later AWS call needs (fixture)',
        ok:
          typeof outcome.value!.clientSecret === 'string' && outcome.value!.clientSecret.length > 0,
        expected: 'clientSecret: non-empty string',
        actual:
          outcome.value!.clientSecret === undefined
            ? 'clientSecret absent'
            : outcome.value!.clientSecret.length > 0
              ? 'clientSecret present (redacted)'
              : 'clientSecret empty',
        exchange: outcome.exchange,
      });
    return outcome.value!;
  }

  /** Start a device authorization for `client` (default: this test's client). */
  async authorization(client?: ClientRegistration): Promise<{
    client: ClientRegistration;
    auth: DeviceAuthorization;
    outcome: Outcome<DeviceAuthorization>;
  }> {
    const c = client ?? (await this.client());
    // SlowDownException here sheds load (AWS-SLOWDOWN-LOAD): the profile retries it (CL-18).
    const outcome = await this.s.profile.startDeviceAuthorization({
      client: c,
      startUrl: this.s.config.startUrl,
    });
    this.require({
      fixture: true,
      requirement: 'DA-3.2-REQ-FIELDS',
      level: 'MUST',
      description:
        'StartDeviceAuthorization succeeds with deviceCode, userCode, verificationUri, expiresIn (fixture)',
      ok: outcome.kind === 'ok' && outcome.value !== undefined,
      expected: 'HTTP 200 with deviceCode, userCode, verificationUri, expiresIn',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
    const auth = outcome.value!;
    this.poller.state(auth).lastResponseAt = this.s.clock.monotonic();
    this.startedAt.set(auth, this.s.clock.monotonic());
    return { client: c, auth, outcome };
  }

  private approverOrSkip(): Approver {
    if (!this.s.approver)
      this.skip('needs an approver (--approver reference|exec|manual); none configured');
    return this.s.approver;
  }

  /** The end user approves this authorization (through the configured approver). */
  async approve(auth: DeviceAuthorization): Promise<void> {
    await this.approverOrSkip().decide('approve', auth, this.s.signal);
    this.poller.state(auth).approved = true;
  }

  /**
   * Like approve, but an approver failure comes back as its message instead of ending the
   * test: a test can then look at what the server says (an early expiry, say) before deciding.
   */
  async tryApprove(auth: DeviceAuthorization): Promise<ApproverError | undefined> {
    try {
      await this.approve(auth);
      return undefined;
    } catch (e) {
      if (e instanceof ApproverError) return e;
      throw e;
    }
  }

  /**
   * The end user approves by typing `typed` instead of the user code as displayed (RFC 8628
   * §6.1: without its dash, in lower case, with spaces). The approver gets `typed` as the user
   * code and no verification_uri_complete, so it must enter the code. An approver failure comes
   * back as its message, as in tryApprove.
   */
  async tryApproveTyped(
    auth: DeviceAuthorization,
    typed: string,
  ): Promise<ApproverError | undefined> {
    const entered: DeviceAuthorization = { ...auth, userCode: typed };
    delete entered.verificationUriComplete;
    try {
      await this.approverOrSkip().decide('approve', entered, this.s.signal);
      this.poller.state(auth).approved = true;
      return undefined;
    } catch (e) {
      if (e instanceof ApproverError) return e;
      throw e;
    }
  }

  /**
   * The user tries to approve what should no longer be approvable (`what`: "expired", say); the
   * approver's answer is a note, since the verdict comes from the next poll.
   */
  async attemptApproval(auth: DeviceAuthorization, what: string): Promise<void> {
    const refused = await this.tryApprove(auth);
    this.note(
      refused === undefined
        ? `the approver reported the ${what} user code approved`
        : `the approver could not approve the ${what} user code (${refused.message})`,
    );
  }

  /** Like tryApprove, for either decision. */
  async tryDecide(
    decision: 'approve' | 'deny',
    auth: DeviceAuthorization,
  ): Promise<ApproverError | undefined> {
    try {
      if (decision === 'approve') await this.approve(auth);
      else await this.deny(auth);
      return undefined;
    } catch (e) {
      if (e instanceof ApproverError) return e;
      throw e;
    }
  }

  /** The end user denies this authorization. */
  async deny(auth: DeviceAuthorization): Promise<void> {
    await this.approverOrSkip().decide('deny', auth, this.s.signal);
  }

  /** Skip now, before any request, when the test will need an approver and there is none. */
  needsApprover(): void {
    this.approverOrSkip();
  }

  /** Skip now unless the approver acts as a user at the verification page (approverUsesPage). */
  needsPageApprover(): void {
    this.approverOrSkip();
    if (!this.approverUsesPage)
      this.skip(
        'judges what the verification page accepts: needs an exec approver that uses the page as a user does (--approver-uses-page)',
      );
  }

  /**
   * A poll that respects the interval and slow_down (CL-1, CL-2, CL-4) and returns a real
   * answer: a slow_down, on any poll, is followed by another poll 5 s later (bounded; a target
   * that keeps slowing down skips the test). `raw` returns the first answer, slow_down included,
   * for the tests that judge slow_down itself.
   */
  async poll(
    client: ClientRegistration | { clientId: string; clientSecret?: string },
    auth: DeviceAuthorization,
    overrides?: { deviceCode?: string | null; raw?: boolean; expiryExpected?: boolean },
  ): Promise<Outcome<TokenSet>> {
    const o = await this.poller.poll(client, auth, overrides);
    if (!overrides?.expiryExpected) this.skipIfLifetimeSpent(auth, o);
    return o;
  }

  /**
   * A poll answered expired_token at the end of the code's lifetime judges nothing: the waits the
   * server itself asked for (slow_down, Retry-After, a decision shown a few polls late) or a short
   * expiresIn used the lifetime up before the test could conclude. Inconclusive, with the
   * figures. An expiry well before expiresIn stays the test's to judge; a test that waits for
   * the expiry on purpose polls with `expiryExpected`.
   */
  private skipIfLifetimeSpent(auth: DeviceAuthorization, o: Outcome<TokenSet>): void {
    if (o.error?.code !== 'expired_token' || !this.startedAt.has(auth)) return;
    const age = this.age(auth);
    if (age >= auth.expiresIn - LIFETIME_END_TOLERANCE)
      this.skip(
        `the device code expired at ${age.toFixed(1)} s of its ${auth.expiresIn} s lifetime (interval now ${this.pollInterval(auth)} s) before the test could judge: inconclusive`,
      );
  }

  /**
   * One poll sent at once, without waiting for the interval, answer as is: deliberately breaks
   * CL-1. Only the DA-3.5-SLOWDOWN-* tests use it, to see what over-eager polling gets.
   */
  pollEarly(client: ClientRegistration, auth: DeviceAuthorization): Promise<Outcome<TokenSet>> {
    return this.poller.poll(client, auth, { startImmediately: true, raw: true });
  }

  /** Seconds since this authorization's response arrived, on the test's clock. */
  age(auth: DeviceAuthorization): number {
    return this.s.clock.monotonic() - this.startedAt.get(auth)!;
  }

  /** Poll until success or a terminal error (CL-3). */
  async pollUntilDone(
    client: ClientRegistration,
    auth: DeviceAuthorization,
    maxPolls?: number,
  ): Promise<{ outcome: Outcome<TokenSet>; polls: Outcome<TokenSet>[] }> {
    const wait = this.poller.state(auth).interval * 2 + 2;
    this.requireWait(wait, 'polling until the approval takes effect');
    const done = await this.poller.untilDone(client, auth, maxPolls);
    this.skipIfLifetimeSpent(auth, done.outcome);
    return done;
  }

  /**
   * Poll after the user decided, until the decision shows: a server may make it visible a
   * little later (eventual consistency), so authorization_pending is polled through, at most
   * DECISION_POLLS times at the interval. Judge the answer this returns, not one poll.
   */
  async pollForDecision(
    client: ClientRegistration | { clientId: string; clientSecret?: string },
    auth: DeviceAuthorization,
    opts: { expiryExpected?: boolean } = {},
  ): Promise<Outcome<TokenSet>> {
    let o = await this.poll(client, auth, opts);
    for (let i = 1; i < DECISION_POLLS && o.error?.code === 'authorization_pending'; i++)
      o = await this.poll(client, auth, opts);
    return o;
  }

  /**
   * Skip, with the figures, when `wait` more seconds would end after the device code expires:
   * a lifetime too short for what the test needs makes it inconclusive, not failed.
   */
  requireLifetime(auth: DeviceAuthorization, wait: number, what: string): void {
    const left = auth.expiresIn - this.age(auth);
    if (wait > left - 0.1)
      this.skip(
        `${what} needs ${wait.toFixed(1)} s more but the device code has ${left.toFixed(1)} s left (expiresIn ${auth.expiresIn} s, interval ${this.pollInterval(auth)} s): inconclusive`,
      );
  }

  /** requireLifetime for `polls` more compliant polls (CL-1: interval + margin each). */
  requirePolls(auth: DeviceAuthorization, polls: number, what: string): void {
    const step = this.pollInterval(auth) + pollMargin(this.s.clock);
    this.requireLifetime(auth, polls * step, `${what} (${polls} polls ${step.toFixed(1)} s apart)`);
  }

  /** The interval the poller currently uses for this authorization. */
  pollInterval(auth: DeviceAuthorization): number {
    return this.poller.state(auth).interval;
  }

  /**
   * A value the run's tests share on a remote target (CL-5), taken by the first test that asks.
   * Its failure is that test's (its fixture checks recorded it); the others, which recorded
   * nothing of it, are skipped with the reason instead of ending without a check.
   */
  private async sharedValue<T>(key: string, take: () => Promise<T>): Promise<T> {
    const shared = this.s.shared;
    if (!shared) return take();
    if (!shared.has(key)) {
      const taken = take();
      shared.set(key, taken);
      return taken;
    }
    try {
      return (await shared.get(key)) as T;
    } catch (e) {
      // Skipped there (a wait over --max-wait, no approver): skipped here for the same reason.
      if (e instanceof TestSkip) return this.skip(e.message);
      return this.skip(
        `the sample shared with another test could not be taken: ${(e as Error)?.message ?? String(e)}`,
      );
    }
  }

  /**
   * `n` device authorizations started one after the other by one client, in issue order: the
   * sample code-quality tests judge. Shared by the run's tests on a remote target (CL-5).
   */
  sampleAuthorizations(n: number): Promise<DeviceAuthorization[]> {
    const take = async () => {
      const client = await this.client();
      const out: DeviceAuthorization[] = [];
      for (let i = 0; i < n; i++) out.push((await this.authorization(client)).auth);
      return out;
    };
    return this.sharedValue(`authorizations:${n}`, take);
  }

  /**
   * Tokens issued one after the other, for the token-quality tests: those of one device flow,
   * then those of up to `n - 1` refreshes, each presenting the latest refresh token. The chain
   * stops at the first refresh that fails (OA-6-REFRESH judges that; `stopped` says why) or when
   * no refresh token was issued. Shared by the run's tests on a remote target (CL-5): one approval.
   */
  sampleTokens(n: number): Promise<TokenSample> {
    const take = async (): Promise<TokenSample> => {
      this.needsApprover();
      // The refreshes below need the grant's session: a registration no other test approves on.
      const { client, tokens } = await this.tokens(await this.sessionClient());
      const sample: TokenSample = { accessTokens: [tokens.accessToken], refreshTokens: [] };
      let refreshToken = tokens.refreshToken;
      if (refreshToken === undefined) sample.stopped = 'the token response had no refreshToken';
      while (refreshToken !== undefined && sample.accessTokens.length < n) {
        sample.refreshTokens.push(refreshToken);
        const o = await this.refresh(client, refreshToken);
        if (o.kind !== 'ok' || o.value === undefined) {
          sample.stopped = `refresh ${sample.accessTokens.length} failed: ${describeOutcome(o)}`;
          return sample;
        }
        sample.accessTokens.push(o.value.accessToken);
        refreshToken = o.value.refreshToken ?? refreshToken;
      }
      if (refreshToken !== undefined && !sample.refreshTokens.includes(refreshToken))
        sample.refreshTokens.push(refreshToken);
      return sample;
    };
    return this.sharedValue(`tokens:${n}`, take);
  }

  /** An approved authorization redeemed for tokens. */
  async tokens(client?: ClientRegistration): Promise<{
    client: ClientRegistration;
    auth: DeviceAuthorization;
    tokens: TokenSet;
    outcome: Outcome<TokenSet>;
  }> {
    this.needsApprover();
    const { client: c, auth } = await this.authorization(client);
    const { outcome } = await this.approveAndRedeem(c, auth);
    return { client: c, auth, tokens: outcome.value!, outcome };
  }

  /** Approve an authorization and poll until it is redeemed, which must succeed. */
  private async approveAndRedeem(
    client: ClientRegistration,
    auth: DeviceAuthorization,
  ): Promise<{ outcome: Outcome<TokenSet> }> {
    await this.approve(auth);
    const { outcome } = await this.pollUntilDone(client, auth);
    this.require({
      fixture: true,
      requirement: 'DA-3.5-SUCCESS',
      level: 'MUST',
      description:
        'after approval, polling yields a token response with accessToken and tokenType (fixture)',
      ok: outcome.kind === 'ok' && outcome.value !== undefined,
      expected: 'HTTP 200 with accessToken, tokenType',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
    return { outcome };
  }

  /**
   * A refresh token obtained through the device flow: skips the test when the server issues
   * none (the refresh_token grant is optional). By default on the test's sessionClient, so
   * that no other test's approval can end the grant's session.
   */
  async refreshable(client?: ClientRegistration): Promise<{
    client: ClientRegistration;
    tokens: TokenSet & { refreshToken: string };
    outcome: Outcome<TokenSet>;
  }> {
    this.needsApprover();
    const got = await this.tokens(client ?? (await this.sessionClient()));
    if (got.tokens.refreshToken === undefined)
      this.skip(
        'the token response carried no refreshToken (client registered with the refresh_token grant and sso:account:access)',
      );
    return {
      client: got.client,
      tokens: got.tokens as TokenSet & { refreshToken: string },
      outcome: got.outcome,
    };
  }

  // ---- authorization code grant ----------------------------------------------------------

  /**
   * A client registered for the authorization code grant as the AWS CLI (v2.22+) and the AWS
   * Toolkit register one (EVIDENCE.md E8): the start URL as issuerUrl, the loopback redirect URI
   * without a port, the authorization_code and refresh_token grants. Its authorization endpoint
   * is the registration's, else `<target>/authorize`, which is where those clients send the
   * browser: AWS names none (authorizationEndpoint null) and they never read it.
   */
  async codeClient(): Promise<ClientRegistration & { authorizationEndpoint: string }> {
    const client = await this.newClient({
      clientName: 'sso-oidc-conformance',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REGISTERED_REDIRECT_URI],
      issuerUrl: this.s.config.startUrl,
    });
    return {
      ...client,
      authorizationEndpoint: client.authorizationEndpoint ?? `${this.aws.baseUrl}/authorize`,
    };
  }

  /**
   * The browser leg: the approver logs in and consents at the authorization endpoint; returns
   * what the redirect carried. `pkce: 'none'` sends no challenge (the downgrade probe). The
   * redirect URI is the registered one with `port` (default that of REDIRECT_URI), as the AWS
   * CLI sends it; the request asks for `scopes` space-separated, with an unpadded S256 challenge.
   */
  authorizeCode(
    client: ClientRegistration,
    opts: { pkce: PkceRequest; decision?: 'approve' | 'deny'; port?: number } = { pkce: 'S256' },
  ): Promise<{ response: AuthorizationResponse; verifier?: string; redirectUri: string }> {
    const redirectUri = opts.port === undefined ? REDIRECT_URI : loopbackRedirect(opts.port);
    return this.browserStep(
      {
        endpoint: client.authorizationEndpoint!,
        clientId: client.clientId,
        redirectUri,
        scopes: ['sso:account:access'],
        requirement: 'AWS-PKCE',
        // The client is fresh and valid: a page that will not send the browser back refuses
        // the ported redirect URI, or sends it elsewhere (RFC 8252 §7.3).
        redirect: {
          requirement: 'NAT-7.3-LOOPBACK-PORT',
          description: `the authorization endpoint sends the browser back to ${redirectUri}, the loopback redirect URI registered without a port (${REGISTERED_REDIRECT_URI}) with the port of the request (RFC 8252 §7.3) (fixture)`,
        },
      },
      opts,
    );
  }

  /** The browser step for any client: a registered one, or an IAM application (its ARN). */
  private async browserStep(
    request: {
      endpoint: string;
      clientId: string;
      redirectUri: string;
      scopes?: string[];
      /** What the fixture checks cite. */
      requirement: string;
      /** What the check that the browser comes back to redirectUri cites, if not `requirement`. */
      redirect?: { requirement: string; description: string };
    },
    opts: { pkce: PkceRequest; decision?: 'approve' | 'deny' },
  ): Promise<{ response: AuthorizationResponse; verifier?: string; redirectUri: string }> {
    const approver = this.approverOrSkip();
    if (!approver.authorize)
      this.skip(
        `the ${approver.name} approver cannot complete the browser step of the authorization code grant`,
      );
    const { redirectUri, requirement } = request;
    const verifier = opts.pkce === 'none' ? undefined : newCodeVerifier();
    const state = newState();
    const url = authorizationUrl({
      endpoint: request.endpoint,
      clientId: request.clientId,
      redirectUri,
      state,
      scopes: request.scopes,
      codeChallenge: verifier === undefined ? undefined : s256Challenge(verifier),
      codeChallengeMethod: opts.pkce === 'unsupported-method' ? UNSUPPORTED_PKCE_METHOD : 'S256',
    });
    const redirectCheck = {
      fixture: true as const,
      requirement: request.redirect?.requirement ?? requirement,
      level: 'MUST' as const,
      description:
        request.redirect?.description ??
        'the authorization endpoint redirects the browser back to the registered redirect URI (fixture)',
      expected: `a redirect to ${redirectUri}`,
    };
    let location: string;
    try {
      location = await approver.authorize(
        { url, redirectUri },
        opts.decision ?? 'approve',
        this.s.signal,
      );
    } catch (e) {
      // The page refused to send the browser back: the target's answer, not the approver's.
      if (!(e instanceof AuthorizationRefused)) throw e;
      this.check({ ...redirectCheck, ok: false, actual: e.message });
      throw new TestAbort(redirectCheck.description);
    }
    const response = parseRedirect(location, redirectUri);
    this.require({
      ...redirectCheck,
      ok: response !== undefined,
      actual: location.split('?')[0]!,
    });
    this.require({
      fixture: true,
      requirement,
      level: 'MUST',
      description: 'the redirect echoes the state of the request (RFC 6749 §4.1.2) (fixture)',
      ok: response!.state === state,
      expected: 'the same state',
      actual:
        response!.state === state
          ? 'the same state'
          : response!.state === undefined
            ? 'no state'
            : 'another state',
    });
    return { response: response!, verifier, redirectUri };
  }

  /**
   * An authorization code issued with an S256 challenge, for the registered loopback redirect
   * URI with `port` (default that of REDIRECT_URI); the test stops if none is issued.
   */
  async issuedCode(
    client: ClientRegistration,
    port?: number,
  ): Promise<{ code: string; verifier: string; redirectUri: string }> {
    const { response, verifier, redirectUri } = await this.authorizeCode(client, {
      pkce: 'S256',
      port,
    });
    this.requireCode(
      'PKCE-4.2-S256',
      'an authorization request with an S256 code_challenge is answered with a code',
      response,
    );
    return { code: response.code!, verifier: verifier!, redirectUri };
  }

  /** The test stops unless the browser came back with a code. */
  private requireCode(
    requirement: string,
    description: string,
    response: AuthorizationResponse,
  ): void {
    this.require({
      fixture: true,
      requirement,
      level: 'MUST',
      description,
      ok: response.code !== undefined,
      expected: 'a redirect carrying code',
      actual:
        response.code !== undefined
          ? 'a code'
          : response.error
            ? `error=${response.error}`
            : 'no code',
    });
  }

  /** CreateToken with the authorization_code grant. */
  redeemCode(
    client: ClientRegistration,
    p: { code: string; redirectUri?: string; codeVerifier?: string },
  ): Promise<Outcome<TokenSet>> {
    return this.s.profile.createToken({ client, grantType: 'authorization_code', ...p });
  }

  /** CreateToken with the refresh_token grant. */
  refresh(
    client: { clientId: string; clientSecret?: string },
    refreshToken: string,
    scope?: string[],
  ): Promise<Outcome<TokenSet>> {
    return this.s.profile.createToken({ client, grantType: 'refresh_token', refreshToken, scope });
  }

  // ---- CreateTokenWithIAM ----------------------------------------------------------------

  private iamTarget(): IamTarget {
    this.aws; // skips under another profile
    const a = this.s.iam ?? { unavailable: 'the target has no CreateTokenWithIAM settings' };
    if ('unavailable' in a) this.skip(a.unavailable);
    return a.iam;
  }

  /**
   * Skip now, before any request, when the test will need CreateTokenWithIAM and the target
   * has no application or no credentials (a test that first runs a device flow, say).
   */
  async needsIam(): Promise<void> {
    await this.iamCredentials(this.iamTarget());
  }

  private async iamCredentials(iam: IamTarget): Promise<AwsCredentials> {
    try {
      return await iam.credentials();
    } catch (e) {
      if (e instanceof CredentialsUnavailable) this.skip(e.message);
      throw e;
    }
  }

  /** The target's application and assertions; skips the test when there are none. */
  get iam(): IamFixture {
    const iam = this.iamTarget();
    return {
      applicationArn: iam.applicationArn,
      region: iam.region,
      redirectUri: iam.redirectUri,
      assertion: (opts = {}) => this.assertion(iam, opts),
    };
  }

  private async assertion(iam: IamTarget, opts: AssertionOptions): Promise<string> {
    const source = iam.assertions;
    if (!source)
      this.skip(
        'needs jwt-bearer assertions from the trusted token issuer (--iam-assertion-file or --iam-assertion-command)',
      );
    const jwt = await source.mint(opts, this.s.signal);
    if (jwt === undefined)
      this.skip(
        `${source.name} cannot make ${describeAssertion(opts)} (--iam-assertion-command can)`,
      );
    // A credential the harness made: hidden everywhere, whichever request carries it.
    this.aws.learnSecrets(jwt);
    const mismatch = assertionMismatch(jwt, opts, this.s.clock.epochSeconds());
    if (mismatch !== undefined)
      this.skip(`${source.name} was asked for ${describeAssertion(opts)}, but ${mismatch}`);
    return jwt;
  }

  /**
   * CreateTokenWithIAM for the target's application (unless `clientId` says otherwise), signed
   * with the target's credentials at the target's time, or wrongly as `fault` says.
   */
  async createTokenWithIAM(
    params: Omit<CreateTokenWithIAMParams, 'clientId'> & { clientId?: string },
    fault?: SigningFault,
  ): Promise<Outcome<IamTokenSet>> {
    const iam = this.iamTarget();
    // An unsigned request needs no credentials: it is sent even where there are none.
    const credentials =
      fault === 'unsigned'
        ? { accessKeyId: '', secretAccessKey: '' }
        : await this.iamCredentials(iam);
    return this.aws.createTokenWithIAM(
      { ...params, clientId: params.clientId ?? iam.applicationArn },
      {
        region: iam.region,
        credentials,
        now: new Date(this.s.clock.epochSeconds() * 1000),
        fault,
      },
    );
  }

  /**
   * SigV4 for raw CreateTokenWithIAM requests (the fuzzing sends bodies no typed call would):
   * the target's region and credentials, signed at the target's time when each request goes.
   */
  async iamSigner(): Promise<(request: RequestToSign) => Promise<Record<string, string>>> {
    const iam = this.iamTarget();
    const credentials = await this.iamCredentials(iam);
    return (request) =>
      signRequest(request, {
        region: iam.region,
        credentials,
        now: new Date(this.s.clock.epochSeconds() * 1000),
      });
  }

  /** Tokens from the jwt-bearer grant with a fresh assertion, which must succeed (fixture). */
  async iamTokens(scope?: string[]): Promise<{
    tokens: IamTokenSet;
    outcome: Outcome<IamTokenSet>;
  }> {
    const assertion = await this.iam.assertion();
    const outcome = await this.createTokenWithIAM({
      grantType: JWT_BEARER_GRANT,
      assertion,
      scope,
    });
    this.require({
      fixture: true,
      requirement: 'AWS-IAM-JWT-BEARER',
      level: 'MUST',
      description:
        'CreateTokenWithIAM with the jwt-bearer grant and a fresh assertion succeeds (fixture)',
      ok: outcome.kind === 'ok' && outcome.value !== undefined,
      expected: 'HTTP 200 with accessToken and tokenType',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
    return { tokens: outcome.value!, outcome };
  }

  /**
   * Tokens the same service's endpoint in a second region issued (jwt-bearer, with the same
   * application, credentials and assertion source), to show the target (AWS-IAM-REGION). Skips
   * when the user named no second region (--iam-other-region-target), or when that endpoint
   * gives no tokens: its failure says nothing about the target.
   */
  async otherRegionIamTokens(): Promise<{ tokens: IamTokenSet; region: string; endpoint: string }> {
    const here = this.iamTarget();
    if (!here.otherRegion || !this.s.profileAt)
      this.skip(
        "needs the endpoint of a second region (--iam-other-region-target) to show the target another region's tokens: not judged",
      );
    const { baseUrl, iam } = await here.otherRegion();
    const credentials = await this.iamCredentials(iam);
    const assertion = await this.assertion(iam, {});
    const away = this.s.profileAt(baseUrl);
    away.throttle = this.throttlePolicy();
    // Signed at the real time: the second region's clock is not the target's (virtual) one.
    const outcome = await away.createTokenWithIAM(
      { clientId: iam.applicationArn, grantType: JWT_BEARER_GRANT, assertion },
      { region: iam.region, credentials, now: new Date() },
    );
    if (outcome.kind !== 'ok' || outcome.value === undefined)
      this.skip(
        `the ${iam.region} endpoint ${baseUrl} issued no tokens (${describeOutcome(outcome)}): the region error is not judged`,
      );
    return { tokens: outcome.value, region: iam.region, endpoint: baseUrl };
  }

  /**
   * An authorization code issued to the target's application (its ARN as client_id, PKCE S256),
   * through the approver's browser step; the test stops if none is issued.
   */
  async iamCode(): Promise<{ code: string; verifier: string; redirectUri: string }> {
    const iam = this.iamTarget();
    const { response, verifier, redirectUri } = await this.browserStep(
      {
        endpoint: iam.authorizationEndpoint,
        clientId: iam.applicationArn,
        redirectUri: iam.redirectUri,
        requirement: 'AWS-IAM-AUTH-CODE',
      },
      { pkce: 'S256' },
    );
    this.requireCode(
      'AWS-IAM-AUTH-CODE',
      "an authorization request with the application's ARN and an S256 challenge is answered with a code (fixture)",
      response,
    );
    return { code: response.code!, verifier: verifier!, redirectUri };
  }
}
