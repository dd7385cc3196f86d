import { send, type HttpContext, type HttpRequest } from '../http/http.ts';
import type { RunTraffic } from '../engine/traffic.ts';
import { discoverMetadata, type Discovery, type OauthEndpoints } from '../oauth/discovery.ts';
import { validateOauth, type OauthSchema } from '../oauth/schemas.ts';
import {
  DEVICE_AUTHORIZATION_ALIASES,
  errorSynonym,
  type MemberAlias,
} from '../oauth/vendor-vocabulary.ts';
import { sendRetryingThrottled, type ThrottlePolicy } from './throttle.ts';
import { RFC7591_REGISTRATION } from './rfc7591-registration.ts';
import { DEVICE_CODE_GRANT } from './profile.ts';
import { answerOf, deviceAuthorizationOf, registrationOf, tokenSetOf } from './normalise.ts';
import type {
  ClientCredentials,
  ClientRegistration,
  CreateTokenParams,
  DeviceAuthorization,
  OperationName,
  Outcome,
  Profile,
  RegisterClientParams,
  RegistrationRules,
  SentMembers,
  StartDeviceAuthorizationParams,
  TokenSet,
} from './profile.ts';

/**
 * The plain OAuth 2.0 profile: what every identity provider with the device grant speaks.
 * Form-encoded requests (RFC 6749 §3.2, RFC 8628 §3.1, §3.4), snake_case JSON answers
 * normalised to the harness's names, RFC 6749 §5.2 errors, RFC 7591 registration (JSON) when
 * the server has a registration endpoint, and the client authentication the user chose.
 */

/** How the client authenticates at the token and device authorization endpoints (RFC 6749 §2.3). */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

const CLIENT_AUTH_METHODS: readonly string[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
];

/** Whether a published method (RFC 8414 token_endpoint_auth_methods_supported) is one we speak. */
export function isClientAuthMethod(method: string): method is ClientAuthMethod {
  return CLIENT_AUTH_METHODS.includes(method);
}

/** The wire names of each operation's members, under the harness's names. */
const WIRE_NAMES = {
  registerClient: {
    clientId: 'client_id',
    clientSecret: 'client_secret',
    clientIdIssuedAt: 'client_id_issued_at',
    clientSecretExpiresAt: 'client_secret_expires_at',
    authMethod: 'token_endpoint_auth_method',
  },
  startDeviceAuthorization: {
    deviceCode: 'device_code',
    userCode: 'user_code',
    verificationUri: 'verification_uri',
    verificationUriComplete: 'verification_uri_complete',
    expiresIn: 'expires_in',
    interval: 'interval',
  },
  createToken: {
    accessToken: 'access_token',
    tokenType: 'token_type',
    expiresIn: 'expires_in',
    refreshToken: 'refresh_token',
    idToken: 'id_token',
    scope: 'scope',
  },
} as const;

/** Every member's wire name under the harness's name (one name per member on this wire). */
const WIRE_NAME: ReadonlyMap<string, string> = new Map(
  Object.values(WIRE_NAMES).flatMap((names) => Object.entries(names)),
);

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The members a body sent, renamed to the harness's names; null reads as absent. A member whose
 * RFC name is absent is read under a vendor's name in `aliases` (AMB-10), and listed in `used`.
 */
function sentMembers<T>(
  body: unknown,
  names: Record<string, string>,
  aliases: readonly MemberAlias[] = [],
  used: MemberAlias[] = [],
): SentMembers<T> {
  const object =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const present = (name: string) => object[name] !== undefined && object[name] !== null;
  const sent: Record<string, unknown> = {};
  for (const [ours, wire] of Object.entries(names)) {
    const alias = present(wire)
      ? undefined
      : aliases.find((a) => a.standard === wire && present(a.sent));
    const name = alias?.sent ?? wire;
    if (!present(name)) continue;
    sent[ours] = object[name];
    if (alias !== undefined) used.push(alias);
  }
  return sent as SentMembers<T>;
}

/**
 * Form parameters without the absent ones (RFC 6749 §3.1: empty means omitted), in order; a
 * name given twice is sent twice (only OA-3.2-DUP-PARAM's probe does).
 */
