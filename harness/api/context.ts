import { isCitableId } from '../engine/catalogue.ts';
import type { Clock } from '../engine/clock.ts';
import { sleepTold, type WaitListener } from '../engine/waits.ts';
import type { Config } from '../engine/config.ts';
import type { CheckResult } from '../engine/results.ts';
import type { Exchange, ExchangeLog } from '../http/exchange.ts';
import type { Discovery, OauthEndpoints } from '../oauth/discovery.ts';
import type { Approver } from '../approvers/approver.ts';
import type { ApproverError } from '../approvers/approver.ts';
import type { IamAvailability } from '../aws/iam.ts';
import type { RequestToSign, SigningFault } from '../aws/sigv4.ts';
import { AwsProfile } from '../profiles/aws.ts';
import { Rfc8628Profile } from '../profiles/rfc8628.ts';
import {
  MAX_RETRY_AFTER,
  MAX_THROTTLE_RETRIES,
  type ThrottlePolicy,
} from '../profiles/throttle.ts';
import type {
  ClientCredentials,
  ClientRegistration,
  CreateTokenWithIAMParams,
  DeviceAuthorization,
  IamTokenSet,
  Outcome,
  Profile,
  RegisterClientParams,
  TokenSet,
} from '../profiles/profile.ts';
import type { Level } from './levels.ts';
import { describeOutcome } from './describe.ts';
import { RateLimited, TestAbort, TestSkip } from './test-endings.ts';
import { Approval } from './fixtures/approval.ts';
import * as code from './fixtures/authorization-code.ts';
import { DeviceFlow } from './fixtures/device-flow.ts';
import { Iam, type IamFixture } from './fixtures/iam.ts';
import { Registration } from './fixtures/registration.ts';
import { sampleAuthorizations, sampleTokens, type TokenSample } from './fixtures/samples.ts';

export { RateLimited, TestAbort, TestSkip } from './test-endings.ts';
export { FIXTURE_REGISTRATION } from './fixtures/registration.ts';
export { UNSUPPORTED_PKCE_METHOD, type PkceRequest } from './fixtures/authorization-code.ts';
export type { IamFixture } from './fixtures/iam.ts';
export type { TokenSample } from './fixtures/samples.ts';
export { REDIRECT_URI, REGISTERED_REDIRECT_URI } from '../oauth/authorization-request.ts';

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

/** What the runner gives a test: the target, its clock and approver, the run's shared values. */
export interface ContextServices {
  config: Config;
  profile: Profile;
  clock: Clock;
  approver?: Approver;
  signal: AbortSignal;
  log: ExchangeLog;
  level: Level;
  /** A profile (the run's kind) whose exchanges are only counted (through `count`), not recorded. */
  quietProfile: (count: () => void) => Profile;
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
  /** Told of the test's waits (live progress of a real-time run). */
  waits?: WaitListener;
}

/**
 * What a test function receives: the target's profile, checks, notes, skips and time. The
 * fixtures (registration, device flow, approval, authorization code, IAM, shared samples) live
 * in `fixtures/`, one module each; the members below that name them only delegate.
 *
 * One meaning per verb:
 * - `needs…` (needsApprover, needsPageApprover, needsIam, needsWait, needsLifetime, needsPolls)
 *   SKIPS the test: what it needs is missing here, so it cannot be judged (no verdict on the
 *   target). Call it before the first request where possible.
 * - `require…` (require, and the fixtures' requireCode, requireRegistration) records a check
 *   and, when it fails, STOPS the test: the target failed a precondition (a verdict).
 * - `skip` and `check` are the plain forms of each.
 */
export class TestContext {
  readonly checks: CheckResult[] = [];
  readonly notes: string[] = [];
  readonly attached: Exchange[] = [];
  /** Requests sent through quiet profiles (not in the exchange log). */
  unrecorded = 0;
  private waited = 0;

  private readonly registration = new Registration(this);
  private readonly device: DeviceFlow;
  private readonly approval: Approval;
  private readonly iamSide = new Iam(this);

  /** `services` is the runner's, read by the fixture modules; a suite uses the members below. */
  constructor(readonly services: ContextServices) {
    this.device = new DeviceFlow(this);
    this.approval = new Approval(this, (auth) => this.device.approved(auth));
    services.profile.throttle = this.throttlePolicy();
  }

