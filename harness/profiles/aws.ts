import { send, type HttpContext } from '../http/http.ts';
import {
  validateAwsError,
  validateAwsResponse,
  awsShapeForErrorCode,
  AWS_ERROR_SHAPES,
  AWS_OPERATIONS,
  type AwsOperation,
} from '../aws/schemas.ts';
import { signRequest, type RequestToSign, type SigningParams } from '../aws/sigv4.ts';
import type { RunTraffic } from '../engine/traffic.ts';
import { frontEndError } from '../aws/aws-common-errors.ts';
import { DEVICE_CODE_GRANT } from './profile.ts';
import { answerOf, deviceAuthorizationOf, registrationOf, tokenSetOf } from './normalise.ts';
import { sendRetryingThrottled, type ThrottlePolicy } from './throttle.ts';
import { AWS_REGISTRATION } from './aws-registration.ts';
import type {
  ClientCredentials,
  ClientRegistration,
  CreateTokenParams,
  CreateTokenWithIAMParams,
  IamTokenSet,
  DeviceAuthorization,
  OperationName,
  Outcome,
  FrontEndRefusals,
  Profile,
  ProtocolError,
  RegisterClientParams,
  SentMembers,
  StartDeviceAuthorizationParams,
  TokenSet,
} from './profile.ts';

/** Smithy restJson1 clients keep what is before the first ':' and then what follows '#'. */
export function sanitizeErrorType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let value = header.split(':')[0]!.trim();
  const hash = value.indexOf('#');
  if (hash >= 0) value = value.slice(hash + 1);
  return value;
}

const OPERATION_NAMES: Record<AwsOperation, OperationName> = {
  RegisterClient: 'registerClient',
  StartDeviceAuthorization: 'startDeviceAuthorization',
  CreateToken: 'createToken',
  CreateTokenWithIAM: 'createTokenWithIAM',
};

/** The AWS operation behind an abstract operation name. */
export const AWS_OPERATION_FOR = Object.fromEntries(
  Object.entries(OPERATION_NAMES).map(([aws, abstract]) => [abstract, aws]),
) as Record<OperationName, AwsOperation>;

/** A request body as the AWS profile sends it: a value to serialise, or raw text. */
export type AwsBody = { json: unknown } | { raw: string };

export interface AwsSendOptions {
  headers?: Record<string, string>;
  /** Turns the request as built into the headers to send (SigV4 for CreateTokenWithIAM). */
  sign?: (request: RequestToSign) => Promise<Record<string, string>>;
}

/**
 * The members each typed operation reports as sent (Outcome.sent). The AWS wire already uses
 * the harness's camelCase names, so the AWS profile only picks them out of the body.
 */
const SENT: {
  registerClient: (keyof ClientRegistration)[];
  startDeviceAuthorization: (keyof DeviceAuthorization)[];
  createToken: (keyof TokenSet)[];
  createTokenWithIAM: (keyof IamTokenSet)[];
} = {
  registerClient: [
    'clientId',
    'clientSecret',
    'clientIdIssuedAt',
    'clientSecretExpiresAt',
    'authorizationEndpoint',
    'tokenEndpoint',
  ],
  startDeviceAuthorization: [
    'deviceCode',
    'userCode',
    'verificationUri',
    'verificationUriComplete',
    'expiresIn',
    'interval',
  ],
  createToken: ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'idToken', 'scope'],
  createTokenWithIAM: [
    'accessToken',
    'tokenType',
    'expiresIn',
    'refreshToken',
    'idToken',
    'scope',
    'issuedTokenType',
    'awsAdditionalDetails',
  ],
};

/**
 * The named members of a body as sent. A null member reads as absent, as restJson1 clients
 * (Smithy, the AWS SDKs) read it: AWS sends unset members as null.
 */
