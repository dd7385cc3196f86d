import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest, PkceMethod } from '../authorization.ts';
import type { ServerClock } from '../clock.ts';
import type { Outcome } from '../errors.ts';
import type { FaultSet } from '../faults.ts';

/**
 * The in-memory state every area of the reference's protocol logic reads and writes: the
 * records, the maps that hold them and the counters. No logic and no faults here; the areas
 * (registration, device-flow, tokens, authorization-code, iam-grants) are functions over a
 * `StateContext`, which also carries the faults that act in the call.
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
  /** The region the server serves: aws-shaped-credentials writes it into clientIds. */
  region: string;
}

/**
 * What an area function works with. `faults` is the set that acts in this call: all the
 * configured faults, or inside CreateTokenWithIAM only those that act there (`actsInIam`);
 * the caller chooses it, nothing swaps it.
 */
export interface StateContext {
  readonly store: Store;
  readonly faults: FaultSet;
  readonly config: StateConfig;
  readonly clock: ServerClock;
}

export interface ClientRecord {
  clientId: string;
  clientSecret: string;
  clientName: string;
  clientType: string;
  grantTypes: ReadonlySet<string>;
  scopes: readonly string[];
  redirectUris: readonly string[];
  issuedAtSec: number;
  secretExpiresAtSec: number;
  /** Registered with token_endpoint_auth_method `none`: no secret is needed (RegisterClientInput). */
  authMethodNone?: boolean;
}

export type AuthorizationStatus = 'pending' | 'approved' | 'denied';

export interface DeviceAuthorizationRecord {
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
  /** The token family its redemption started (read by device-code-as-refresh-token only). */
  familyId?: number;
}

/**
 * The tokens that descend from one grant: a device-code or authorization-code redemption
 * (RFC 9700 §4.14.2). Revoking it kills its refresh and access tokens.
 */
export interface TokenFamily {
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
export interface AuthorizationCodeRecord {
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
export interface ConsentRecord {
  request: AuthorizationRequest;
  createdAtMs: number;
}

export interface RefreshTokenRecord {
  familyId: number;
  clientId: string;
  /** Rotated away: presenting it again is a replay and revokes the family. */
  retired: boolean;
  /** Issued by a refresh, not by the grant itself (rotation-retires-first-only spares it). */
  successor?: boolean;
}

export interface AccessTokenRecord {
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
export type Downscope = (base: readonly string[]) => Outcome<string[]>;

/** What the verification page shows about a user code. */
export interface UserCodeInfo {
  userCode: string;
  clientName: string;
  state: AuthorizationStatus | 'expired' | 'redeemed';
}

/** The maps and counters of one reference server. */
export class Store {
  readonly clients = new Map<string, ClientRecord>();
  readonly byDeviceCode = new Map<string, DeviceAuthorizationRecord>();
  readonly byUserCode = new Map<string, DeviceAuthorizationRecord>();
  /** Only used under the `device-code-reused` fault. */
  readonly lastAuthorizationOf = new Map<string, DeviceAuthorizationRecord>();
  /** Only used under the `duplicate-client-id` fault. */
  sharedCredentials?: { clientId: string; clientSecret: string };
  readonly families = new Map<number, TokenFamily>();
  /** one-session-per-registration: each client's current session, the latest approval's. */
  readonly sessions = new Map<string, number>();
  nextSession = 1;
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  readonly consents = new Map<string, ConsentRecord>();
  nextFamilyId = 1;
  /** Counters of the weak-code faults. */
  issued = 0;
  tokensIssued = 0;
  userCodesIssued = 0;
  /** Clients whose first StartDeviceAuthorization was shed (start-slow-down-once). */
  readonly shedOnce = new Set<string>();
  /** The application of CreateTokenWithIAM, once registered. */
  application?: IamApplication;
  /** Signs AWS-shaped client secrets (aws-shaped-credentials). */
  readonly secretKey = randomBytes(48);
}

/** Whether `clientId` is the application's pseudo-client (CreateTokenWithIAM). */
export function isApplication(ctx: StateContext, clientId: string): boolean {
  return ctx.store.application !== undefined && clientId === ctx.store.application.arn;
}
