import type { Exchange } from '../http/exchange.ts';
import type { ThrottlePolicy } from './throttle.ts';
import type { Discovery, OauthEndpoints } from '../oauth/discovery.ts';
import type { ErrorSynonym, MemberAlias } from '../oauth/vendor-vocabulary.ts';

/**
 * A wire profile turns the abstract operations the suites use into HTTP and back.
 * Suites that test RFC 8628 behaviour only use this interface, so they run unchanged
 * against the AWS profile (JSON, camelCase) and a later form-encoded RFC 8628 profile.
 */
export type ProfileName = 'aws' | 'rfc8628';

export type OperationName =
  'registerClient' | 'startDeviceAuthorization' | 'createToken' | 'createTokenWithIAM';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The grants only CreateTokenWithIAM takes (RFC 7523, RFC 8693). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** Token type URI of RFC 8693 §3 the harness names (the access token it exchanges). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Credentials a registered client presents. */
export interface ClientCredentials {
  clientId: string;
  /** AWS issues a secret even to public clients; absent means "send none". */
  clientSecret?: string;
  /**
   * How the client authenticates, as the server registered it (RFC 7591 §2
   * token_endpoint_auth_method, returned by the registration, §3.2.1): a server may register
   * another method than the one asked for, and then expects that one. Absent: the run's.
   */
  authMethod?: string;
}

export interface ClientRegistration extends ClientCredentials {
  clientIdIssuedAt?: number;
  clientSecretExpiresAt?: number;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  /** As sent; absent or invalid means the client uses 5 s (RFC 8628 §3.2). */
  interval?: number;
}

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  expiresIn?: number;
  refreshToken?: string;
  idToken?: string;
  /** The granted scopes, when the response names them (RFC 6749 §5.1 `scope`). */
  scope?: string[];
}

/** What CreateTokenWithIAM returns besides a TokenSet (WIRE.md §1.4). */
export interface IamTokenSet extends TokenSet {
  issuedTokenType?: string;
  awsAdditionalDetails?: { identityContext?: string };
}

export interface RegisterClientParams {
  clientName?: string;
  clientType?: string;
  scopes?: string[];
  redirectUris?: string[];
  grantTypes?: string[];
  /** The start URL: what the AWS CLI sends with the authorization code grant (EVIDENCE.md E8). */
  issuerUrl?: string;
  /** RFC 7591 token_endpoint_auth_method to ask for (rfc8628); default: the run's. */
  authMethod?: string;
}

export interface StartDeviceAuthorizationParams {
  client: ClientCredentials;
  startUrl?: string;
  scope?: string[];
}

export interface CreateTokenParams {
  client: ClientCredentials;
  grantType?: string;
  deviceCode?: string;
  refreshToken?: string;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  scope?: string[];
}

/** CreateTokenWithIAM: no client secret, the caller is authenticated by SigV4. */
export interface CreateTokenWithIAMParams {
  /** The application ARN. */
  clientId: string;
  grantType: string;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  refreshToken?: string;
  assertion?: string;
  subjectToken?: string;
  subjectTokenType?: string;
  requestedTokenType?: string;
  scope?: string[];
}

/** The normalised error of a failed operation. */
export interface ProtocolError {
  /** OAuth error code from the body (`error`), if any. */
  code?: string;
  description?: string;
  /** Profile-specific error type (AWS: sanitised x-amzn-ErrorType), if any. */
  type?: string;
  /**
   * Where the profile carries that type (AWS: `x-amzn-ErrorType`), so a description can say it
   * is missing; absent for a profile whose errors have no type besides the OAuth code.
   */
  typeCarrier?: string;
  /**
   * The body's own `error` and `error_description` as sent, unchecked: what a test of the error
   * format judges (`code` may come from a header when the body has none).
   */
  sent: { readonly code?: unknown; readonly description?: unknown };
  /**
   * The body's `error` was a vendor's name for `code` (AMB-4, AMB-5: `authorization_declined`
   * for access_denied): `code` is then the meaning, `sent.code` what came.
   */
  synonym?: ErrorSynonym & { readonly sent: string };
}

/**
 * The members of a response as the target sent them, under the harness's names and before any
 * type check: what a test of the response's fields judges ("expiresIn is a positive integer"),
 * whatever the wire calls it (AWS `expiresIn`, OAuth `expires_in`). Absent means not sent.
 */
