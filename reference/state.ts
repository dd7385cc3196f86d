import { epochSeconds, type ServerClock } from './clock.ts';
import {
  displayUserCode,
  newAccessToken,
  newClientId,
  newClientSecret,
  newDeviceCode,
  newRefreshToken,
  newUserCode,
  normalizeUserCode,
  randomCode,
  sequentialCode,
  CONFUSABLE_ALPHABET,
  USER_CODE_ALPHABET,
  secretsEqual,
} from './codes.ts';
import { fail, ok, type Outcome } from './errors.ts';
import type { FaultName, FaultSet } from './faults.ts';
import {
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  type CreateTokenInput,
  type RegisterClientInput,
  type StartDeviceAuthorizationInput,
} from './requests.ts';

/**
 * The protocol logic of the reference server over in-memory state: registered clients,
 * device authorizations and token families. No HTTP here; every operation returns a
 * success value or a typed protocol error, and reads time only from the injected clock.
 */

export interface StateConfig {
  /** Seconds between polls the server asks for. */
  interval: number;
  /** Lifetime of a device authorization, seconds. */
  expiresIn: number;
  accessTokenLifetime: number;
  clientSecretLifetime: number;
  slowDown: 'off' | 'strict';
  faults: FaultSet;
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
  /** Polls of this code so far. */
  polls?: number;
  /** Ended by a fault (slow-down-terminal, fast-poll-expires): answers expired from then on. */
  killed?: boolean;
  status: AuthorizationStatus;
  redeemed: boolean;
}

/** The refresh tokens that descend from one device-code redemption (RFC 9700 §4.14.2). */
interface TokenFamily {
  clientId: string;
  revoked: boolean;
}