  /**
   * CL-18: throttling (HTTP 429, SlowDownException outside device-code polling; profiles/aws.ts
   * isThrottling) is retried after Retry-After, noted; a target that keeps it up skips.
   */
  throttlePolicy(): ThrottlePolicy {
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
    return this.services.profile;
  }
  /** The plain OAuth profile, for tests of its wire; skips the test under another profile. */
  get oauth(): Rfc8628Profile {
    if (this.services.profile instanceof Rfc8628Profile) return this.services.profile;
    throw new TestSkip(`not applicable to the ${this.services.profile.name} profile`);
  }
  /**
   * The wire name of a member the harness names `member`, for a check's text: `expires_in` under
   * rfc8628, `expiresIn` under aws. A report names what the server sent.
   */
  wire(member: string): string {
    return this.services.profile.wireName(member);
  }
  /** The AWS profile, for wire-level tests; skips the test under another profile. */
  get aws(): AwsProfile {
    if (this.services.profile instanceof AwsProfile) return this.services.profile;
    throw new TestSkip(`not applicable to the ${this.services.profile.name} profile`);
  }
  get clock(): Clock {
    return this.services.clock;
  }
  get config(): Config {
    return this.services.config;
  }
  get signal(): AbortSignal {
    return this.services.signal;
  }
  /** Told of waits, for a poller a suite builds itself (live progress of a real-time run). */
  get waits(): WaitListener | undefined {
    return this.services.waits;
  }

  /**
   * The AWS profile without an exchange log, for property-based tests: `count` is called per
   * request (their request budget). Replay a failing case through `aws` to record it.
   */
  quietAws(count: () => void): AwsProfile {
    this.aws; // skips under another profile
    const quiet = this.quietProfile(count);
    if (quiet instanceof AwsProfile) return quiet;
    throw new Error(`the quiet profile is ${quiet.name}, not aws`);
  }

  /**
   * The run's profile without an exchange log, for property-based tests of RFC 8628 behaviour
   * (any profile): `count` is called per request. Replay a failing case through `profile`.
   */
  quietProfile(count: () => void): Profile {
    const quiet = this.services.quietProfile(() => {
      this.unrecorded += 1;
      count();
    });
    quiet.throttle = this.throttlePolicy();
    return quiet;
  }

  /** Outcomes observed by the whole run (meaningful in `after` tests). */
  observed(): readonly Outcome<unknown>[] {
    return this.services.observed();
  }

  // ---- checks ---------------------------------------------------------------------------

