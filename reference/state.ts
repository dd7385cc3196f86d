import {
  AUTHORIZATION_CODE_LIFETIME,
  CONSENT_LIFETIME,
  challengeWellFormed,
  errorRedirect,
  queryParam,
  redirectWith,
  verifierMatches,
  type AuthorizationCheck,
  type AuthorizationEnd,
  type AuthorizationRequest,
  type AuthorizeDecision,
  type PkceMethod,
} from './authorization.ts';
import { randomBytes } from 'node:crypto';
import { epochSeconds, type ServerClock } from './clock.ts';
import {
  displayUserCode,
  newAccessToken,
  newAuthorizationCode,
  newConsentToken,
  newClientId,
  newClientSecret,
  newDeviceCode,
  newAwsClientId,
  newAwsClientSecret,
  newAwsDeviceCode,
  newAwsToken,
  type AwsSecretClaims,
  newRefreshToken,
  newUnsignedJwt,
  newUnverifiedJwt,
  unverifiedJti,
  newUserCode,
  normalizeUserCode,
  randomCode,
  sequentialCode,
  CONFUSABLE_ALPHABET,
  USER_CODE_ALPHABET,
  secretsEqual,
} from './codes.ts';
import { fail, ok, type Outcome } from './errors.ts';
import { actsInIam, type FaultName, type FaultSet } from './faults.ts';
import {
  ACCESS_TOKEN_TYPE,
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  REFRESH_TOKEN_TYPE,
  type CreateTokenInput,
  type RegisterClientInput,
  type StartDeviceAuthorizationInput,
} from './requests.ts';

/**
 * The protocol logic of the reference server over in-memory state: registered clients,
 * device authorizations, authorization codes, consents and token families. No HTTP here;
 * every operation returns a success value or a typed protocol error (or, for /authorize, a
 * redirect or a refusal), and reads time only from the injected clock.
 */

/** The kid of the AWS-shaped client secrets' header, as AWS writes it (X4). */
const SECRET_KEY_ID = 'key-1564028099';

export interface StateConfig {
  /** Seconds between polls the server asks for. */
  interval: number;
  /** Lifetime of a device authorization, seconds. */
  expiresIn: number;
  accessTokenLifetime: number;
  clientSecretLifetime: number;
  slowDown: 'off' | 'strict';
  faults: FaultSet;
  /** The region the server serves: aws-shaped-credentials writes it into clientIds. */
  region: string;
}

export const SUPPORTED_GRANT_TYPES: readonly string[] = [
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
];

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Scopes this server refuses although well-formed, so that InvalidScopeException is reachable. */
const DENIED_SCOPE_PREFIX = 'invalid';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const SLOW_DOWN_INCREMENT = 5;
/** `short-lifetime`: two polls at the interval do not fit in the lifetime. */
const SHORT_LIFETIME = { expiresIn: 8, interval: 5 };
/** Polls that do not yet see a decision under `decision-visible-late`. */
const DECISION_HIDDEN_POLLS = 2;

interface ClientRecord {
  clientId: string;
  clientSecret: string;
  clientName: string;
  clientType: string;
  grantTypes: ReadonlySet<string>;
  scopes: readonly string[];
  redirectUris: readonly string[];
  issuedAtSec: number;
  secretExpiresAtSec: number;
}

type AuthorizationStatus = 'pending' | 'approved' | 'denied';

interface DeviceAuthorizationRecord {
  deviceCode: string;
  /** Canonical form: 8 letters, no dash. */
  userCode: string;
  clientId: string;
  startUrl?: string;
  createdAtMs: number;
  expiresIn: number;
  /** Current interval for this code, seconds; grows by 5 on each slow_down. */
  intervalSec: number;
  lastPollMs?: number;
  /** A poll has reported the denial. */
  deniedSeen?: boolean;
  /** Polls of this code so far. */
  polls?: number;
  /** Ended by a fault (slow-down-terminal, fast-poll-expires): answers expired from then on. */
  killed?: boolean;
  /** slow_downs sent for this code (interval enforcement). */
  slowDowns?: number;
  /** A poll of this code was shed under `slow-down-first-poll`. */
  shed?: boolean;
  /** Polls that still answer pending after a decision, under `decision-visible-late`. */
  decisionHiddenFor?: number;
  status: AuthorizationStatus;
  redeemed: boolean;
  /** one-session-per-registration: the session its approval started. */
  session?: number;
}

/**
 * The tokens that descend from one grant: a device-code or authorization-code redemption
 * (RFC 9700 §4.14.2). Revoking it kills its refresh and access tokens.
 */
interface TokenFamily {
  clientId: string;
  revoked: boolean;
  /** one-session-per-registration: the session of the approval the grant came from. */
  session?: number;
  /** The scopes granted; widened only under `refresh-widens-scope`. */
  scopes: readonly string[];
  /** The Identity Center user of the grant; absent: REFERENCE_USER_ID. */
  subject?: string;
  /** When the user authenticated (the idToken's auth_time); absent: the first issuance. */
  authTimeMs?: number;
}

/** An authorization code (RFC 6749 §4.1.2) and what it is bound to. */
interface AuthorizationCodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  createdAtMs: number;
  redeemed: boolean;
  /** The family of the tokens issued for it: revoked when the code is presented again. */
  familyId?: number;
  /** one-session-per-registration: the session its approval started. */
  session?: number;
}

/** A consent page shown and not yet answered. */
interface ConsentRecord {
  request: AuthorizationRequest;
  createdAtMs: number;
}

interface RefreshTokenRecord {
  familyId: number;
  clientId: string;
  /** Rotated away: presenting it again is a replay and revokes the family. */
  retired: boolean;
  /** Issued by a refresh, not by the grant itself (rotation-retires-first-only spares it). */
  successor?: boolean;
}

interface AccessTokenRecord {
  clientId: string;
  familyId?: number;
  expiresAtMs: number;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  clientIdIssuedAt: number;
  clientSecretExpiresAt: number;
}

export interface StartedAuthorization {
  deviceCode: string;
  /** Display form `XXXX-XXXX`. */
  userCode: string;
  expiresIn: number;
  interval: number;
}

export interface IssuedTokens {
  accessToken: string;
  tokenType: 'Bearer';
  /** Relative seconds. */
  expiresIn: number;
  refreshToken?: string;
  /** Sent only under `refresh-widens-scope` (AWS CreateToken returns no scope). */
  scope?: string[];
  issuedAtMs: number;
  /** The token family (never sent). */
  familyId: number;
}

/** The user every grant but jwt-bearer is for: the one who approves at /device and /authorize. */
export const REFERENCE_USER_ID = '94f8d4a8-1071-70e1-5c0b-000000000001';