export type SentMembers<T> = { readonly [K in keyof T]?: unknown };

/**
 * What an operation produced. Transport failures are thrown as TransportError instead.
 * `kind` is `error` for any non-2xx status and for a 2xx body carrying an `error` member.
 */
export interface Outcome<T> {
  op: OperationName;
  kind: 'ok' | 'error';
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** Why the body could not be parsed, if it could not. */
  parseError?: string;
  /** The normalised value, present when kind is ok and the body has the members it needs. */
  value?: T;
  /**
   * The body's members under the harness's names, unchecked (set by the typed operations of a
   * profile, whatever the status). Tests of RFC 8628 / OAuth fields read these, not `body`,
   * whose member names are the wire's.
   */
  sent?: SentMembers<T>;
  error?: ProtocolError;
  /**
   * Members the profile read under a vendor's name because the RFC's was absent (AMB-10:
   * `verification_url` for verification_uri). The tests of the fields report them.
   */
  aliases?: MemberAlias[];
  /** JSON Schema errors of the body against the operation's response or error schema. */
  schemaErrors: string[];
  exchange: Exchange;
}

/**
 * Refusals a front door answers before the service runs (AWS: SerializationException for a body
 * it cannot read). A test of a malformed request accepts them besides the protocol's own error.
 */
export interface FrontEndRefusals {
  /** Who refuses, for a note: "the AWS front end". */
  readonly who: string;
  /** What an expectation adds to its "any of". */
  readonly expected: string;
  /** The refusal an outcome is (its name), if it is one. */
  refusal(outcome: Outcome<unknown>): string | undefined;
}

/**
 * A precondition a fixture requires of an answer before it uses it (a registration's clientId,
 * say). The suite API records it as a MUST fixture check and stops the test when it fails.
 */
export interface FixtureCheck {
  /** The requirement ID the check cites: the profile's own (AWS-REG-200 for AWS). */
  requirement: string;
  description: string;
  ok: boolean;
  expected: string;
  actual: string;
}

/**
 * Client registration, for a profile whose server offers it (AWS RegisterClient, RFC 7591):
 * what a registration the fixtures use must show, in the profile's own requirement IDs.
 */
export interface RegistrationRules {
  /** The check that the registration succeeded with a client ID: what it cites and says. */
  succeeded: Pick<FixtureCheck, 'requirement' | 'description' | 'expected'>;
  /** Further checks of the registered client that the later calls rely on, in order. */
  checks(client: ClientRegistration): FixtureCheck[];
}

export interface Profile {
  readonly name: ProfileName;
  /** Absent when the profile's targets have no front door of their own. */
  readonly frontEnd?: FrontEndRefusals;
  /**
   * Whether, and how, the server registers clients. Absent: it cannot (many RFC 8628 servers
   * have no registration), so the fixtures take clients from the `clients` setting and tests
   * that need a new registration are skipped.
   */
  readonly registration?: RegistrationRules;
  /**
   * Whether a request on behalf of this client carries its secret. False for a public client
   * (no secret) and, on a plain OAuth server, for every client under `--client-auth none`.
   */
  sendsSecret(client: ClientCredentials): boolean;
  /**
   * Values the harness made that are secrets (a code verifier, a variant of a client secret a
   * negative test sends): the reports hide them wherever they show up, an echo included.
   */
  learnSecrets(...values: (string | undefined)[]): void;
  /**
   * The wire name of a member the harness names `member` (`expiresIn` is `expires_in` on the
   * plain OAuth wire): what a check's text says, so a report names what the server sent.
   */
  wireName(member: string): string;
  /** Set by the test context: throttled answers are then retried (CL-18, throttle.ts). */
  throttle?: ThrottlePolicy;
  /**
   * The authorization server metadata of the target's issuer (RFC 8414, then OpenID discovery),
   * fetched anew and recorded: absent for a profile whose servers publish none (AWS).
   */
  discoverMetadata?(): Promise<Discovery & { endpoints: OauthEndpoints }>;
  registerClient(params: RegisterClientParams): Promise<Outcome<ClientRegistration>>;
  startDeviceAuthorization(
    params: StartDeviceAuthorizationParams,
  ): Promise<Outcome<DeviceAuthorization>>;
  createToken(params: CreateTokenParams): Promise<Outcome<TokenSet>>;
}