  /** Record one check; returns whether it held. */
  check(spec: CheckSpec): boolean {
    if (!isCitableId(spec.requirement))
      throw new Error(`check cites ${spec.requirement}, which is not in the requirement catalogue`);
    this.checks.push({
      requirement: spec.requirement,
      // An INFO test observes: none of its checks can fail or warn the run.
      level: this.services.level === 'INFO' ? 'INFO' : (spec.level ?? this.services.level),
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
      !this.services.log.exchanges.includes(spec.exchange)
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

  // ---- time -----------------------------------------------------------------------------

  /**
   * Declare a wait the test is about to need; against a real-time target a total above
   * --max-wait skips the test with the figure (virtual time is free).
   */
  needsWait(seconds: number, what: string): void {
    if (this.services.clock.kind === 'virtual') return;
    const total = this.waited + seconds;
    if (total > this.services.config.maxWait)
      this.skip(
        `needs a wait of ${Math.ceil(total)} s (${what}), more than --max-wait ${this.services.config.maxWait} s`,
      );
  }

  async sleep(seconds: number, what = 'wait'): Promise<void> {
    this.needsWait(seconds, what);
    this.waited += seconds;
    await sleepTold(this.services.clock, seconds, what, {
      signal: this.services.signal,
      listener: this.services.waits,
    });
  }

  // ---- fixtures: one-line delegations to fixtures/*.ts ---------------------------------

  // registration (fixtures/registration.ts)
  client(): Promise<ClientRegistration> {
    return this.registration.client();
  }
  sessionClient(): Promise<ClientRegistration> {
    return this.registration.sessionClient();
  }
  newClient(params?: RegisterClientParams): Promise<ClientRegistration> {
    return this.registration.newClient(params);
  }
  withWrongSecret(client: ClientRegistration): ClientRegistration {
    return this.registration.withWrongSecret(client);
  }
  withSecretOf(client: ClientRegistration, other: ClientRegistration): ClientRegistration {
    return this.registration.withSecretOf(client, other);
  }
  withoutSecret(client: ClientRegistration): ClientRegistration {
    return this.registration.withoutSecret(client);
  }
  withSecretUpperCased(client: ClientRegistration): ClientRegistration {
    return this.registration.withSecretUpperCased(client);
  }

  // approval (fixtures/approval.ts)
  get hasApprover(): boolean {
    return this.services.approver !== undefined;
  }
  get approverUsesPage(): boolean {
    return this.approval.usesPage;
  }
  approver(): Approver {
    return this.approval.approverOrSkip();
  }
  approve(auth: DeviceAuthorization): Promise<void> {
    return this.approval.approve(auth);
  }
  deny(auth: DeviceAuthorization): Promise<void> {
    return this.approval.deny(auth);
  }
  attemptDecision(
    decision: 'approve' | 'deny',
    auth: DeviceAuthorization,
    opts?: { typed?: string },
  ): Promise<ApproverError | undefined> {
    return this.approval.attemptDecision(decision, auth, opts);
  }
  needsApprover(): void {
    this.approval.needsApprover();
  }
  needsPageApprover(): void {
    this.approval.needsPageApprover();
  }

  // device flow (fixtures/device-flow.ts)
  /** The issuer's authorization server metadata (RFC 8414); skips where the profile has none. */
  async metadata(): Promise<Discovery & { endpoints: OauthEndpoints }> {
    const profile = this.profile;
    if (!profile.discoverMetadata)
      return this.skip(
        `the ${profile.name} profile's servers publish no authorization server metadata`,
      );
    return profile.discoverMetadata();
  }

  authorization(client?: ClientRegistration) {
    return this.device.authorization(client);
  }
  poll(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    overrides?: { deviceCode?: string | null; raw?: boolean; expiryExpected?: boolean },
  ): Promise<Outcome<TokenSet>> {
    return this.device.poll(client, auth, overrides);
  }
  pollEarly(client: ClientRegistration, auth: DeviceAuthorization): Promise<Outcome<TokenSet>> {
    return this.device.pollEarly(client, auth);
  }
  pollUntilDone(client: ClientRegistration, auth: DeviceAuthorization, maxPolls?: number) {
    return this.device.pollUntilDone(client, auth, maxPolls);
  }
  pollForDecision(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    opts?: { expiryExpected?: boolean },
  ): Promise<Outcome<TokenSet>> {
    return this.device.pollForDecision(client, auth, opts);
  }
  age(auth: DeviceAuthorization): number {
    return this.device.age(auth);
  }
  pollInterval(auth: DeviceAuthorization): number {
    return this.device.pollInterval(auth);
  }
  needsLifetime(auth: DeviceAuthorization, wait: number, what: string): void {
    this.device.needsLifetime(auth, wait, what);
  }
  needsPolls(auth: DeviceAuthorization, polls: number, what: string): void {
    this.device.needsPolls(auth, polls, what);
  }
  tokens(client?: ClientRegistration) {
    return this.device.tokens(client);
  }
  refreshable(client?: ClientRegistration) {
    return this.device.refreshable(client);
  }
  refresh(client: ClientCredentials, refreshToken: string, scope?: string[]) {
    return this.device.refresh(client, refreshToken, scope);
  }

  // authorization code (fixtures/authorization-code.ts)
  codeClient() {
    return code.codeClient(this);
  }
  authorizeCode(client: ClientRegistration, opts?: Parameters<typeof code.authorizeCode>[2]) {
    return code.authorizeCode(this, client, opts);
  }
  issuedCode(client: ClientRegistration, port?: number) {
    return code.issuedCode(this, client, port);
  }
  redeemCode(
    client: ClientRegistration,
    p: { code: string; redirectUri?: string; codeVerifier?: string },
  ): Promise<Outcome<TokenSet>> {
    return code.redeemCode(this, client, p);
  }

  // CreateTokenWithIAM (fixtures/iam.ts)
  get iam(): IamFixture {
    return this.iamSide.fixture();
  }
  needsIam(): Promise<void> {
    return this.iamSide.needsIam();
  }
  createTokenWithIAM(
    params: Omit<CreateTokenWithIAMParams, 'clientId'> & { clientId?: string },
    fault?: SigningFault,
  ): Promise<Outcome<IamTokenSet>> {
    return this.iamSide.createTokenWithIAM(params, fault);
  }
  iamSigner(): Promise<(request: RequestToSign) => Promise<Record<string, string>>> {
    return this.iamSide.signer();
  }
  iamTokens(scope?: string[]) {
    return this.iamSide.tokens(scope);
  }
  otherRegionIamTokens() {
    return this.iamSide.otherRegionTokens();
  }
  iamCode() {
    return this.iamSide.code();
  }

  // shared samples (fixtures/samples.ts)
  sampleAuthorizations(n: number): Promise<DeviceAuthorization[]> {
    return sampleAuthorizations(this, n);
  }
  sampleTokens(n: number): Promise<TokenSample> {
    return sampleTokens(this, n);
  }
}