/** The application of CreateTokenWithIAM, registered in the state as a pseudo-client. */
export interface IamApplication {
  arn: string;
  name: string;
  scopes: readonly string[];
  redirectUris: readonly string[];
}

/** What a CreateTokenWithIAM grant issued. */
export interface IamIssued {
  tokens: IssuedTokens;
  /** The scopes of this access token (after downscoping). */
  scope: string[];
  /** The Identity Center user the tokens are for. */
  userId: string;
  authTimeMs: number;
}

/** A downscoping step: the scopes of the grant in, the scopes of the new token out. */
type Downscope = (base: readonly string[]) => Outcome<string[]>;

/** What the verification page shows about a user code. */
export interface UserCodeInfo {
  userCode: string;
  clientName: string;
  state: AuthorizationStatus | 'expired' | 'redeemed';
}

export class ReferenceState {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly byDeviceCode = new Map<string, DeviceAuthorizationRecord>();
  private readonly byUserCode = new Map<string, DeviceAuthorizationRecord>();
  /** Only used under the `device-code-reused` fault. */
  private readonly lastAuthorizationOf = new Map<string, DeviceAuthorizationRecord>();
  /** Only used under the `duplicate-client-id` fault. */
  private sharedCredentials?: { clientId: string; clientSecret: string };
  private readonly families = new Map<number, TokenFamily>();
  /** one-session-per-registration: each client's current session, the latest approval's. */
  private readonly sessions = new Map<string, number>();
  private nextSession = 1;
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  private readonly consents = new Map<string, ConsentRecord>();
  private nextFamilyId = 1;
  /** Counters of the weak-code faults. */
  private issued = 0;
  private tokensIssued = 0;
  /** Clients whose first StartDeviceAuthorization was shed (start-slow-down-once). */
  private readonly shedOnce = new Set<string>();
  private userCodesIssued = 0;
  /** The application of CreateTokenWithIAM, once registered. */
  private application?: IamApplication;
  /** The faults `has` answers for: all, or inside CreateTokenWithIAM those that act there. */
  private activeFaults: FaultSet;
  private readonly iamFaults: FaultSet;
  /** Signs AWS-shaped client secrets (aws-shaped-credentials). */
  private readonly secretKey = randomBytes(48);

  constructor(
    private readonly config: StateConfig,
    private readonly clock: ServerClock,
  ) {
    this.activeFaults = config.faults;
    this.iamFaults = new Set([...config.faults].filter(actsInIam));
  }

  private has(fault: FaultName): boolean {
    return this.activeFaults.has(fault);
  }

  /** AWS-CT-GRANT-RESTRICT: a client may use only the grants it registered. */
  private allows(client: ClientRecord, grantType: string): boolean {
    return this.has('grant-not-restricted') || client.grantTypes.has(grantType);
  }

  /** DCR-3.2.1-EXPIRY-ENFORCED: after clientSecretExpiresAt the registration is dead. */
  private registrationExpired(client: ClientRecord): boolean {
    if (this.has('registration-never-expires')) return false;
    return this.clock.nowMs() >= client.secretExpiresAtSec * 1000;
  }

  // RegisterClient

  registerClient(input: RegisterClientInput): Outcome<RegisteredClient> {
    if (input.clientType !== 'public' && !this.has('accept-confidential')) {
      return fail('InvalidClientMetadataException', 'Only clientType public is supported');
    }
    const grantTypes = input.grantTypes ?? SUPPORTED_GRANT_TYPES;
    if (!this.has('accept-bad-grant-type')) {
      if (grantTypes.some((g) => !SUPPORTED_GRANT_TYPES.includes(g))) {
        return fail('UnsupportedGrantTypeException', 'Unsupported grant type in grantTypes');
      }
    }
    const redirectUris = input.redirectUris ?? [];
    if (!this.has('accept-bad-redirect')) {
      const problem = redirectUris.map(redirectUriProblem).find((p) => p !== undefined);
      if (problem) return fail('InvalidRedirectUriException', `Invalid redirect URI: ${problem}`);
    }
    const scopes = input.scopes ?? [];
    const badScope = (s: string) => !SCOPE_TOKEN.test(s) || s.startsWith(DENIED_SCOPE_PREFIX);
    if (!this.has('accept-bad-scope') && scopes.some(badScope)) {
      return fail('InvalidScopeException', 'Invalid scope in scopes');
    }

    const nowMs = this.clock.nowMs();
    const nowSec = epochSeconds(nowMs);
    const credentials = this.newCredentials({
      clientName: input.clientName,
      scopes,
      // AWS's payload has microseconds; the registration's own figures are whole seconds.
      createdTimestamp: nowMs / 1000,
      expirationTimestamp: nowMs / 1000 + this.config.clientSecretLifetime,
    });
    const record: ClientRecord = {
      ...credentials,
      clientName: input.clientName,
      clientType: input.clientType,
      grantTypes: new Set(grantTypes),
      scopes,
      redirectUris,
      issuedAtSec: nowSec,
      secretExpiresAtSec: nowSec + this.config.clientSecretLifetime,
    };
    this.clients.set(record.clientId, record);
    return ok({
      clientId: record.clientId,
      clientSecret: record.clientSecret,
      clientIdIssuedAt: record.issuedAtSec,
      clientSecretExpiresAt: record.secretExpiresAtSec,
    });
  }

  private newCredentials(claims: AwsSecretClaims): { clientId: string; clientSecret: string } {
    if (this.has('duplicate-client-id')) {
      this.sharedCredentials ??= { clientId: newClientId(), clientSecret: newClientSecret() };
      return this.sharedCredentials;
    }
    const next = () =>
      this.has('aws-shaped-credentials') ? newAwsClientId(this.config.region) : newClientId();
    let clientId = next();
    while (this.clients.has(clientId)) clientId = next();
    return { clientId, clientSecret: this.newClientSecret(clientId, claims) };
  }

  /** Opaque, or a JWS shaped like AWS's that carries its own expiry (AWS-REG-SECRET-EXPIRY). */
  private newClientSecret(clientId: string, claims: AwsSecretClaims): string {
    // secret-expiry-mismatch: the secret says it expires a day after the registration does.
    if (this.has('secret-expiry-mismatch'))
      return newAwsClientSecret(
        clientId,
        { ...claims, expirationTimestamp: claims.expirationTimestamp + 86_400 },
        this.secretKey,
        SECRET_KEY_ID,
      );
    if (this.has('aws-shaped-credentials'))
      return newAwsClientSecret(clientId, claims, this.secretKey, SECRET_KEY_ID);
    return newClientSecret();
  }