function form(params: Iterable<readonly [string, string | undefined]>): string {
  const out = new URLSearchParams();
  for (const [name, value] of params) if (value !== undefined) out.append(name, value);
  return out.toString();
}

/** RFC 6749 §2.3.1: id and secret form-urlencoded, joined by ':', base64. */
function basicCredentials(client: ClientCredentials): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const pair = `${encode(client.clientId)}:${encode(client.clientSecret ?? '')}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** The answers of RFC 8628 §3.5 to a device-code poll that are not a token. */
const POLLING_ERRORS: ReadonlySet<string> = new Set([
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
]);

export class Rfc8628Profile implements Profile {
  readonly name = 'rfc8628' as const;

  constructor(
    readonly endpoints: OauthEndpoints,
    readonly clientAuth: ClientAuthMethod,
    private readonly http: HttpContext,
    private readonly observe: (outcome: Outcome<unknown>) => void = () => {},
    /**
     * `scope`: sent on a device authorization request that names none (RFC 8628 §3.1);
     * `issuer`: whose metadata discoverMetadata reads.
     */
    private readonly options: { scope?: string[]; issuer?: string } = {},
  ) {
    this.registration =
      endpoints.registrationEndpoint !== undefined ? RFC7591_REGISTRATION : undefined;
  }

  /** Present when clients can be registered here (RFC 7591); else they come from the settings. */
  readonly registration?: RegistrationRules;

  /** Set by the test context: throttling is then retried (CL-18). */
  throttle?: ThrottlePolicy;
  /** Set by the runner: the run's requests in flight and registrations. */
  traffic?: RunTraffic;

  /** The issuer's metadata, each attempt recorded in the test's log (the metadata tests). */
  async discoverMetadata(): Promise<Discovery & { endpoints: OauthEndpoints }> {
    if (this.options.issuer === undefined) throw new Error('the rfc8628 profile has no issuer');
    return {
      ...(await discoverMetadata(this.options.issuer, this.http)),
      endpoints: this.endpoints,
    };
  }

  wireName(member: string): string {
    return WIRE_NAME.get(member) ?? member;
  }

  learnSecrets(...values: (string | undefined)[]): void {
    for (const v of values) if (v !== undefined) this.http.redactor.addSecret(v);
  }

  async registerClient(p: RegisterClientParams): Promise<Outcome<ClientRegistration>> {
    const url = this.endpoints.registrationEndpoint;
    if (url === undefined) throw new Error('the server has no registration endpoint');
    const grantTypes = p.grantTypes ?? [DEVICE_CODE_GRANT, 'refresh_token'];
    const metadata = Object.fromEntries(
      Object.entries({
        client_name: p.clientName,
        grant_types: grantTypes,
        response_types: responseTypesFor(grantTypes),
        redirect_uris: p.redirectUris,
        // The scopes this client will ask for are the run's (--scope). The suites' own scope
        // values (`sso:account:access`) are AWS's: a server that checks registered scopes
        // against those it supports (oidc-provider: invalid_client_metadata) would refuse them.
        scope: this.options.scope?.join(' '),
        token_endpoint_auth_method: p.authMethod ?? this.clientAuth,
      }).filter(([, v]) => v !== undefined),
    );
    this.traffic?.reserveRegistration();
    let accepted = false;
    try {
      const outcome = await this.exchange('registerClient', 'clientInformation', {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(metadata),
      });
      accepted = outcome.status >= 200 && outcome.status < 300;
      const typed = this.typed<ClientRegistration>(outcome, WIRE_NAMES.registerClient);
      const value = registrationOf(typed, typed.sent!);
      // A secret issued with no method said: RFC 7591 §2's default, client_secret_basic, rather
      // than a `none` asked for, which the server then did not confirm.
      if (value && value.authMethod === undefined && value.clientSecret !== undefined) {
        const asked = p.authMethod ?? this.clientAuth;
        if (asked === 'none') value.authMethod = 'client_secret_basic';
      }
      return value ? { ...typed, value } : typed;
    } finally {
      this.traffic?.settleRegistration(accepted);
    }
  }

  async startDeviceAuthorization(
    p: StartDeviceAuthorizationParams,
  ): Promise<Outcome<DeviceAuthorization>> {
    const outcome = await this.exchange(
      'startDeviceAuthorization',
      'deviceAuthorization',
      this.formRequest(this.endpoints.deviceAuthorizationEndpoint, p.client, {
        scope: (p.scope ?? this.options.scope)?.join(' '),
      }),
    );
    const typed = this.typed<DeviceAuthorization>(
      outcome,
      WIRE_NAMES.startDeviceAuthorization,
      DEVICE_AUTHORIZATION_ALIASES,
    );
    const value = deviceAuthorizationOf(typed, typed.sent!);
    return value ? { ...typed, value } : typed;
  }

  async createToken(p: CreateTokenParams): Promise<Outcome<TokenSet>> {
    this.learnSecrets(p.code, p.codeVerifier);
    const outcome = await this.exchange(
      'createToken',
      'token',
      this.formRequest(this.endpoints.tokenEndpoint, p.client, {
        grant_type: p.grantType,
        device_code: p.deviceCode,
        refresh_token: p.refreshToken,
        code: p.code,
        redirect_uri: p.redirectUri,
        code_verifier: p.codeVerifier,
        scope: p.scope?.join(' '),
      }),
      p.grantType === DEVICE_CODE_GRANT,
    );
    const typed = this.typed<TokenSet>(outcome, WIRE_NAMES.createToken);
    const value = tokenSetOf(typed, typed.sent!);
    // OAuth sends scope as one space-delimited string (RFC 6749 §3.3); the harness's is a list.
    // `sent` keeps the string as sent: the tests of the response's JSON judge what came.
    const scope = typed.sent!.scope;
    if (value && typeof scope === 'string') value.scope = scope.split(' ').filter((x) => x !== '');
    return value ? { ...typed, value } : typed;
  }

  sendsSecret(client: ClientCredentials): boolean {
    return client.clientSecret !== undefined && this.authMethodOf(client) !== 'none';
  }

  /** The method the server registered the client with, else the run's (--client-auth). */
  private authMethodOf(client: ClientCredentials): string {
    return client.authMethod ?? this.clientAuth;
  }

  /**
   * A form request with the parameters as given, in order, a name possibly repeated or empty,
   * for the probes of RFC 6749 §3.2 and §2.3 (OA-3.2-DUP-PARAM, OA-3.2-EMPTY-PARAM,
   * OA-3.2-UNKNOWN-PARAM): to the token endpoint (`createToken`) or the device authorization
   * endpoint. `bothAuth` sends the secret twice, with HTTP Basic and in the body
   * (OA-2.3-ONE-METHOD: CL-7's one exception).
   */
  async sendForm(
    op: 'createToken' | 'startDeviceAuthorization',
    client: ClientCredentials,
    params: readonly (readonly [string, string])[],
    opts: { bothAuth?: boolean } = {},
  ): Promise<Outcome<unknown>> {
    const token = op === 'createToken';
    const url = token ? this.endpoints.tokenEndpoint : this.endpoints.deviceAuthorizationEndpoint;
    // A device authorization carries the run's --scope, as startDeviceAuthorization's does: a
    // server that requires a scope (glewlwyd: invalid_scope) would otherwise refuse the probe
    // for that, and the rule it probes would be judged on the wrong refusal.
    const scope = this.options.scope?.join(' ');
    const sent =
      !token && scope !== undefined && !params.some(([name]) => name === 'scope')
        ? [...params, ['scope', scope] as const]
        : params;
    const request = this.formRequest(url, client, sent, opts.bothAuth);
    const outcome = await this.exchange(
      op,
      token ? 'token' : 'deviceAuthorization',
      request,
      token,
    );
    return this.typed(
      outcome,
      token ? WIRE_NAMES.createToken : WIRE_NAMES.startDeviceAuthorization,
    );
  }

  /** A form POST authenticated as the client was registered, else as `clientAuth` says (RFC 6749 §2.3.1). */
  private formRequest(
    url: string | undefined,
    client: ClientCredentials,
    params: Record<string, string | undefined> | readonly (readonly [string, string])[],
    bothAuth = false,
  ): HttpRequest {
    if (url === undefined) throw new Error('the endpoint is not known (discovery or settings)');
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    // A client without a secret is a public one: it sends its client_id alone (RFC 8628 §3.1).
    const method = client.clientSecret === undefined ? 'none' : this.authMethodOf(client);
    const auth: Record<string, string | undefined> = {};
    if (method === 'client_secret_basic') headers.authorization = basicCredentials(client);
    else auth.client_id = client.clientId;
    if (method === 'client_secret_post') auth.client_secret = client.clientSecret;
    if (bothAuth && client.clientSecret !== undefined) {
      headers.authorization = basicCredentials(client);
      auth.client_id = client.clientId;
      auth.client_secret = client.clientSecret;
    }
    const pairs = Array.isArray(params) ? params : Object.entries(params);
    // A parameter sent empty on purpose (OA-3.2-EMPTY-PARAM) stays: only undefined is left out.
    return { method: 'POST', url, headers, body: form([...Object.entries(auth), ...pairs]) };
  }

  private typed<T>(
    outcome: Outcome<unknown>,
    names: Record<string, string>,
    aliases?: readonly MemberAlias[],
  ): Outcome<T> {
    const result = outcome as Outcome<T>;
    const used: MemberAlias[] = [];
    result.sent = sentMembers<T>(outcome.body, names, aliases, used);
    if (used.length > 0) result.aliases = used;
    return result;
  }

  /**
   * One operation, throttling retried as `throttle` says (CL-18): 429 and slow_down everywhere
   * but on a device-code poll. There slow_down is RFC 8628's own signal for the poller, and so
   * is any polling error (authorization_pending, slow_down, access_denied, expired_token) sent
   * with 429, as Auth0 is reported to send slow_down (AMB-1): the poller reads the error
   * member, DA-3.5-STATUS-400 judges the status. A 429 without one is a rate limit.
   */
  private async exchange(
    op: OperationName,
    schema: OauthSchema,
    request: HttpRequest,
    devicePoll = false,
  ): Promise<Outcome<unknown>> {
    return sendRetryingThrottled({
      op,
      once: async () => {
        const response = await (this.traffic
          ? this.traffic.inTurn(() => send(request, this.http))
          : send(request, this.http));
        return this.outcomeOf(op, schema, response);
      },
      throttled: (outcome) =>
        devicePoll
          ? outcome.status === 429 && !POLLING_ERRORS.has(outcome.error?.code ?? '')
          : outcome.status === 429 || outcome.error?.code === 'slow_down',
      throttle: this.throttle,
      observe: this.observe,
    });
  }

  private outcomeOf(
    op: OperationName,
    schema: OauthSchema,
    response: Awaited<ReturnType<typeof send>>,
  ): Outcome<unknown> {
    const { outcome, object } = answerOf(op, response);
    const isError = outcome.kind === 'error';
    const json = outcome.body;
    const parseError = outcome.parseError;
    if (json === undefined) {
      outcome.schemaErrors = [`body is not JSON (${parseError ?? 'empty'})`];
    } else {
      outcome.schemaErrors = validateOauth(isError ? 'error' : schema, json);
    }
    if (isError) {
      const sent = sentMembers<{ code: unknown; description: unknown }>(object, {
        code: 'error',
        description: 'error_description',
      });
      const code = isString(sent.code) ? sent.code : undefined;
      // A vendor's name for an RFC code (AMB-4, AMB-5) is read as what it means, kept as sent.
      const synonym = code === undefined ? undefined : errorSynonym(code);
      outcome.error = {
        code: synonym?.meaning ?? code,
        description: isString(sent.description) ? sent.description : undefined,
        sent,
        ...(synonym ? { synonym: { ...synonym, sent: code! } } : {}),
      };
    }
    return outcome;
  }
}

/**
 * RFC 7591 §2: `response_types` defaults to `["code"]`, which asks for the authorization
 * endpoint and so for redirect URIs. A device client that does not use the code grant says so
 * with an empty list; a server that checks the two lists' consistency (oidc-provider answers
 * `invalid_redirect_uri` otherwise) then accepts the registration.
 */
function responseTypesFor(grantTypes: readonly string[]): string[] {
  return grantTypes.includes('authorization_code') ? ['code'] : [];
}