interface RefreshTokenRecord {
  familyId: number;
  clientId: string;
  /** Rotated away: presenting it again is a replay and revokes the family. */
  retired: boolean;
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
  issuedAtMs: number;
}

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
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private nextFamilyId = 1;
  /** Counters of the weak-code faults. */
  private issued = 0;
  /** Clients whose first StartDeviceAuthorization was shed (start-slow-down-once). */
  private readonly shedOnce = new Set<string>();
  private userCodesIssued = 0;

  constructor(
    private readonly config: StateConfig,
    private readonly clock: ServerClock,
  ) {}

  private has(fault: FaultName): boolean {
    return this.config.faults.has(fault);
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

    const nowSec = epochSeconds(this.clock.nowMs());
    const credentials = this.newCredentials();
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

  private newCredentials(): { clientId: string; clientSecret: string } {
    if (this.has('duplicate-client-id')) {
      this.sharedCredentials ??= { clientId: newClientId(), clientSecret: newClientSecret() };
      return this.sharedCredentials;
    }
    let clientId = newClientId();
    while (this.clients.has(clientId)) clientId = newClientId();
    return { clientId, clientSecret: newClientSecret() };
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
    if (this.clock.nowMs() >= client.secretExpiresAtSec * 1000) {
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
    if (!client.grantTypes.has(DEVICE_CODE_GRANT)) {
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
    record.lastPollMs = undefined;
    record.polls = 0;
    record.killed = false;
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
      this.has('slow-down-terminal')
    );
  }

  /** The alphabet user codes are drawn from (and normalised with). */
  private get userCodeAlphabet(): string {
    return this.has('confusable-user-codes') ? CONFUSABLE_ALPHABET : USER_CODE_ALPHABET;
  }

  private normalize(userCode: string): string {
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
    const record = this.decidable(userCode);
    if (!record) return false;
    if (!this.has('approval-ignored')) record.status = 'approved';
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
    return true;
  }

  private decidable(userCode: string): DeviceAuthorizationRecord | undefined {
    const record = this.byUserCode.get(this.normalize(userCode));
    if (!record || record.status !== 'pending' || record.redeemed || this.isExpired(record)) {
      return undefined;
    }
    return record;
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
    const secret =
      this.has('secret-checked-once') && input.grantType === DEVICE_CODE_GRANT && polled
        ? (this.clients.get(input.clientId)?.clientSecret ?? input.clientSecret)
        : input.clientSecret;
    const auth = this.authenticate(input.clientId, secret, 'CreateToken');
    if (!auth.ok) return auth;
    const client = auth.value;
    // `scope` is ignored: AWS documents that it has no effect on CreateToken.
    switch (input.grantType) {
      case DEVICE_CODE_GRANT:
        if (this.has('device-grant-unsupported')) {
          return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
        }
        return this.redeemDeviceCode(client, input.deviceCode);
      case REFRESH_TOKEN_GRANT:
        return this.refresh(client, input.refreshToken);
      case AUTHORIZATION_CODE_GRANT:
        // Not implemented yet by the reference server; a later step adds it.
        return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
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
    if (!client.grantTypes.has(DEVICE_CODE_GRANT)) {
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
      return fail('InvalidGrantException', 'Invalid device code');
    }
    if (record.redeemed && !this.has('device-code-reusable')) {
      return fail('InvalidGrantException', 'Device code has already been used');
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
          if (this.has('slow-down-terminal')) record.killed = true;
          return fail('SlowDownException', 'Client is polling too fast');
        }
        if (this.has('pending-limit') && record.polls > 3)
          return fail('AccessDeniedException', 'Too many polls');
        return fail('AuthorizationPendingException', 'Authorization is still pending');
      }
      case 'denied':
        if (this.has('denial-as-invalid-grant'))
          return fail('InvalidGrantException', 'Invalid device code');
        return fail('AccessDeniedException', 'The user denied the authorization request');
      case 'approved':
        record.redeemed = true;
        return ok(this.issueTokens(client));
    }
  }

  /** device-code-prefix-match: a code that differs only after its 20th character still matches. */
  private prefixMatch(deviceCode: string): DeviceAuthorizationRecord | undefined {
    if (!this.has('device-code-prefix-match') || deviceCode.length < 20) return undefined;
    for (const [code, record] of this.byDeviceCode)
      if (code.slice(0, 20) === deviceCode.slice(0, 20)) return record;
    return undefined;
  }

  private refresh(client: ClientRecord, refreshToken: string | undefined): Outcome<IssuedTokens> {
    if (refreshToken === undefined) {
      return fail('InvalidRequestException', 'Missing refreshToken for the refresh_token grant');
    }
    if (!client.grantTypes.has(REFRESH_TOKEN_GRANT)) {
      return fail('UnauthorizedClientException', 'Client is not registered for the refresh grant');
    }
    if (this.has('refresh-broken')) return fail('InvalidGrantException', 'Invalid refresh token');
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.clientId !== client.clientId) {
      return fail('InvalidGrantException', 'Invalid refresh token');
    }
    const family = this.families.get(record.familyId);
    if (!family || family.revoked) return fail('InvalidGrantException', 'Invalid refresh token');
    if (record.retired) {
      // RFC 9700 §4.14.2: a replayed refresh token means one of two parties is an attacker;
      // revoke the whole grant, including the currently active refresh token.
      this.revokeFamily(record.familyId);
      return fail('InvalidGrantException', 'Refresh token reuse detected; the grant is revoked');
    }
    record.retired = true;
    return ok(this.issueTokens(client, record.familyId));
  }

  private revokeFamily(familyId: number): void {
    const family = this.families.get(familyId);
    if (family) family.revoked = true;
    for (const [token, access] of this.accessTokens) {
      if (access.familyId === familyId) this.accessTokens.delete(token);
    }
  }

  private issueTokens(client: ClientRecord, familyId?: number): IssuedTokens {
    const now = this.clock.nowMs();
    const expiresIn = this.config.accessTokenLifetime;
    let refreshToken: string | undefined;
    if (client.grantTypes.has(REFRESH_TOKEN_GRANT)) {
      if (familyId === undefined) {
        familyId = this.nextFamilyId++;
        this.families.set(familyId, { clientId: client.clientId, revoked: false });
      }
      refreshToken = newRefreshToken();
      this.refreshTokens.set(refreshToken, {
        familyId,
        clientId: client.clientId,
        retired: false,
      });
    }
    const accessToken = newAccessToken();
    this.accessTokens.set(accessToken, {
      clientId: client.clientId,
      familyId,
      expiresAtMs: now + expiresIn * 1000,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken, issuedAtMs: now };
  }
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