  /** Client authentication shared by StartDeviceAuthorization and CreateToken. */
  private authenticate(
    clientId: string,
    clientSecret: string,
    operation: 'StartDeviceAuthorization' | 'CreateToken',
  ): Outcome<ClientRecord> {
    const client = this.clients.get(clientId);
    if (!client) {
      if (this.has('unknown-client-invalid-request'))
        return fail('InvalidRequestException', 'Unknown clientId');
      return fail('InvalidClientException', 'Invalid client credentials');
    }
    // registration-expiry-sda-only: the expiry is enforced where a flow starts, nowhere after.
    // expired-registration-starts-authorization (AWS, E7): the reverse, only where it starts.
    const enforced =
      operation === 'StartDeviceAuthorization'
        ? !this.has('expired-registration-starts-authorization')
        : !this.has('registration-expiry-sda-only');
    if (enforced && this.registrationExpired(client)) {
      return fail('InvalidClientException', 'Client registration has expired');
    }
    if (!this.has('secret-not-checked') && !secretsEqual(clientSecret, client.clientSecret)) {
      if (operation === 'StartDeviceAuthorization' && this.has('wrong-exception-for-op')) {
        return fail('InvalidGrantException', 'Invalid client secret');
      }
      return fail('InvalidClientException', 'Invalid client credentials');
    }
    return ok(client);
  }

  // StartDeviceAuthorization

  startDeviceAuthorization(input: StartDeviceAuthorizationInput): Outcome<StartedAuthorization> {
    const auth = this.authenticate(input.clientId, input.clientSecret, 'StartDeviceAuthorization');
    if (!auth.ok) return auth;
    const client = auth.value;
    if (!this.allows(client, DEVICE_CODE_GRANT)) {
      return fail('UnauthorizedClientException', 'Client is not registered for the device grant');
    }
    if (this.has('start-slow-down-once') && !this.shedOnce.has(client.clientId)) {
      this.shedOnce.add(client.clientId);
      return fail('SlowDownException', 'Too many requests, slow down');
    }

    const previous = this.has('device-code-reused')
      ? this.lastAuthorizationOf.get(client.clientId)
      : undefined;
    const record: DeviceAuthorizationRecord = previous ?? {
      deviceCode: this.uniqueDeviceCode(),
      userCode: this.uniqueUserCode(),
      clientId: client.clientId,
      createdAtMs: 0,
      expiresIn: 0,
      intervalSec: 0,
      status: 'pending',
      redeemed: false,
    };
    // (Re)start the authorization; under `device-code-reused` the old codes come back to life.
    record.startUrl = input.startUrl;
    record.createdAtMs = this.clock.nowMs();
    record.expiresIn = this.has('user-code-lifetime-day') ? 86_400 : this.config.expiresIn;
    record.intervalSec = this.config.interval;
    if (this.has('short-lifetime')) {
      record.expiresIn = SHORT_LIFETIME.expiresIn;
      record.intervalSec = SHORT_LIFETIME.interval;
    }
    record.lastPollMs = undefined;
    record.polls = 0;
    record.killed = false;
    record.shed = false;
    record.slowDowns = 0;
    record.status = this.has('auto-approve') ? 'approved' : 'pending';
    record.redeemed = false;
    this.byDeviceCode.set(record.deviceCode, record);
    this.byUserCode.set(record.userCode, record);
    if (this.has('device-code-reused')) this.lastAuthorizationOf.set(client.clientId, record);

    return ok({
      deviceCode: record.deviceCode,
      userCode: displayUserCode(record.userCode),
      expiresIn: record.expiresIn,
      interval: record.intervalSec,
    });
  }

  private uniqueDeviceCode(): string {
    const next = () =>
      // A fixed prefix and a counter: guessable, and only 32 bits of anything.
      this.has('weak-device-codes')
        ? `dc-${(this.issued++).toString(16).padStart(8, '0')}`
        : this.has('aws-shaped-credentials')
          ? newAwsDeviceCode()
          : newDeviceCode();
    let code = next();
    while (this.byDeviceCode.has(code)) code = next();
    return code;
  }

  /** Strict slow_down mode, or a fault that only makes sense with it. */
  private get enforcesInterval(): boolean {
    return (
      this.config.slowDown === 'strict' ||
      this.has('slow-down-double-penalty') ||
      this.has('slow-down-terminal') ||
      this.has('second-slow-down-terminal')
    );
  }

  /** The alphabet user codes are drawn from (and normalised with). */
  private get userCodeAlphabet(): string {
    return this.has('confusable-user-codes') ? CONFUSABLE_ALPHABET : USER_CODE_ALPHABET;
  }

  private normalize(userCode: string): string {
    // user-code-exact-match: only the code exactly as displayed (dash, upper case) is found.
    if (this.has('user-code-exact-match')) {
      const canonical = userCode.replace('-', '');
      return displayUserCode(canonical) === userCode ? canonical : `!${userCode}`;
    }
    return normalizeUserCode(userCode, this.userCodeAlphabet);
  }

  private uniqueUserCode(): string {
    const next = () => {
      if (this.has('sequential-user-codes'))
        return sequentialCode(1_000 + this.userCodesIssued++, USER_CODE_ALPHABET, 8);
      if (this.has('short-user-codes')) return randomCode(USER_CODE_ALPHABET, 4);
      if (this.has('confusable-user-codes')) return randomCode(CONFUSABLE_ALPHABET, 8);
      return newUserCode();
    };
    let code = next();
    for (let tries = 0; this.byUserCode.has(code) && tries < 1000; tries++) code = next();
    return code;
  }

  private isExpired(record: DeviceAuthorizationRecord): boolean {
    if (this.has('no-expiry')) return false;
    // early-expiry: the codes die at half the lifetime they advertise.
    const lifetimeMs = record.expiresIn * 1000 * (this.has('early-expiry') ? 0.5 : 1);
    return this.clock.nowMs() >= record.createdAtMs + lifetimeMs;
  }

  // The end-user step (admin routes, verification page)

  /** False when the code is unknown, expired, already decided or redeemed. */
  approve(userCode: string): boolean {
    const known = this.byUserCode.get(this.normalize(userCode));
    // Approving what is already approved (and not yet redeemed) is idempotent.
    if (known?.status === 'approved' && !known.redeemed && !this.isExpired(known)) return true;
    // approve-after-deny: a denial the device has already seen can be overturned.
    if (this.has('approve-after-deny') && known?.status === 'denied' && known.deniedSeen) {
      known.status = 'approved';
      return true;
    }
    // denied-code-reapprovable: a denial the device has not seen yet can be overturned.
    if (this.has('denied-code-reapprovable') && known?.status === 'denied' && !known.deniedSeen) {
      known.status = 'approved';
      return true;
    }
    // approval-revives-expired: approving an expired code restarts its lifetime.
    if (this.has('approval-revives-expired') && known?.status === 'pending' && !known.redeemed) {
      if (this.isExpired(known)) known.createdAtMs = this.clock.nowMs();
    }
    const record = this.decidable(userCode);
    if (!record) return false;
    if (!this.has('approval-ignored')) record.status = 'approved';
    this.hideDecision(record);
    record.session = this.startSession(record.clientId);
    if (this.has('approve-approves-all')) {
      // The bug: approval keyed by client, not by user code.
      for (const other of this.byDeviceCode.values())
        if (other.clientId === record.clientId && other.status === 'pending')
          other.status = 'approved';
    }
    return true;
  }

