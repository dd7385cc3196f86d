import { createHash, randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { epochSeconds } from './clock.ts';
import type { ServerContext } from './context.ts';
import { fail, oidcError, type OidcError, type Outcome } from './errors.ts';
import {
  assertionOptionsProblem,
  mintAssertion,
  signIdToken,
  verifyAssertion,
  type AssertionOptions,
  type IamKeys,
} from './jwt.ts';
import {
  AUTHORIZATION_CODE_GRANT,
  JWT_BEARER_GRANT,
  REFRESH_TOKEN_GRANT,
  REFRESH_TOKEN_TYPE,
  ACCESS_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  decodeCreateTokenWithIam,
  type CreateTokenWithIamInput,
  type JsonObject,
} from './requests.ts';
import { regionError, type IamCredentials } from './sigv4.ts';
import type { IamApplication, IamIssued } from './state.ts';
import { errorResponse, iamTokenResponse, type WireResponse } from './wire.ts';

/**
 * CreateTokenWithIAM (`POST /token?aws_iam=t`, WIRE.md §1.4) once its SigV4 signature has been
 * verified (sigv4.ts, called by http.ts before the body is even parsed): the application check,
 * the four grants, downscoping (state.ts) and the idToken.
 */

/** The IAM side of one running server. */
export interface IamContext {
  /** The region the server serves (the SigV4 credential scope it accepts). */
  region: string;
  credentials: readonly IamCredentials[];
  application: IamApplication;
  /** The `iss` of the assertions the jwt-bearer grant trusts. */
  trustedIssuer: string;
  keys: IamKeys;
}

/** The Identity Center identity store of the reference's instance (idToken claims). */
const IDENTITY_STORE_ID = 'd-1111111111';

/** `arn:aws:sso::<account>:application/<instance>/<apl>` → its account and instance. */
function applicationParts(arn: string): { account: string; instance: string } {
  const m = /^arn:[a-z-]+:sso::(\d{12}):application\/(ssoins-[0-9a-zA-Z]+)\/apl-[0-9a-zA-Z]+$/.exec(
    arn,
  );
  return m ? { account: m[1], instance: m[2] } : { account: '000000000000', instance: 'ssoins-0' };
}

/** An opaque value (identity and audit contexts, credential ids). */
function opaque(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** `2020-01-22T12:45:29Z`: the idToken's auth_time is an ISO string in the model. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Identity Center user a trusted issuer's subject maps to: a stable id in the form of the
 * model's `sub` (a UUID), derived from the issuer and the subject.
 */
export function userIdFor(issuer: string, subject: string): string {
  const h = createHash('sha256').update(`${issuer}\n${subject}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The model example's claims (WIRE.md §1.4), `aud` the application ARN. */
export function idTokenClaims(
  app: IamApplication,
  issued: IamIssued,
  identityContext: string,
): JWTPayload {
  const { account, instance } = applicationParts(app.arn);
  const iat = epochSeconds(issued.tokens.issuedAtMs);
  return {
    'aws:identity_store_id': IDENTITY_STORE_ID,
    sub: issued.userId,
    'aws:instance_account': account,
    'sts:identity_context': identityContext,
    'sts:audit_context': opaque(),
    iss: `https://identitycenter.amazonaws.com/${instance}`,
    'aws:identity_store_arn': `arn:aws:identitystore::${account}:identitystore/${IDENTITY_STORE_ID}`,
    aud: app.arn,
    'aws:instance_arn': `arn:aws:sso:::instance/${instance}`,
    'aws:credential_id': opaque(),
    auth_time: isoSeconds(issued.authTimeMs),
    exp: iat + issued.tokens.expiresIn,
    iat,
  };
}

/** The operation, from the decoded JSON body of a request whose signature was accepted. */
export async function createTokenWithIam(
  ctx: ServerContext,
  body: JsonObject,
): Promise<WireResponse> {
  const failed = (err: OidcError) => errorResponse(err, ctx.faults);
  const input = decodeCreateTokenWithIam(body);
  if (!input.ok) return failed(input.error);
  const { iam, faults } = ctx;
  if (
    input.value.clientId !== iam.application.arn &&
    !faults.has('iam-unknown-application-accepted')
  ) {
    return failed(
      oidcError(
        'InvalidClientException',
        'clientId is not the ARN of an application of this instance',
      ),
    );
  }
  const foreign = ctx.partition?.issuerOf(presentedToken(input.value));
  // iam-region-not-checked: another region's token is taken for a token nobody issued.
  if (foreign && foreign.region !== iam.region && !faults.has('iam-region-not-checked'))
    return failed(regionError(foreign.endpoint, foreign.region));
  const result = await grant(ctx, input.value);
  if (!result.ok) return failed(result.error);
  const { issued, withIdentity } = result.value;
  ctx.partition?.record(
    { region: iam.region, endpoint: ctx.url },
    issued.tokens.accessToken,
    issued.tokens.refreshToken,
  );
  const requestedRefresh =
    input.value.grantType === TOKEN_EXCHANGE_GRANT &&
    input.value.requestedTokenType === REFRESH_TOKEN_TYPE;
  let idToken: string | undefined;
  let identityContext: string | undefined;
  if (withIdentity) {
    identityContext = opaque(48);
    if (!faults.has('iam-no-id-token')) {
      idToken = await signIdToken(
        iam.keys,
        idTokenClaims(iam.application, issued, identityContext),
      );
    }
  }
  return iamTokenResponse(
    issued,
    {
      issuedTokenType: requestedRefresh ? REFRESH_TOKEN_TYPE : ACCESS_TOKEN_TYPE,
      idToken,
      identityContext,
    },
    faults,
  );
}

/** The Identity Center token a grant presents, which another region may have issued. */
function presentedToken(input: CreateTokenWithIamInput): string | undefined {
  switch (input.grantType) {
    case REFRESH_TOKEN_GRANT:
      return input.refreshToken;
    case TOKEN_EXCHANGE_GRANT:
      return input.subjectToken;
    default:
      return undefined;
  }
}

async function grant(
  ctx: ServerContext,
  input: CreateTokenWithIamInput,
): Promise<Outcome<{ issued: IamIssued; withIdentity: boolean }>> {
  const { state, iam } = ctx;
  const done = (r: Outcome<IamIssued>, withIdentity: boolean) =>
    r.ok ? { ok: true as const, value: { issued: r.value, withIdentity } } : r;
  switch (input.grantType) {
    case AUTHORIZATION_CODE_GRANT:
      return done(state.iamAuthorizationCode(input, input.scope), true);
    case REFRESH_TOKEN_GRANT:
      return done(state.iamRefresh(input.refreshToken, input.scope), false);
    case JWT_BEARER_GRANT: {
      if (input.assertion === undefined) {
        return fail('InvalidGrantException', 'Missing assertion for the jwt-bearer grant');
      }
      const who = await verifyAssertion(
        iam.keys,
        { issuer: iam.trustedIssuer, audience: iam.application.arn },
        input.assertion,
        ctx.clock.nowMs(),
        !ctx.faults.has('iam-assertion-not-verified') &&
          // iam-assertion-alg-none-accepted: the header decides, as in the classic library bug.
          !(ctx.faults.has('iam-assertion-alg-none-accepted') && algOf(input.assertion) === 'none'),
      );
      if (!who) {
        return fail(
          'InvalidGrantException',
          'The assertion is not a valid JWT of the trusted token issuer for this application',
        );
      }
      return done(state.iamAssertion(userIdFor(who.issuer, who.subject), input.scope), true);
    }
    case TOKEN_EXCHANGE_GRANT:
      return done(state.iamTokenExchange(input, input.scope), false);
    default:
      // iam-unknown-grant-crash: the handler has no branch for it and falls over.
      if (ctx.faults.has('iam-unknown-grant-crash'))
        return fail('InternalServerException', 'Could not process the request');
      return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
  }
}

/** The alg a JWT's header claims, unverified. */
function algOf(jwt: string): unknown {
  try {
    const header: unknown = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
    return (header as { alg?: unknown } | null)?.alg;
  } catch {
    return undefined;
  }
}

/**
 * A jwt-bearer assertion on the server's clock (`server.mintAssertion`, POST
 * /__admin/assertion); TypeError on options that are not AssertionOptions.
 */
export function mintAssertionFor(ctx: ServerContext, opts: AssertionOptions): Promise<string> {
  const problem = assertionOptionsProblem(opts);
  if (problem) return Promise.reject(new TypeError(problem));
  return mintAssertion(
    ctx.iam.keys,
    { issuer: ctx.iam.trustedIssuer, audience: ctx.iam.application.arn },
    ctx.clock.nowMs(),
    opts,
  );
}
