import {
  ACCESS_TOKEN_TYPE,
  JWT_BEARER_GRANT,
  TOKEN_EXCHANGE_GRANT,
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectStatus,
  expectSuccess,
  jwtClaims,
  member,
  newCodeVerifier,
  show,
  type AssertionOptions,
  type CreateTokenWithIAMParams,
  type IamTokenSet,
  type Outcome,
  type SigningFault,
  type TestContext,
} from '../harness/api/conformance.ts';

/**
 * CreateTokenWithIAM (WIRE.md §1.4): SigV4-signed (service sso-oauth, the endpoint's region),
 * clientId the application ARN, four grants, downscoping. Every request is signed correctly
 * unless the test is about the signature, and carries a valid grant unless the test is about
 * the grant, so that each refusal has one cause. The wire format of every response (error
 * set, types, statuses, members) is judged by the aws-wire suite after the run.
 */
const suite = defineSuite(
  'create-token-with-iam',
  'CreateTokenWithIAM: SigV4, the IAM grants, downscoping (WIRE.md §1.4)',
);

/**
 * Every test here needs the target's application and credentials (`list` shows it), and
 * CreateTokenWithIAM is an AWS operation: no other profile runs these.
 */
const iamTest: typeof suite.test = (meta, fn) =>
  suite.test({ ...meta, profiles: ['aws'], needs: { ...meta.needs, iam: true } }, fn);

const BROWSER = { approver: true } as const;
const DEVICE_TOKENS = { approver: true, wait: 'interval' } as const;

const ok = (o: Outcome<IamTokenSet>) => o.kind === 'ok' && o.value !== undefined;

/** jwt-bearer with a fresh, valid assertion, signed as `fault` says. */
async function jwtBearer(t: TestContext, fault?: SigningFault, clientId?: string) {
  const assertion = await t.iam.assertion();
  return t.createTokenWithIAM({ grantType: JWT_BEARER_GRANT, assertion, clientId }, fault);
}

/** A check per modelled member of a successful response (expected values as data). */
function expectMembers(
  t: TestContext,
  o: Outcome<IamTokenSet>,
  requirement: string,
  expectations: { member: string; expected: string; holds: (v: unknown) => boolean }[],
): void {
  for (const e of expectations) {
    const v = member(o.body, e.member);
    t.check({
      requirement,
      // The model marks no output member @required: an absent one is a SHOULD finding.
      level: v === undefined ? 'SHOULD' : undefined,
      description: `${e.member} of the ${o.op} response`,
      ok: e.holds(v),
      expected: e.expected,
      actual: v === undefined ? `${e.member} absent` : describeMember(e.member, v),
      exchange: o.exchange,
    });
  }
}