  deny(userCode: string): boolean {
    const known = this.byUserCode.get(this.normalize(userCode));
    // Under auto-approve the user can still deny before the device redeems the code.
    const autoApproved =
      this.has('auto-approve') && known?.status === 'approved' && !known.redeemed;
    const record = autoApproved ? known : this.decidable(userCode);
    if (!record) return false;
    record.status = this.has('deny-approves') ? 'approved' : 'denied';
    this.hideDecision(record);
    return true;
  }

  /** decision-visible-late: the decision reaches the token endpoint two polls later. */
  private hideDecision(record: DeviceAuthorizationRecord): void {
    if (this.has('decision-visible-late')) record.decisionHiddenFor = DECISION_HIDDEN_POLLS;
  }

  private decidable(userCode: string): DeviceAuthorizationRecord | undefined {
    const record = this.byUserCode.get(this.normalize(userCode)) ?? this.typoMatch(userCode);
    if (!record || record.status !== 'pending' || record.redeemed || this.isExpired(record)) {
      return undefined;
    }
    return record;
  }

  /** user-code-typo-tolerant: a code one character away from a pending one is taken for it. */
  private typoMatch(userCode: string): DeviceAuthorizationRecord | undefined {
    if (!this.has('user-code-typo-tolerant')) return undefined;
    const typed = this.normalize(userCode);
    for (const [code, record] of this.byUserCode) {
      if (code.length !== typed.length || record.status !== 'pending') continue;
      let differences = 0;
      for (let i = 0; i < code.length; i++) if (code[i] !== typed[i]) differences++;
      if (differences === 1) return record;
    }
    return undefined;
  }

  describeUserCode(userCode: string): UserCodeInfo | undefined {
    const record = this.byUserCode.get(this.normalize(userCode));
    if (!record) return undefined;
    const client = this.clients.get(record.clientId);
    let state: UserCodeInfo['state'] = record.status;
    if (record.redeemed) state = 'redeemed';
    else if (this.isExpired(record)) state = 'expired';
    return {
      userCode: displayUserCode(record.userCode),
      clientName: client?.clientName ?? '',
      state,
    };
  }

  // CreateToken

  createToken(input: CreateTokenInput): Outcome<IssuedTokens> {
    // secret-checked-once: once a device code has been polled, its polls skip the secret.
    const polled = (this.byDeviceCode.get(input.deviceCode ?? '')?.polls ?? 0) > 0;
    const skipSecret =
      (this.has('secret-checked-once') && input.grantType === DEVICE_CODE_GRANT && polled) ||
      ((this.has('refresh-secret-not-checked') || this.has('refresh-bearer-only')) &&
        input.grantType === REFRESH_TOKEN_GRANT);
    const secret = skipSecret
      ? (this.clients.get(input.clientId ?? '')?.clientSecret ?? input.clientSecret)
      : input.clientSecret;
    // client-from-device-code: the client a poll without clientId is taken to be.
    const clientId =
      input.clientId ?? this.byDeviceCode.get(input.deviceCode ?? '')?.clientId ?? '';
    const auth = this.authenticate(clientId, secret, 'CreateToken');
    if (!auth.ok) return auth;
    const client = auth.value;
    // `scope` is ignored (AWS documents that it has no effect), but for refresh-widens-scope.
    switch (input.grantType) {
      case DEVICE_CODE_GRANT:
        if (this.has('device-grant-unsupported')) {
          return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
        }
        return this.redeemDeviceCode(client, input.deviceCode);
      case REFRESH_TOKEN_GRANT:
        return this.refresh(client, input.refreshToken, input.scope);
      case AUTHORIZATION_CODE_GRANT:
        return this.redeemAuthorizationCode(client, input);
      default:
        if (this.has('unknown-grant-invalid-request')) {
          return fail('InvalidRequestException', 'Invalid grant type');
        }
        return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
    }
  }

  private redeemDeviceCode(
    client: ClientRecord,
    deviceCode: string | undefined,
  ): Outcome<IssuedTokens> {
    if (deviceCode === undefined) {
      const shape = this.has('missing-device-code-invalid-grant')
        ? 'InvalidGrantException'
        : 'InvalidRequestException';
      return fail(shape, 'Missing deviceCode for the device code grant');
    }
    if (!this.allows(client, DEVICE_CODE_GRANT)) {
      return fail('UnauthorizedClientException', 'Client is not registered for the device grant');
    }
    const record = this.byDeviceCode.get(deviceCode) ?? this.prefixMatch(deviceCode);
    if (!record) {
      if (this.has('unknown-device-code-pending')) {
        return fail('AuthorizationPendingException', 'Authorization is still pending');
      }
      return fail('InvalidGrantException', 'Invalid device code');
    }
    if (record.clientId !== client.clientId && !this.has('cross-client-redeem')) {
      if (this.has('cross-client-poll-500'))
        return fail('InternalServerException', 'Device code belongs to another client');
      return fail('InvalidGrantException', 'Invalid device code');
    }
    if (record.redeemed && !this.has('device-code-reusable')) {
      return fail('InvalidGrantException', 'Device code has already been used');
    }
    if (this.has('slow-down-first-poll') && !record.shed) {
      // Load shedding comes before the state is looked at: an approved, denied or expired code
      // gets it too. The code's interval grows by 5 s as RFC 8628 §3.5 says.
      record.shed = true;
      record.lastPollMs = this.clock.nowMs();
      record.intervalSec += SLOW_DOWN_INCREMENT;
      return fail('SlowDownException', 'Too many requests, slow down');
    }
    if (this.isExpired(record)) {
      if (this.has('pending-after-expiry'))
        return fail('AuthorizationPendingException', 'Authorization is still pending');
      if (this.has('expired-as-invalid-grant'))
        return fail('InvalidGrantException', 'Invalid device code');
      return fail('ExpiredTokenException', 'Device code has expired');
    }
    if (record.killed) return fail('ExpiredTokenException', 'Device code has expired');
    const now = this.clock.nowMs();
    const previousPoll = record.lastPollMs;
    record.lastPollMs = now;
    record.polls = (record.polls ?? 0) + 1;
    if (record.status !== 'pending' && (record.decisionHiddenFor ?? 0) > 0) {
      record.decisionHiddenFor! -= 1;
      return fail('AuthorizationPendingException', 'Authorization is still pending');
    }
    switch (record.status) {
      case 'pending': {
        const tooFast =
          previousPoll !== undefined && now - previousPoll < record.intervalSec * 1000;
        if (tooFast && this.has('fast-poll-expires')) {
          record.killed = true;
          return fail('ExpiredTokenException', 'Device code has expired');
        }
        if (tooFast && this.enforcesInterval) {
          // RFC 8628 §3.5: the client must add 5 s for this and all later polls. The
          // double-penalty fault demands 10 s per slow_down while clients add 5.
          record.intervalSec += this.has('slow-down-double-penalty')
            ? 2 * SLOW_DOWN_INCREMENT
            : SLOW_DOWN_INCREMENT;
          record.slowDowns = (record.slowDowns ?? 0) + 1;
          if (this.has('slow-down-terminal')) record.killed = true;
          if (this.has('second-slow-down-terminal') && record.slowDowns >= 2) record.killed = true;
          return fail('SlowDownException', 'Client is polling too fast');
        }
        if (this.has('pending-limit') && record.polls > 3)
          return fail('AccessDeniedException', 'Too many polls');
        return fail('AuthorizationPendingException', 'Authorization is still pending');
      }
      case 'denied':
        record.deniedSeen = true;
        if (this.has('denial-as-invalid-grant'))
          return fail('InvalidGrantException', 'Invalid device code');
        return fail('AccessDeniedException', 'The user denied the authorization request');
      case 'approved':
        record.redeemed = true;
        return ok(
          this.issueTokens(
            client,
            this.newFamily(client.clientId, client.scopes, { session: record.session }),
          ),
        );
    }
  }