function sentMembers<T>(body: unknown, names: readonly (keyof T)[]): SentMembers<T> {
  const object =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<PropertyKey, unknown>)
      : {};
  const sent: Partial<Record<keyof T, unknown>> = {};
  for (const name of names) {
    const v = object[name];
    if (v !== undefined && v !== null) sent[name] = v;
  }
  return sent;
}

/** The OAuth error members of a body as sent (ProtocolError.sent); null reads as absent. */
function errorMembersSent(body: Record<string, unknown> | undefined): ProtocolError['sent'] {
  const { error, error_description } = sentMembers<{ error: unknown; error_description: unknown }>(
    body,
    ['error', 'error_description'],
  );
  return defined({ code: error, description: error_description });
}

/**
 * The outcome of a typed operation, its sent members set in place (the same object the wire
 * rules observed); `value` is added by the caller when the body has what it needs.
 */
function typed<T>(outcome: Outcome<unknown>, names: readonly (keyof T)[]): Outcome<T> {
  const result = outcome as Outcome<T>;
  result.sent = sentMembers<T>(outcome.body, names);
  return result;
}

/** Drop undefined members so that "absent" means absent on the wire. */
function defined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Whether an answer throttles the request (CL-18, AWS-SLOWDOWN-LOAD): HTTP 429 (a rate limit,
 * often from a front door), the AWS front end's ThrottlingException, or SlowDownException on
 * any call but a device-code poll: RegisterClient (the model lists it there since 2025),
 * StartDeviceAuthorization, a refresh or code redemption, CreateTokenWithIAM. On a device-code
 * poll slow_down is RFC 8628's own signal: the poller handles it and the DA-3.5-SLOWDOWN-*
 * tests judge it, so it is never retried here (nor a raw CreateToken body, which may be one).
 */
export function isThrottling(op: AwsOperation, body: AwsBody, o: Outcome<unknown>): boolean {
  if (o.status === 429) return true;
  if (o.kind !== 'error') return false;
  if (o.error?.type === 'ThrottlingException') return true;
  const slowDown = o.error?.code === 'slow_down' || o.error?.type === 'SlowDownException';
  if (!slowDown || op !== 'CreateToken') return slowDown;
  const grant =
    'json' in body ? (body.json as { grantType?: unknown } | null)?.grantType : undefined;
  return grant !== undefined && grant !== DEVICE_CODE_GRANT;
}

/**
 * The AWS profile: restJson1, camelCase JSON bodies, errors as `{error, error_description}`
 * plus the x-amzn-ErrorType header (shared/spec/WIRE.md).
 */
export class AwsProfile implements Profile {
  readonly name = 'aws' as const;
  /** RegisterClient, and what its answer must show (a clientId, and a clientSecret). */
  readonly registration = AWS_REGISTRATION;

  /** AWS's front end (Coral) refuses what it cannot deserialise (aws-common-errors.ts). */
  readonly frontEnd: FrontEndRefusals = {
    who: 'the AWS front end',
    expected: 'an AWS front-end refusal (4xx SerializationException ...)',
    refusal: frontEndError,
  };

  constructor(
    /** The target's endpoint: where the AWS CLI sends the browser, at /authorize (E8). */
    readonly baseUrl: string,
    private readonly http: HttpContext,
    private readonly observe: (outcome: Outcome<unknown>) => void = () => {},
  ) {}

  /** restJson1 members are named on the wire as the harness names them (camelCase). */
  wireName(member: string): string {
    return member;
  }

  /**
   * Credentials the harness made (a code verifier) or got outside a recorded response (an
   * authorization code from the browser step, an assertion): the report hides them everywhere.
   * A request itself teaches the redactor nothing (fuzzed values; harness/http/redact.ts).
   */
  learnSecrets(...values: (string | undefined)[]): void {
    for (const v of values) if (v !== undefined) this.http.redactor.addSecret(v);
  }

  /** Set by the test context: throttling is then retried (CL-18); without it, answered as is. */
  throttle?: ThrottlePolicy;