/** Tokens and contexts are described, never shown: `actual` is kept in the results. */
function describeMember(name: string, v: unknown): string {
  if (typeof v === 'string')
    return name === 'issuedTokenType' ? show(v) : `a string of ${v.length} characters`;
  if (v !== null && typeof v === 'object' && !Array.isArray(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${typeof x}`)
      .join(', ')}}`;
  return show(v);
}

const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
const isScopeList = (v: unknown) =>
  Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');

// ---- jwt-bearer --------------------------------------------------------------------------

iamTest(
  {
    id: 'AWS-IAM-JWT-BEARER',
    profiles: ['aws'],
    title: 'a fresh assertion from the trusted issuer yields tokens with every modelled member',
    level: 'MUST',
  },
  async (t) => {
    const o = await jwtBearer(t);
    if (
      !expectSuccess(t, o, {
        requirement: 'AWS-IAM-JWT-BEARER',
        description: 'CreateTokenWithIAM with the jwt-bearer grant and a fresh assertion',
        expected: 'HTTP 200 with accessToken and tokenType',
      })
    )
      return;
    expectMembers(t, o, 'AWS-IAM-JWT-BEARER', [
      {
        member: 'issuedTokenType',
        expected: ACCESS_TOKEN_TYPE,
        holds: (v) => v === ACCESS_TOKEN_TYPE,
      },
      { member: 'scope', expected: 'the granted scopes: a non-empty list', holds: isScopeList },
      { member: 'idToken', expected: 'a JWT identifying the user', holds: isNonEmptyString },
      {
        member: 'awsAdditionalDetails',
        expected: '{ identityContext: non-empty string }',
        holds: (v) => isNonEmptyString(member(v, 'identityContext')),
      },
    ]);
  },
);

/** The claims of the model's idToken example a client relies on (WIRE.md §1.4). */
function expectIdTokenClaims(t: TestContext, o: Outcome<IamTokenSet>, applicationArn: string) {
  const idToken = o.value!.idToken;
  t.require({
    requirement: 'AWS-IAM-ID-TOKEN',
    // idToken is not @required in the model: its absence is a SHOULD finding.
    level: 'SHOULD',
    description: `idToken of the ${o.op} response`,
    ok: idToken !== undefined,
    expected: 'an idToken',
    actual: idToken === undefined ? 'idToken absent' : 'an idToken',
    exchange: o.exchange,
  });
  const claims = jwtClaims(idToken!);
  t.require({
    requirement: 'AWS-IAM-ID-TOKEN',
    description: 'the idToken is a JWT whose payload decodes',
    ok: claims !== undefined,
    expected: 'header.payload.signature, the payload a JSON object',
    actual: claims === undefined ? 'not a decodable JWT' : 'a JWT with a JSON payload',
    exchange: o.exchange,
  });
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const claimExpectations: { claim: string; expected: string; holds: (v: unknown) => boolean }[] = [
    { claim: 'sub', expected: 'a non-empty string', holds: isNonEmptyString },
    { claim: 'iss', expected: 'a non-empty string', holds: isNonEmptyString },
    {
      claim: 'aud',
      expected: `the application ARN ${applicationArn}`,
      holds: (v) => v === applicationArn || (Array.isArray(v) && v.includes(applicationArn)),
    },
    { claim: 'exp', expected: 'a NumericDate', holds: isNumber },
    { claim: 'iat', expected: 'a NumericDate', holds: isNumber },
    { claim: 'sts:identity_context', expected: 'a non-empty string', holds: isNonEmptyString },
  ];
  for (const c of claimExpectations) {
    const v = claims![c.claim];
    t.check({
      requirement: 'AWS-IAM-ID-TOKEN',
      description: `idToken claim ${c.claim}`,
      ok: c.holds(v),
      expected: c.expected,
      actual: v === undefined ? 'absent' : c.claim === 'sts:identity_context' ? typeof v : show(v),
      exchange: o.exchange,
    });
  }
}

iamTest(
  {
    id: 'AWS-IAM-ID-TOKEN',
    profiles: ['aws'],
    slug: 'jwt-bearer',
    title:
      'the idToken of a jwt-bearer response carries sub, iss, aud (the application), exp, iat and sts:identity_context',
    level: 'MUST',
  },
  async (t) => {
    const { outcome } = await t.iamTokens();
    expectIdTokenClaims(t, outcome, t.iam.applicationArn);
  },
);

/** Assertions the target must refuse, each broken in one way (RFC 7523 §3). */
const BROKEN_ASSERTIONS: { slug: string; title: string; opts: AssertionOptions; what: string }[] = [
  {
    slug: 'expired',
    title: 'an expired assertion is refused with invalid_grant',
    opts: { expiresIn: -600 },
    what: 'an assertion that expired 600 s ago',
  },
  {
    slug: 'foreign-key',
    title: 'an assertion signed by a key the issuer does not hold is refused with invalid_grant',
    opts: { foreignKey: true },
    what: 'an assertion with valid claims signed by a foreign key',
  },
  {
    slug: 'other-issuer',
    title: 'an assertion from another issuer is refused with invalid_grant',
    opts: { issuer: 'https://issuer.sso-oidc-conformance.invalid' },
    what: 'an assertion whose iss is not a trusted token issuer',
  },
  {
    slug: 'other-audience',
    title: 'an assertion for another audience is refused with invalid_grant',
    opts: { audience: 'https://audience.sso-oidc-conformance.invalid' },
    what: 'an assertion whose aud is not the application',
  },
];

for (const broken of BROKEN_ASSERTIONS) {
  iamTest(
    { id: 'AWS-IAM-JWT-INVALID', slug: broken.slug, title: broken.title, level: 'MUST' },
    async (t) => {
      const assertion = await t.iam.assertion(broken.opts);
      const o = await t.createTokenWithIAM({ grantType: JWT_BEARER_GRANT, assertion });
      expectErrorCode(t, o, {
        requirement: 'AWS-IAM-JWT-INVALID',
        description: `jwt-bearer with ${broken.what}`,
        codes: ['invalid_grant'],
      });
    },
  );
}

/**
 * `jwt` with its header's alg set to none and no signature (RFC 7519 §6): the claims of a valid
 * assertion, which only an implementation that trusts the header would accept.
 */
function unsecured(jwt: string): string {
  const [header, payload] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as object;
  const none = Buffer.from(JSON.stringify({ ...claims, alg: 'none' })).toString('base64url');
  return `${none}.${payload}.`;
}

iamTest(
  {
    id: 'AWS-IAM-JWT-INVALID',
    profiles: ['aws'],
    slug: 'alg-none',
    title: 'an unsigned (alg none) assertion is refused with invalid_grant',
    level: 'MUST',
  },
  async (t) => {
    const assertion = unsecured(await t.iam.assertion());
    const o = await t.createTokenWithIAM({ grantType: JWT_BEARER_GRANT, assertion });
    expectErrorCode(t, o, {
      requirement: 'AWS-IAM-JWT-INVALID',
      description: 'jwt-bearer with the claims of a valid assertion, alg none and no signature',
      codes: ['invalid_grant'],
    });
  },
);

// ---- downscoping -------------------------------------------------------------------------

iamTest(
  {
    id: 'AWS-IAM-DOWNSCOPE',
    profiles: ['aws'],
    slug: 'subset',
    title: 'asking for a subset of the application scopes grants exactly that subset',
    level: 'MUST',
  },
  async (t) => {
    // What the application grants when nothing is asked: all of its scopes (WIRE.md §1.4).
    const { tokens } = await t.iamTokens();
    const all = tokens.scope ?? [];
    if (all.length < 2)
      t.skip(
        `the application granted ${all.length} scope(s) without a scope request: no proper subset to ask for`,
      );
    const subset = all.slice(0, -1);
    const assertion = await t.iam.assertion();
    const o = await t.createTokenWithIAM({
      grantType: JWT_BEARER_GRANT,
      assertion,
      scope: subset,
    });
    const granted = o.value?.scope;
    const same =
      granted !== undefined &&
      granted.length === subset.length &&
      subset.every((s) => granted.includes(s));
    t.check({
      requirement: 'AWS-IAM-DOWNSCOPE',
      description: `jwt-bearer asking for scope ${show(subset)}`,
      ok: ok(o) && same,
      expected: `HTTP 200 with scope ${show(subset)} (any order)`,
      actual: ok(o) ? `scope ${show(granted)}` : describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-DOWNSCOPE',
    profiles: ['aws'],
    slug: 'outside-set',
    title: 'asking for a scope outside the application set is refused with invalid_scope',
    level: 'MUST',
  },
  async (t) => {
    const assertion = await t.iam.assertion();
    const o = await t.createTokenWithIAM({
      grantType: JWT_BEARER_GRANT,
      assertion,
      scope: ['sso-oidc-conformance:not-an-application-scope'],
    });
    expectErrorCode(t, o, {
      requirement: 'AWS-IAM-DOWNSCOPE',
      description: 'jwt-bearer asking for a scope the application does not have',
      codes: ['invalid_scope'],
    });
  },
);

// ---- token exchange, refresh, authorization code -----------------------------------------

iamTest(
  {
    id: 'OA-6-SCOPE-UP',
    slug: 'iam-refresh',
    title: 'an IAM refresh cannot widen a narrowed grant to more of the application scopes',
    level: 'MUST',
  },
  async (t) => {
    const { tokens } = await t.iamTokens();
    const all = tokens.scope ?? [];
    if (all.length < 2)
      return t.skip(
        `the application granted ${all.length} scope(s) without a scope request: no grant to narrow`,
      );
    const [kept, other] = all as [string, string];
    const narrow = await t.createTokenWithIAM({
      grantType: JWT_BEARER_GRANT,
      assertion: await t.iam.assertion(),
      scope: [kept],
    });
    t.require({
      requirement: 'AWS-IAM-DOWNSCOPE',
      level: 'MUST',
      description: `jwt-bearer asking for scope ${show([kept])} grants exactly that (precondition)`,
      ok: ok(narrow) && show(narrow.value!.scope) === show([kept]),
      expected: `HTTP 200 with scope ${show([kept])}`,
      actual: ok(narrow) ? `scope ${show(narrow.value!.scope)}` : describeOutcome(narrow),
      exchange: narrow.exchange,
    });
    const refreshToken = narrow.value!.refreshToken;
    if (refreshToken === undefined)
      return t.skip('the jwt-bearer response carried no refreshToken: no IAM refresh to test');
    const o = await t.createTokenWithIAM({
      grantType: 'refresh_token',
      refreshToken,
      scope: [kept, other],
    });
    expectErrorCode(t, o, {
      requirement: 'OA-6-SCOPE-UP',
      description: `IAM refresh of a grant of ${show([kept])} asking for ${show([kept, other])}`,
      codes: ['invalid_scope'],
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-TOKEN-EXCHANGE',
    profiles: ['aws'],
    slug: 'access-token',
    title:
      "another client's access token is exchanged for an access token, without a refresh token",
    level: 'MUST',
    needs: DEVICE_TOKENS,
  },
  async (t) => {
    t.needsApprover();
    await t.needsIam();
    const { tokens } = await t.tokens();
    const o = await t.createTokenWithIAM({
      grantType: TOKEN_EXCHANGE_GRANT,
      subjectToken: tokens.accessToken,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      requestedTokenType: ACCESS_TOKEN_TYPE,
    });
    if (
      !expectSuccess(t, o, {
        requirement: 'AWS-IAM-TOKEN-EXCHANGE',
        description:
          'token-exchange of the access token of a device-flow client, asking for an access token',
        expected: 'HTTP 200 with accessToken and tokenType',
      })
    )
      return;
    expectMembers(t, o, 'AWS-IAM-TOKEN-EXCHANGE', [
      {
        member: 'issuedTokenType',
        expected: ACCESS_TOKEN_TYPE,
        holds: (v) => v === ACCESS_TOKEN_TYPE,
      },
      {
        member: 'refreshToken',
        expected: 'absent (requestedTokenType asked for an access token only)',
        holds: (v) => v === undefined,
      },
    ]);
  },
);

iamTest(
  {
    id: 'AWS-IAM-TOKEN-EXCHANGE',
    profiles: ['aws'],
    slug: 'unknown-subject',
    title: 'a subject token nobody issued is refused with invalid_grant',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.createTokenWithIAM({
      grantType: TOKEN_EXCHANGE_GRANT,
      subjectToken: 'Zm9yZ2VkLWFjY2Vzcy10b2tlbi1zc28tb2lkYy1jb25mb3JtYW5jZQ',
      subjectTokenType: ACCESS_TOKEN_TYPE,
      requestedTokenType: ACCESS_TOKEN_TYPE,
    });
    expectErrorCode(t, o, {
      requirement: 'AWS-IAM-TOKEN-EXCHANGE',
      description: 'token-exchange of an access token the target never issued',
      codes: ['invalid_grant'],
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-REFRESH',
    profiles: ['aws'],
    title: 'a refresh token obtained through CreateTokenWithIAM yields a new access token',
    level: 'MUST',
  },
  async (t) => {
    const { tokens } = await t.iamTokens();
    if (tokens.refreshToken === undefined)
      t.skip('the jwt-bearer response carried no refreshToken: no IAM refresh to test');
    const o = await t.createTokenWithIAM({
      grantType: 'refresh_token',
      refreshToken: tokens.refreshToken,
    });
    expectSuccess(t, o, {
      requirement: 'AWS-IAM-REFRESH',
      description: 'CreateTokenWithIAM with the refresh_token grant and the issued refresh token',
      expected: 'HTTP 200 with accessToken and tokenType',
    });
  },
);

iamTest(
  {
    id: 'OA-6-NEW-RT-SCOPE',
    profiles: ['aws'],
    title:
      'a refresh token issued by a narrowed refresh keeps the scope of the one presented (RFC 6749 §6)',
    level: 'MUST',
    also: ['AWS-IAM-REFRESH'],
  },
  async (t) => {
    const { tokens } = await t.iamTokens();
    const original = tokens.scope;
    if (original === undefined || original.length < 2)
      return t.skip(
        `the jwt-bearer response granted ${original === undefined ? 'no scope member' : `${original.length} scope`}: no narrower refresh to ask for`,
      );
    if (tokens.refreshToken === undefined)
      t.skip('the jwt-bearer response carried no refreshToken: no IAM refresh to test');
    // A refresh asking for less: the access token is narrowed, the grant is not.
    const narrowed = await t.createTokenWithIAM({
      grantType: 'refresh_token',
      refreshToken: tokens.refreshToken,
      scope: original.slice(0, 1),
    });
    t.require({
      requirement: 'AWS-IAM-REFRESH',
      description: `a refresh asking for scope ${show(original.slice(0, 1))} (precondition)`,
      ok: ok(narrowed),
      expected: 'HTTP 200 with accessToken and tokenType',
      actual: describeOutcome(narrowed),
      exchange: narrowed.exchange,
    });
    const next = narrowed.value!.refreshToken;
    if (next === undefined || next === tokens.refreshToken)
      t.skip('the narrowed refresh issued no new refresh token (no rotation): nothing to compare');
    // Without a scope request a refresh is granted the scope of the refresh token presented.
    const o = await t.createTokenWithIAM({ grantType: 'refresh_token', refreshToken: next });
    if (ok(o) && o.value!.scope === undefined)
      t.skip('the refresh response carries no scope member: the scope of the new token is unseen');
    const granted = o.value?.scope ?? [];
    t.check({
      requirement: 'OA-6-NEW-RT-SCOPE',
      description: 'a refresh without scope, with the refresh token the narrowed refresh issued',
      ok: ok(o) && granted.length === original.length && original.every((s) => granted.includes(s)),
      expected: `HTTP 200 with scope ${show(original)} (the original grant, any order)`,
      actual: ok(o) ? `scope ${show(granted)}` : describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

/** An authorization code of the application, redeemed through CreateTokenWithIAM. */
async function redeemIamCode(t: TestContext) {
  t.needsApprover();
  await t.needsIam();
  const { code, verifier, redirectUri } = await t.iamCode();
  return t.createTokenWithIAM({
    grantType: 'authorization_code',
    code,
    redirectUri,
    codeVerifier: verifier,
  });
}

iamTest(
  {
    id: 'BCP-4.14.2-ROTATE',
    slug: 'iam-refresh',
    title: 'once an IAM refresh token is rotated, the previous one no longer works',
    level: 'SHOULD',
  },
  async (t) => {
    const { tokens } = await t.iamTokens();
    if (tokens.refreshToken === undefined)
      return t.skip('the jwt-bearer response carried no refreshToken: no IAM refresh to test');
    const refresh = (refreshToken: string) =>
      t.createTokenWithIAM({ grantType: 'refresh_token', refreshToken });
    const first = await refresh(tokens.refreshToken);
    t.require({
      requirement: 'AWS-IAM-REFRESH',
      level: 'MUST',
      description: 'the first IAM refresh of a fresh grant succeeds (precondition)',
      ok: ok(first),
      expected: 'HTTP 200 token response',
      actual: describeOutcome(first),
      exchange: first.exchange,
    });
    const next = first.value!.refreshToken;
    if (next === undefined || next === tokens.refreshToken)
      return t.skip('the IAM refresh issued no new refresh token: nothing was rotated away');
    // The application authenticates every call by SigV4: RFC 9700 §4.14.2 makes revoking the
    // rotated token a SHOULD for such a client (AMB-8).
    const replay = await refresh(tokens.refreshToken);
    t.check({
      requirement: 'BCP-4.14.2-ROTATE',
      description: 'IAM refresh with the refresh token that was just rotated away',
      ok: replay.kind === 'error',
      expected: 'an error response (no success)',
      actual: describeOutcome(replay),
      exchange: replay.exchange,
    });
  },
);

iamTest(
  {
    id: 'PKCE-4.6-MISMATCH',
    slug: 'iam-authorization-code',
    title: "the application's authorization code with a wrong verifier is refused",
    level: 'MUST',
    needs: BROWSER,
  },
  async (t) => {
    t.needsApprover();
    await t.needsIam();
    const { code, redirectUri } = await t.iamCode();
    const o = await t.createTokenWithIAM({
      grantType: 'authorization_code',
      code,
      redirectUri,
      codeVerifier: newCodeVerifier(),
    });
    expectErrorCode(t, o, {
      requirement: 'PKCE-4.6-MISMATCH',
      description:
        'CreateTokenWithIAM authorization_code with another codeVerifier than the one challenged',
      codes: ['invalid_grant'],
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-DOWNSCOPE',
    slug: 'authorization-code-outside',
    title: "the application's authorization code asking for a scope outside its grant is refused",
    level: 'MUST',
    needs: BROWSER,
  },
  async (t) => {
    t.needsApprover();
    await t.needsIam();
    const { code, verifier, redirectUri } = await t.iamCode();
    const o = await t.createTokenWithIAM({
      grantType: 'authorization_code',
      code,
      redirectUri,
      codeVerifier: verifier,
      scope: ['sso-oidc-conformance:not-an-application-scope'],
    });
    expectErrorCode(t, o, {
      requirement: 'AWS-IAM-DOWNSCOPE',
      description: 'authorization_code asking for a scope neither the code nor the application has',
      codes: ['invalid_scope'],
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-AUTH-CODE',
    profiles: ['aws'],
    title: 'an authorization code issued to the application is redeemed with its verifier',
    level: 'MUST',
    needs: BROWSER,
  },
  async (t) => {
    const o = await redeemIamCode(t);
    expectSuccess(t, o, {
      requirement: 'AWS-IAM-AUTH-CODE',
      description: 'authorization_code with the code, its redirectUri and the codeVerifier',
      expected: 'HTTP 200 with accessToken and tokenType',
    });
  },
);

iamTest(
  {
    id: 'AWS-IAM-ID-TOKEN',
    slug: 'authorization-code',
    title:
      'the idToken of an authorization_code response carries sub, iss, aud (the application), exp, iat and sts:identity_context',
    level: 'MUST',
    also: ['AWS-IAM-AUTH-CODE'],
    needs: BROWSER,
  },
  async (t) => {
    const o = await redeemIamCode(t);
    t.require({
      requirement: 'AWS-IAM-AUTH-CODE',
      description: 'the authorization code is redeemed (precondition)',
      ok: ok(o),
      expected: 'HTTP 200 token response',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    expectIdTokenClaims(t, o, t.iam.applicationArn);
  },
);

// ---- SigV4 and the region ----------------------------------------------------------------

/** Signatures the target must refuse, each wrong in one way, on an otherwise valid request. */
const BAD_SIGNATURES: { fault: SigningFault; title: string; what: string }[] = [
  {
    fault: 'unsigned',
    title: 'an unsigned request is refused and yields no token',
    what: 'no Authorization header',
  },
  {
    fault: 'wrong-secret',
    title: 'a request signed with a wrong secret key is refused and yields no token',
    what: 'the access key id with another secret key',
  },
  {
    fault: 'wrong-service',
    title: 'a request signed for another service is refused and yields no token',
    what: 'a signature for the service sso instead of sso-oauth',
  },
  {
    // AWS front ends answer it with a signature error ("Credential should be scoped to a valid
    // region"); InvalidRequestRegionException is about tokens (AWS-IAM-REGION).
    fault: 'wrong-region',
    title: 'a request signed for another region is refused and yields no token',
    what: 'a credential scope naming another region than the endpoint',
  },
  {
    fault: 'stale',
    title: 'a request signed 30 minutes ago is refused and yields no token',
    // Twice the widest SigV4 window (15 min): a server allowing more than AWS's 5 still refuses.
    what: 'x-amz-date 1800 s in the past',
  },
];

for (const bad of BAD_SIGNATURES) {
  iamTest({ id: 'AWS-IAM-SIGV4', slug: bad.fault, title: bad.title, level: 'MUST' }, async (t) => {
    const o = await jwtBearer(t, bad.fault);
    t.check({
      requirement: 'AWS-IAM-SIGV4',
      description: `jwt-bearer with a valid assertion, signed with ${bad.what}`,
      ok: o.kind === 'error' && o.status >= 400,
      expected: 'an error status (4xx) with no token',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  });
}

iamTest(
  {
    id: 'AWS-IAM-SIGV4',
    profiles: ['aws'],
    slug: 'body-changed',
    title: 'a request whose body was changed after signing is refused and yields no token',
    level: 'MUST',
  },
  async (t) => {
    const sign = await t.iamSigner();
    const assertion = await t.iam.assertion();
    const { applicationArn } = t.iam;
    const sent = { clientId: applicationArn, grantType: JWT_BEARER_GRANT, assertion };
    // The signature (and x-amz-content-sha256) cover a body asking for a scope; the body sent
    // asks for none: what a man in the middle widening a request would do.
    const signed = JSON.stringify({ ...sent, scope: ['openid'] });
    const o = await t.aws.send(
      'CreateTokenWithIAM',
      { json: sent },
      { sign: (request) => sign({ ...request, body: signed }) },
    );
    t.check({
      requirement: 'AWS-IAM-SIGV4',
      description: 'jwt-bearer with a valid assertion, the body changed after it was signed',
      ok: o.kind === 'error' && o.status >= 400,
      expected: 'an error status (4xx) with no token',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

/** Another region's tokens, as each grant that takes an Identity Center token shows them. */
const FOREIGN_TOKENS: {
  slug: string;
  title: string;
  what: string;
  request: (tokens: IamTokenSet) => Omit<CreateTokenWithIAMParams, 'clientId'> | undefined;
}[] = [
  {
    slug: 'refresh-token',
    title:
      "a refresh token issued by another region's endpoint is refused with 400 invalid_request naming where it is usable",
    what: 'refresh_token grant with a refresh token',
    request: (tokens) =>
      tokens.refreshToken === undefined
        ? undefined
        : { grantType: 'refresh_token', refreshToken: tokens.refreshToken },
  },
  {
    slug: 'access-token',
    title:
      "an access token issued by another region's endpoint is refused for token exchange with 400 invalid_request naming where it is usable",
    what: 'token-exchange of an access token',
    request: (tokens) => ({
      grantType: TOKEN_EXCHANGE_GRANT,
      subjectToken: tokens.accessToken,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      requestedTokenType: ACCESS_TOKEN_TYPE,
    }),
  },
];

/**
 * Shows the target a token the second region's endpoint issued (t.otherRegionIamTokens: not
 * judged without --iam-other-region-target). The model's InvalidRequestRegionException: "a token
 * provided as input to the request was issued by and is only usable by calling IAM Identity
 * Center endpoints in another region" (EVIDENCE.md E11).
 */
async function showForeignToken(
  t: TestContext,
  foreign: (typeof FOREIGN_TOKENS)[number],
): Promise<{ o: Outcome<IamTokenSet>; description: string; region: string }> {
  const { tokens, region, endpoint } = await t.otherRegionIamTokens();
  const params = foreign.request(tokens);
  if (params === undefined)
    t.skip(`the ${region} endpoint issued no refresh token: nothing of that kind to show`);
  const o = await t.createTokenWithIAM(params);
  t.note(`the token was issued by ${endpoint} (${region})`);
  return { o, description: `${foreign.what} the ${region} endpoint issued`, region };
}

for (const foreign of FOREIGN_TOKENS) {
  iamTest(
    { id: 'AWS-IAM-REGION', slug: foreign.slug, title: foreign.title, level: 'MUST' },
    async (t) => {
      const { o, description } = await showForeignToken(t, foreign);
      expectErrorCode(t, o, {
        requirement: 'AWS-IAM-REGION',
        description,
        codes: ['invalid_request'],
      });
      expectStatus(t, o, {
        requirement: 'AWS-IAM-REGION',
        description: `status of the answer to the ${description}`,
        statuses: [400],
      });
      if (o.kind !== 'error') return;
      for (const name of ['endpoint', 'region']) {
        const v = member(o.body, name);
        t.check({
          requirement: 'AWS-IAM-REGION',
          // Optional members of InvalidRequestRegionException: absent is a SHOULD finding.
          level: v === undefined ? 'SHOULD' : undefined,
          description: `${name} member of the region error`,
          ok: isNonEmptyString(v),
          expected: 'a non-empty string',
          actual: v === undefined ? 'absent' : show(v),
          exchange: o.exchange,
        });
      }
    },
  );

  iamTest(
    {
      id: 'AWS-IAM-REGION-TYPE',
      profiles: ['aws'],
      slug: foreign.slug,
      title: `the region error is typed InvalidRequestRegionException by x-amzn-ErrorType (${foreign.what})`,
      level: 'MUST',
    },
    async (t) => {
      const { o, description } = await showForeignToken(t, foreign);
      // Only an invalid_request answer needs its type to tell it from InvalidRequestException.
      if (o.error?.code !== 'invalid_request')
        t.skip(
          `the ${description} got ${describeOutcome(o)}, not invalid_request (AWS-IAM-REGION judges that)`,
        );
      t.check({
        requirement: 'AWS-IAM-REGION-TYPE',
        description: `x-amzn-ErrorType of the answer to the ${description}`,
        ok: o.error?.type === 'InvalidRequestRegionException',
        expected: 'x-amzn-ErrorType: InvalidRequestRegionException',
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
    },
  );
}

/** The target's application ARN with another application id: well formed, not an application. */
function unknownApplication(arn: string): string {
  const id = arn.endsWith('apl-0123456789abcdef') ? 'apl-fedcba9876543210' : 'apl-0123456789abcdef';
  return arn.includes('/') ? arn.replace(/[^/]+$/, id) : `${arn}/${id}`;
}

iamTest(
  {
    id: 'AWS-IAM-CLIENT-ARN',
    profiles: ['aws'],
    title: 'an application ARN that names no application is refused with invalid_client',
    level: 'MUST',
  },
  async (t) => {
    const o = await jwtBearer(t, undefined, unknownApplication(t.iam.applicationArn));
    expectErrorCode(t, o, {
      requirement: 'AWS-IAM-CLIENT-ARN',
      description: 'jwt-bearer with a valid assertion and an unknown application ARN as clientId',
      codes: ['invalid_client'],
    });
  },
);