  /** device-code-prefix-match: a code that differs only after its 20th character still matches. */
  private prefixMatch(deviceCode: string): DeviceAuthorizationRecord | undefined {
    if (!this.has('device-code-prefix-match') || deviceCode.length < 20) return undefined;
    for (const [code, record] of this.byDeviceCode)
      if (code.slice(0, 20) === deviceCode.slice(0, 20)) return record;
    return undefined;
  }

  private refresh(
    client: ClientRecord,
    refreshToken: string | undefined,
    scope: string[] | undefined,
    downscope?: Downscope,
  ): Outcome<IssuedTokens> {
    if (refreshToken === undefined) {
      return fail('InvalidRequestException', 'Missing refreshToken for the refresh_token grant');
    }
    if (!this.allows(client, REFRESH_TOKEN_GRANT)) {
      return fail('UnauthorizedClientException', 'Client is not registered for the refresh grant');
    }
    if (this.has('refresh-broken')) return fail('InvalidGrantException', 'Invalid refresh token');
    const record = this.refreshTokens.get(refreshToken) ?? this.refreshTokenLookalike(refreshToken);
    if (!record) {
      if (this.has('refresh-unknown-accepted')) {
        return ok(this.issueTokens(client, this.newFamily(client.clientId, client.scopes)));
      }
      return fail('InvalidGrantException', 'Invalid refresh token');
    }
    if (record.clientId !== client.clientId && !this.has('refresh-any-client')) {
      return fail('InvalidGrantException', 'Invalid refresh token');
    }
    const family = this.families.get(record.familyId);
    if (!family || family.revoked) return fail('InvalidGrantException', 'Invalid refresh token');
    if (family.session !== undefined && this.sessions.get(family.clientId) !== family.session) {
      return fail('InvalidGrantException', 'The session of this refresh token has ended');
    }
    if (record.retired) {
      // RFC 9700 §4.14.2: a replayed refresh token means one of two parties is an attacker;
      // revoke the whole grant, including the currently active refresh token.
      if (this.has('refresh-replay-500')) {
        return fail('InternalServerException', 'Unexpected state of the refresh token');
      }
      if (this.has('replay-no-family-revoke')) {
        return fail('InvalidGrantException', 'Invalid refresh token');
      }
      this.revokeFamily(record.familyId);
      return fail('InvalidGrantException', 'Refresh token reuse detected; the grant is revoked');
    }
    // CreateTokenWithIAM: a narrower access token, the refresh token keeps the family's scopes.
    const narrowed = downscope?.(family.scopes);
    if (narrowed && !narrowed.ok) return narrowed;
    // Rotation (RFC 9700 §4.14.2): the presented token is retired, a new one issued.
    const rotate =
      !this.has('refresh-token-not-returned') &&
      !this.has('no-refresh-rotation') &&
      !this.has('refresh-bearer-only');
    const retire =
      rotate &&
      !this.has('rotation-old-stays-valid') &&
      !(this.has('iam-refresh-old-stays-valid') && this.isApplication(client.clientId)) &&
      !(this.has('rotation-retires-first-only') && record.successor);
    if (retire) record.retired = true;
    // `scope` has no effect (AWS), unless the fault lets it widen the grant.
    let reported: string[] | undefined;
    if (this.has('refresh-widens-scope') && scope !== undefined) {
      reported = [...new Set([...family.scopes, ...scope])];
      family.scopes = reported;
    }
    const issued = this.issueTokens(client, record.familyId, { refreshToken: rotate });
    const successor = issued.refreshToken && this.refreshTokens.get(issued.refreshToken);
    if (successor) successor.successor = true;
    // no-refresh-rotation: the presented token comes back as the "new" one.
    const tokens = this.has('no-refresh-rotation') ? { ...issued, refreshToken } : issued;
    return ok(reported ? { ...tokens, scope: reported } : tokens);
  }

  /**
   * Faults that take a token for a refresh token it is not: one with the first 20 characters of
   * an issued refresh token (refresh-token-prefix-match), an access token
   * (access-token-as-refresh-token), or a JWT whose jti is that of an issued one, whatever else
   * its payload and signature say (rt-signature-not-verified).
   */
  private refreshTokenLookalike(token: string): RefreshTokenRecord | undefined {
    if (this.has('access-token-as-refresh-token')) {
      const access = this.accessTokens.get(token);
      if (access?.familyId !== undefined)
        return { familyId: access.familyId, clientId: access.clientId, retired: false };
    }
    const jti = this.has('rt-signature-not-verified') ? unverifiedJti(token) : undefined;
    if (jti !== undefined)
      for (const [issued, record] of this.refreshTokens)
        if (unverifiedJti(issued) === jti) return record;
    if (this.has('refresh-token-prefix-match') && token.length >= 20)
      for (const [issued, record] of this.refreshTokens)
        if (issued.slice(0, 20) === token.slice(0, 20)) return record;
    return undefined;
  }

  /**
   * one-session-per-registration (AWS, as a third party reports: EVIDENCE.md E12): a
   * registration holds one session, the one its latest approval started; a grant of an earlier
   * approval, redeemed before or after, can no longer be refreshed (its access tokens live on).
   * The IAM application is no registration and keeps its grants.
   */
  private startSession(clientId: string): number | undefined {
    if (!this.has('one-session-per-registration') || this.isApplication(clientId)) return undefined;
    const session = this.nextSession++;
    this.sessions.set(clientId, session);
    return session;
  }