  /** Set by the runner: the run's requests in flight and registrations (harness/engine/traffic.ts). */
  traffic?: RunTraffic;

  private inTurn<T>(send: () => Promise<T>): Promise<T> {
    return this.traffic ? this.traffic.inTurn(send) : send();
  }

  /**
   * Send one operation with any body: the door for wire-level negative tests. Throttling
   * (isThrottling) is retried as `throttle` says, signed anew each time.
   */
  async send(
    op: AwsOperation,
    body: AwsBody,
    options: AwsSendOptions = {},
  ): Promise<Outcome<unknown>> {
    // Any RegisterClient may create a lasting client: the run bounds them (harness/engine/traffic.ts).
    const registers = op === 'RegisterClient' && this.traffic !== undefined;
    if (registers) this.traffic!.reserveRegistration();
    let accepted = false;
    try {
      const outcome = await this.sendRetrying(op, body, options);
      accepted = outcome.status >= 200 && outcome.status < 300;
      return outcome;
    } finally {
      if (registers) this.traffic!.settleRegistration(accepted);
    }
  }

  private async sendRetrying(
    op: AwsOperation,
    body: AwsBody,
    options: AwsSendOptions,
  ): Promise<Outcome<unknown>> {
    return sendRetryingThrottled({
      op,
      once: () => this.sendOnce(op, body, options),
      throttled: (outcome) => isThrottling(op, body, outcome),
      throttle: this.throttle,
      observe: this.observe,
    });
  }

  private async sendOnce(
    op: AwsOperation,
    body: AwsBody,
    options: AwsSendOptions,
  ): Promise<Outcome<unknown>> {
    const spec = AWS_OPERATIONS[op];
    const text = 'raw' in body ? body.raw : JSON.stringify(body.json);
    const request: RequestToSign & { method: 'POST' } = {
      method: spec.method,
      url: this.baseUrl + spec.uri,
      headers: { 'content-type': 'application/json', ...options.headers },
      body: text,
    };
    // Signed in its turn, so that waiting for one never ages the signature.
    const response = await this.inTurn(async () => {
      if (options.sign) request.headers = await options.sign(request);
      return send(request, this.http);
    });
    const { outcome, object: bodyObject } = answerOf(OPERATION_NAMES[op], response);
    const isError = outcome.kind === 'error';
    const json = outcome.body;
    const parseError = outcome.parseError;
    if (isError) {
      const type = sanitizeErrorType(response.headers['x-amzn-errortype']);
      // AWS clients identify errors by the header alone (WIRE.md §2); so does a behaviour
      // check when the body is unreadable. OA-5.2-FORMAT judges the body on its own.
      const headerCode = type === undefined ? undefined : AWS_ERROR_SHAPES[type]?.code;
      outcome.error = {
        code: isString(bodyObject?.error) ? bodyObject.error : headerCode,
        description: isString(bodyObject?.error_description)
          ? bodyObject.error_description
          : undefined,
        type,
        typeCarrier: 'x-amzn-ErrorType',
        sent: errorMembersSent(bodyObject),
      };
      outcome.schemaErrors = this.errorSchemaErrors(outcome, type);
    } else {
      outcome.schemaErrors =
        json === undefined
          ? [`body is not JSON (${parseError ?? 'empty'})`]
          : validateAwsResponse(op, json);
    }
    return outcome;
  }

  private errorSchemaErrors(outcome: Outcome<unknown>, type: string | undefined): string[] {
    if (outcome.body === undefined)
      return [`error body is not JSON (${outcome.parseError ?? 'empty'})`];
    const shape = type ?? awsShapeForErrorCode(outcome.error?.code ?? '')[0];
    if (!shape) return ['error body has no known error code and no x-amzn-ErrorType'];
    return validateAwsError(shape, outcome.body);
  }

  /** CreateToken carries clientSecret in its JSON body whenever the client has one. */
  sendsSecret(client: ClientCredentials): boolean {
    return client.clientSecret !== undefined;
  }