  private revokeFamily(familyId: number): void {
    const family = this.families.get(familyId);
    if (family) family.revoked = true;
    for (const [token, access] of this.accessTokens) {
      if (access.familyId === familyId) this.accessTokens.delete(token);
    }
  }

  private newFamily(
    clientId: string,
    scopes: readonly string[],
    user: { subject?: string; authTimeMs?: number; session?: number } = {},
  ): number {
    const familyId = this.nextFamilyId++;
    this.families.set(familyId, { clientId, revoked: false, scopes, ...user });
    return familyId;
  }

  /**
   * A fresh access or refresh token: random, or under `guessable` a prefix and a counter, or
   * under `unsigned-jwt-tokens` a JWT with alg none (random jti, but forgeable).
   */
  private newToken(kind: 'at' | 'rt', guessable: FaultName, random: () => string): string {
    if (this.has(guessable))
      return `${kind}-${(this.tokensIssued++).toString(16).padStart(12, '0')}`;
    if (this.has('unsigned-jwt-tokens')) return newUnsignedJwt(kind);
    if (kind === 'rt' && this.has('rt-signature-not-verified')) return newUnverifiedJwt(kind);
    if (this.has('aws-shaped-credentials')) return newAwsToken(kind);
    return random();
  }

  /** A refresh token comes with the tokens when the client has the refresh grant. */
  private issueTokens(
    client: ClientRecord,
    familyId: number,
    options: { refreshToken?: boolean } = {},
  ): IssuedTokens {
    const now = this.clock.nowMs();
    const expiresIn = this.config.accessTokenLifetime;
    let refreshToken: string | undefined;
    if ((options.refreshToken ?? true) && this.allows(client, REFRESH_TOKEN_GRANT)) {
      refreshToken = this.newToken('rt', 'guessable-refresh-tokens', newRefreshToken);
      this.refreshTokens.set(refreshToken, {
        familyId,
        clientId: client.clientId,
        retired: false,
      });
    }
    const accessToken = this.newToken('at', 'guessable-access-tokens', newAccessToken);
    this.accessTokens.set(accessToken, {
      clientId: client.clientId,
      familyId,
      expiresAtMs: now + expiresIn * 1000,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken, issuedAtMs: now, familyId };
  }

  // The authorization code grant: CreateToken (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6)

  private redeemAuthorizationCode(
    client: ClientRecord,
    input: Pick<CreateTokenInput, 'code' | 'redirectUri' | 'codeVerifier'>,
    downscope?: Downscope,
  ): Outcome<IssuedTokens> {
    if (input.code === undefined) {
      return fail('InvalidRequestException', 'Missing code for the authorization code grant');
    }
    if (!this.allows(client, AUTHORIZATION_CODE_GRANT)) {
      return fail(
        'UnauthorizedClientException',
        'Client is not registered for the authorization code grant',
      );
    }
    const record = this.authorizationCodes.get(input.code);
    if (!record) return fail('InvalidGrantException', 'Invalid authorization code');
    if (record.redeemed && !this.has('auth-code-reusable')) {
      // RFC 6749 §4.1.2, §10.5: a code used twice was stolen by one of the two; revoke the
      // tokens issued for it.
      if (record.familyId !== undefined) this.revokeFamily(record.familyId);
      return fail(
        'InvalidGrantException',
        'Authorization code has already been used; the tokens issued for it are revoked',
      );
    }
    if (record.clientId !== client.clientId) {
      return fail('InvalidGrantException', 'Invalid authorization code');
    }
    if (this.clock.nowMs() >= record.createdAtMs + AUTHORIZATION_CODE_LIFETIME * 1000) {
      return fail('InvalidGrantException', 'Authorization code has expired');
    }
    if (input.redirectUri !== record.redirectUri && !this.has('redirect-uri-not-checked')) {
      return fail(
        'InvalidGrantException',
        'redirectUri does not match the one of the authorization request',
      );
    }
    const pkce = this.checkVerifier(record, input.codeVerifier);
    if (!pkce.ok) return pkce;
    // CreateTokenWithIAM: the family holds the scopes asked for, a subset of the code's.
    const scopes = downscope ? downscope(record.scopes) : ok([...record.scopes]);
    if (!scopes.ok) return scopes;
    record.redeemed = true;
    record.familyId = this.newFamily(client.clientId, scopes.value, {
      authTimeMs: record.createdAtMs,
      session: record.session,
    });
    return ok(this.issueTokens(client, record.familyId));
  }

  /** RFC 7636 §4.6 and RFC 9700 §2.1.1: the verifier must come, and only with a challenge. */
  private checkVerifier(
    record: AuthorizationCodeRecord,
    verifier: string | undefined,
  ): Outcome<void> {
    if (record.codeChallenge === undefined || record.codeChallengeMethod === undefined) {
      // Reachable only under pkce-downgrade: a code issued without a challenge.
      if (verifier !== undefined && !this.has('pkce-downgrade')) {
        return fail(
          'InvalidGrantException',
          'codeVerifier sent, but the authorization request had no code_challenge',
        );
      }
      return ok(undefined);
    }
    if (verifier === undefined) {
      if (this.has('pkce-verifier-optional')) return ok(undefined);
      return fail('InvalidGrantException', 'Missing codeVerifier for a code issued with PKCE');
    }
    if (this.has('pkce-not-checked')) return ok(undefined);
    // iam-pkce-not-checked: the same bug, in the application's code grant only.
    if (this.has('iam-pkce-not-checked') && this.isApplication(record.clientId))
      return ok(undefined);
    if (!verifierMatches(verifier, record.codeChallenge, record.codeChallengeMethod)) {
      return fail('InvalidGrantException', 'codeVerifier does not match the code_challenge');
    }
    return ok(undefined);
  }

  // The authorization code grant: the browser step (RFC 6749 §4.1.1-4.1.2, RFC 7636 §4.4)

  /** Whether `requested` is the registered redirect URI (any port of a port-less loopback one). */
  private redirectMatches(registered: string, requested: string): boolean {
    if (requested === registered) return true;
    return !this.has('loopback-port-exact-match') && loopbackPortFreeMatch(registered, requested);
  }

  /**
   * Validates an authorization request in the order of RFC 6749 §4.1.2.1: first what decides
   * whether the browser may be sent back at all (client, redirect URI), then everything else
   * as an error redirect.
   */
  checkAuthorization(query: URLSearchParams): AuthorizationCheck {
    const clientId = queryParam(query, 'client_id');
    if (clientId.value === undefined || clientId.repeated) {
      return refused('client_id is missing or repeated');
    }
    const client = this.clients.get(clientId.value);
    if (!client) return refused('Unknown client_id');
    if (this.registrationExpired(client)) return refused('The client registration has expired');
    const redirect = queryParam(query, 'redirect_uri');
    if (redirect.value === undefined || redirect.repeated) {
      return refused('redirect_uri is missing or repeated');
    }
    const redirectUri = redirect.value;
    if (!client.redirectUris.some((r) => this.redirectMatches(r, redirectUri))) {
      return refused('redirect_uri is not one the client registered');
    }

    const state = queryParam(query, 'state').value;
    const error = (code: string, description: string) =>
      errorRedirect(redirectUri, code, description, state);
    const named = [
      'response_type',
      'state',
      'scopes',
      'code_challenge',
      'code_challenge_method',
    ] as const;
    const repeated = named.find((name) => queryParam(query, name).repeated);
    if (repeated) return error('invalid_request', `Parameter ${repeated} is repeated`);
    const responseType = queryParam(query, 'response_type').value;
    if (responseType === undefined) return error('invalid_request', 'Missing response_type');
    if (responseType !== 'code') {
      return error('unsupported_response_type', 'Only response_type code is supported');
    }
    if (!this.allows(client, AUTHORIZATION_CODE_GRANT)) {
      return error(
        'unauthorized_client',
        'Client is not registered for the authorization code grant',
      );
    }

    const codeChallenge = queryParam(query, 'code_challenge').value;
    const method = queryParam(query, 'code_challenge_method').value;
    let pkce: { codeChallenge: string; codeChallengeMethod: PkceMethod } | undefined;
    if (codeChallenge === undefined) {
      // RFC 9700 §2.1.1: PKCE is required of these public clients.
      if (!this.has('pkce-downgrade')) {
        return error('invalid_request', 'code_challenge is required (PKCE)');
      }
    } else {
      // RFC 7636 §4.3: an absent method means plain, which this server refuses (§4.4.1).
      // pkce-unknown-method-as-s256: a method the server does not know is taken for S256.
      const unknown = method !== undefined && method !== 'plain' && method !== 'S256';
      const effective =
        unknown && this.has('pkce-unknown-method-as-s256') ? 'S256' : (method ?? 'plain');
      const supported: PkceMethod = this.has('pkce-plain-only') ? 'plain' : 'S256';
      if (effective !== supported) {
        return error(
          'invalid_request',
          `code_challenge_method ${effective} is not supported; use ${supported}`,
        );
      }
      if (!challengeWellFormed(codeChallenge, supported)) {
        return error('invalid_request', 'code_challenge is malformed');
      }
      pkce = { codeChallenge, codeChallengeMethod: supported };
    }

    const requested = queryParam(query, 'scopes')
      .value?.split(' ')
      .filter((s) => s !== '');
    if (requested?.some((s) => !client.scopes.includes(s))) {
      return error('invalid_scope', 'A requested scope was not registered by the client');
    }
    return {
      kind: 'consent',
      request: {
        clientId: client.clientId,
        clientName: client.clientName,
        redirectUri,
        state,
        scopes: requested && requested.length > 0 ? [...new Set(requested)] : client.scopes,
        ...pkce,
      },
    };
  }

  /** Remembers a request whose consent page is shown; the token goes in the page's form. */
  beginConsent(request: AuthorizationRequest): string {
    let token = newConsentToken();
    while (this.consents.has(token)) token = newConsentToken();
    this.consents.set(token, { request, createdAtMs: this.clock.nowMs() });
    return token;
  }

  /** The consent form came back: single use, bound to its request, and short-lived. */
  completeConsent(token: string, decision: AuthorizeDecision): AuthorizationEnd {
    const consent = this.consents.get(token);
    if (!consent) return refused('Unknown or already used consent form');
    this.consents.delete(token);
    if (this.clock.nowMs() >= consent.createdAtMs + CONSENT_LIFETIME * 1000) {
      return refused('The consent form has expired; start again');
    }
    return this.decide(consent.request, decision);
  }

  /** The user's decision on a validated request: a code, or access_denied (RFC 6749 §4.1.2). */
  decide(request: AuthorizationRequest, decision: AuthorizeDecision): AuthorizationEnd {
    // The registration may have died while the page was shown.
    const client = this.clients.get(request.clientId);
    if (!client || this.registrationExpired(client)) {
      return refused('The client registration is unknown or has expired');
    }
    if (decision === 'deny') {
      return errorRedirect(
        request.redirectUri,
        'access_denied',
        'The user denied the request',
        request.state,
      );
    }
    const session = this.startSession(request.clientId);
    let code = newAuthorizationCode();
    while (this.authorizationCodes.has(code)) code = newAuthorizationCode();
    this.authorizationCodes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      createdAtMs: this.clock.nowMs(),
      redeemed: false,
      session,
    });
    return {
      kind: 'redirect',
      location: redirectWith(request.redirectUri, { code, state: request.state }),
    };
  }

  // CreateTokenWithIAM (WIRE.md §1.4). The application is a pseudo-client: /authorize, the
  // codes, PKCE and the refresh families work for it as for a registered client. Inside its
  // grants only the `iam-*` faults and refresh-broken act (actsInIam); CreateToken's other
  // grant faults stay out.

  /** Registers the application; its client secret is never handed out (CreateToken is shut). */
  registerApplication(app: IamApplication): void {
    this.application = app;
    this.clients.set(app.arn, {
      clientId: app.arn,
      clientSecret: newClientSecret(),
      clientName: app.name,
      clientType: 'application',
      grantTypes: new Set([AUTHORIZATION_CODE_GRANT, REFRESH_TOKEN_GRANT]),
      scopes: app.scopes,
      redirectUris: app.redirectUris,
      issuedAtSec: epochSeconds(this.clock.nowMs()),
      secretExpiresAtSec: Number.POSITIVE_INFINITY,
    });
  }

  /** Whether `clientId` is the application's pseudo-client (CreateTokenWithIAM). */
  private isApplication(clientId: string): boolean {
    return this.application !== undefined && clientId === this.application.arn;
  }

  private asApplication<T>(
    grant: (client: ClientRecord, app: IamApplication) => Outcome<T>,
  ): Outcome<T> {
    const app = this.application;
    const client = app && this.clients.get(app.arn);
    if (!app || !client) return fail('InvalidClientException', 'Unknown application');
    const saved = this.activeFaults;
    this.activeFaults = this.iamFaults;
    try {
      return grant(client, app);
    } finally {
      this.activeFaults = saved;
    }
  }

  /**
   * `scope` omitted: the grant's scopes; otherwise a subset of them, exactly as asked. A scope
   * the application does not have, or one the grant did not include, is InvalidScopeException.
   */
  private downscope(
    app: IamApplication,
    base: readonly string[],
    requested: readonly string[] | undefined,
  ): Outcome<string[]> {
    if (this.has('iam-downscope-ignored')) return ok([...app.scopes]);
    if (requested === undefined) return ok([...base]);
    const asked = [...new Set(requested)];
    if (asked.some((s) => !app.scopes.includes(s))) {
      return fail(
        'InvalidScopeException',
        'A requested scope is not configured for the application',
      );
    }
    if (asked.some((s) => !base.includes(s))) {
      return fail('InvalidScopeException', 'A requested scope was not part of the original grant');
    }
    return ok(asked);
  }

  private iamIssued(tokens: IssuedTokens, scope: string[]): IamIssued {
    const family = this.families.get(tokens.familyId);
    return {
      tokens,
      scope,
      userId: family?.subject ?? REFERENCE_USER_ID,
      authTimeMs: family?.authTimeMs ?? tokens.issuedAtMs,
    };
  }

  /** grantType authorization_code: a code /authorize issued to the application. */
  iamAuthorizationCode(
    input: { code?: string; redirectUri?: string; codeVerifier?: string },
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return this.asApplication((client, app) => {
      let granted: string[] = [];
      const result = this.redeemAuthorizationCode(client, input, (base) => {
        // iam-code-scope-ignored: the code grants what it was issued for, whatever is asked.
        if (this.has('iam-code-scope-ignored')) return ok([...base]);
        const d = this.downscope(app, base, scope);
        if (d.ok) granted = d.value;
        return d;
      });
      return result.ok ? ok(this.iamIssued(result.value, granted)) : result;
    });
  }

  /** grantType refresh_token: rotation and replay detection as for CreateToken. */
  iamRefresh(
    refreshToken: string | undefined,
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return this.asApplication((client, app) => {
      let granted: string[] = [];
      const result = this.refresh(client, refreshToken, undefined, (base) => {
        // iam-refresh-widens-to-app: the request is measured against the application's scopes.
        const d = this.downscope(
          app,
          this.has('iam-refresh-widens-to-app') ? app.scopes : base,
          scope,
        );
        if (d.ok) granted = d.value;
        return d;
      });
      // iam-rotated-rt-narrowed: the new refresh token takes the narrowed scope of the request.
      if (result.ok && scope !== undefined && this.has('iam-rotated-rt-narrowed')) {
        const family = this.families.get(result.value.familyId);
        if (family) family.scopes = [...granted];
      }
      return result.ok ? ok(this.iamIssued(result.value, granted)) : result;
    });
  }

  /** grantType jwt-bearer, once the assertion is verified: tokens for `userId`. */
  iamAssertion(userId: string, scope: readonly string[] | undefined): Outcome<IamIssued> {
    return this.asApplication((client, app) => {
      const granted = this.downscope(app, app.scopes, scope);
      if (!granted.ok) return granted;
      const familyId = this.newFamily(client.clientId, granted.value, {
        subject: userId,
        authTimeMs: this.clock.nowMs(),
      });
      return ok(this.iamIssued(this.issueTokens(client, familyId), granted.value));
    });
  }

  /**
   * grantType token-exchange (RFC 8693): an access token this server issued, to any client,
   * not expired nor revoked, for an access token of the application (and a refresh token when
   * requestedTokenType asks for one).
   */
  iamTokenExchange(
    input: { subjectToken?: string; subjectTokenType?: string; requestedTokenType?: string },
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return this.asApplication((client, app) => {
      if (input.subjectToken === undefined) {
        return fail('InvalidRequestException', 'Missing subjectToken for the token exchange grant');
      }
      if (input.subjectTokenType !== ACCESS_TOKEN_TYPE) {
        return fail('InvalidRequestException', `subjectTokenType must be ${ACCESS_TOKEN_TYPE}`);
      }
      const requested = input.requestedTokenType ?? ACCESS_TOKEN_TYPE;
      if (requested !== ACCESS_TOKEN_TYPE && requested !== REFRESH_TOKEN_TYPE) {
        return fail(
          'InvalidRequestException',
          `requestedTokenType must be ${ACCESS_TOKEN_TYPE} or ${REFRESH_TOKEN_TYPE}`,
        );
      }
      // iam-exchange-any-subject: an unknown token passes for one of the reference user's.
      const subject =
        this.accessTokens.get(input.subjectToken) ??
        (this.has('iam-exchange-any-subject')
          ? { clientId: '', expiresAtMs: Number.POSITIVE_INFINITY }
          : undefined);
      const subjectFamily =
        subject?.familyId === undefined ? undefined : this.families.get(subject.familyId);
      if (!subject || subject.expiresAtMs <= this.clock.nowMs() || subjectFamily?.revoked) {
        return fail('InvalidGrantException', 'Invalid, expired or revoked subjectToken');
      }
      const granted = this.downscope(app, app.scopes, scope);
      if (!granted.ok) return granted;
      const familyId = this.newFamily(client.clientId, granted.value, {
        subject: subjectFamily?.subject ?? REFERENCE_USER_ID,
        authTimeMs: subjectFamily?.authTimeMs,
      });
      const refreshToken =
        requested === REFRESH_TOKEN_TYPE || this.has('iam-exchange-refresh-token');
      return ok(
        this.iamIssued(this.issueTokens(client, familyId, { refreshToken }), granted.value),
      );
    });
  }
}

function refused(reason: string): AuthorizationEnd {
  return { kind: 'refused', reason };
}

/** Loopback IP literals (RFC 8252 §7.3); `localhost` is a name, not one of them (§8.3). */
const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * RFC 8252 §7.3: a loopback IP redirect URI registered without a port matches the same URI
 * with any port, the one the native client happens to listen on (the AWS CLI registers
 * http://127.0.0.1/oauth/callback). Anything else is compared character for character.
 */
export function loopbackPortFreeMatch(registered: string, requested: string): boolean {
  let r: URL;
  let q: URL;
  try {
    [r, q] = [new URL(registered), new URL(requested)];
  } catch {
    return false;
  }
  if (r.protocol !== 'http:' || !LOOPBACK_IPS.has(r.hostname) || r.port !== '') return false;
  // The registered URI as sent, with the request's port spliced in after the host.
  const authority = `http://${r.hostname}`;
  if (!registered.toLowerCase().startsWith(authority)) return false;
  return requested === `${authority}:${q.port}${registered.slice(authority.length)}`;
}

/** RFC 7591 §3.2.2 / RFC 9700 §2.6: absolute http(s), no fragment, plain http only on loopback. */
export function redirectUriProblem(uri: string): string | undefined {
  if (!/^https?:\/\//i.test(uri)) return 'not an absolute http or https URI';
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return 'contains whitespace or control characters';
  if (uri.includes('#')) return 'contains a fragment';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a valid URI';
  }
  if (url.username || url.password) return 'contains user information';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'plain http is allowed only for loopback hosts';
  }
  return undefined;
}