  async registerClient(p: RegisterClientParams): Promise<Outcome<ClientRegistration>> {
    const outcome = await this.send('RegisterClient', {
      json: defined({
        clientName: p.clientName,
        clientType: p.clientType,
        scopes: p.scopes,
        redirectUris: p.redirectUris,
        grantTypes: p.grantTypes,
        issuerUrl: p.issuerUrl,
      }),
    });
    const typedOutcome = typed<ClientRegistration>(outcome, SENT.registerClient);
    const value = registrationOf(outcome, typedOutcome.sent!);
    return value ? { ...typedOutcome, value } : typedOutcome;
  }

  async startDeviceAuthorization(
    p: StartDeviceAuthorizationParams,
  ): Promise<Outcome<DeviceAuthorization>> {
    const outcome = await this.send('StartDeviceAuthorization', {
      json: defined({
        clientId: p.client.clientId,
        clientSecret: p.client.clientSecret,
        startUrl: p.startUrl,
      }),
    });
    const typedOutcome = typed<DeviceAuthorization>(outcome, SENT.startDeviceAuthorization);
    const value = deviceAuthorizationOf(outcome, typedOutcome.sent!);
    return value ? { ...typedOutcome, value } : typedOutcome;
  }

  async createToken(p: CreateTokenParams): Promise<Outcome<TokenSet>> {
    this.learnSecrets(p.code, p.codeVerifier);
    const outcome = await this.send('CreateToken', {
      json: defined({
        clientId: p.client.clientId,
        clientSecret: p.client.clientSecret,
        grantType: p.grantType,
        deviceCode: p.deviceCode,
        refreshToken: p.refreshToken,
        code: p.code,
        redirectUri: p.redirectUri,
        codeVerifier: p.codeVerifier,
        scope: p.scope,
      }),
    });
    const typedOutcome = typed<TokenSet>(outcome, SENT.createToken);
    const value = tokenSetOf(outcome, typedOutcome.sent!);
    return value ? { ...typedOutcome, value } : typedOutcome;
  }

  /** CreateTokenWithIAM, signed as `signing` says (a fault signs wrongly on purpose). */
  async createTokenWithIAM(
    p: CreateTokenWithIAMParams,
    signing: SigningParams,
  ): Promise<Outcome<IamTokenSet>> {
    this.learnSecrets(p.code, p.codeVerifier, p.assertion, p.subjectToken);
    const outcome = await this.send(
      'CreateTokenWithIAM',
      {
        json: defined({
          clientId: p.clientId,
          grantType: p.grantType,
          code: p.code,
          redirectUri: p.redirectUri,
          codeVerifier: p.codeVerifier,
          refreshToken: p.refreshToken,
          assertion: p.assertion,
          subjectToken: p.subjectToken,
          subjectTokenType: p.subjectTokenType,
          requestedTokenType: p.requestedTokenType,
          scope: p.scope,
        }),
      },
      { sign: (request) => signRequest(request, signing) },
    );
    const typedOutcome = typed<IamTokenSet>(outcome, SENT.createTokenWithIAM);
    const tokens = tokenSetOf(outcome, typedOutcome.sent!);
    const b = outcome.body as Record<string, unknown> | undefined;
    if (tokens && b) {
      const details = b.awsAdditionalDetails as Record<string, unknown> | undefined;
      return {
        ...typedOutcome,
        value: {
          ...tokens,
          issuedTokenType: isString(b.issuedTokenType) ? b.issuedTokenType : undefined,
          scope:
            Array.isArray(b.scope) && b.scope.every(isString) ? (b.scope as string[]) : undefined,
          awsAdditionalDetails:
            details !== null && typeof details === 'object' && !Array.isArray(details)
              ? {
                  identityContext: isString(details.identityContext)
                    ? details.identityContext
                    : undefined,
                }
              : undefined,
        },
      };
    }
    return typedOutcome;
  }
}
