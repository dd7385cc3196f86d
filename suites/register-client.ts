import {
  defineSuite,
  expectErrorCode,
  expectStatus,
  expectSuccess,
  describeOutcome,
  show,
  DEVICE_CODE_GRANT,
  type Outcome,
  type TestContext,
} from '../harness/api/conformance.ts';
import { jwsExpiry } from '../harness/api/conformance.ts';

const suite = defineSuite('register-client', 'RegisterClient (RFC 7591 §3, AWS RegisterClient)');

const VALID = { clientName: 'sso-oidc-conformance', clientType: 'public' };
const TEN_YEARS = 10 * 365 * 24 * 3600;

/**
 * A valid registration; when it fails, that failure is the test's result, cited as the profile
 * cites a failed registration (AWS: AWS-REG-200; RFC 7591: DCR-3.2.1-CLIENTID).
 */
async function registered(t: TestContext) {
  const o = await t.profile.registerClient(VALID);
  const rule = t.profile.registration?.succeeded;
  if (!o.value && rule)
    expectSuccess(t, o, {
      requirement: rule.requirement,
      description: 'a registration with valid metadata succeeds',
      expected: rule.expected,
    });
  return { o, c: o.value };
}

suite.test(
  {
    id: 'AWS-REG-200',
    profiles: ['aws'],
    title: 'a valid public-client registration is answered with HTTP 200',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.profile.registerClient(VALID);
    expectStatus(t, o, {
      requirement: 'AWS-REG-200',
      description: 'RegisterClient success status',
      statuses: [200],
    });
    expectSuccess(t, o, {
      requirement: 'AWS-REG-200',
      description: `RegisterClient returns a ${t.wire('clientId')}`,
      expected: `HTTP 200 with ${t.wire('clientId')}`,
    });
    t.note(
      'RFC 7591 §3.2.1 says 201 Created; the AWS profile answers 200 (AMB-17), so 200 is the expected status here.',
    );
  },
);

suite.test(
  {
    id: 'AWS-REG-SECRET-FOR-PUBLIC',
    profiles: ['aws'],
    title: 'a public client is issued a clientSecret',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.profile.registerClient(VALID);
    t.check({
      description: `RegisterClient response carries a non-empty ${t.wire('clientSecret')} string`,
      requirement: 'AWS-REG-SECRET-FOR-PUBLIC',
      ok:
        o.kind === 'ok' &&
        typeof o.value?.clientSecret === 'string' &&
        o.value.clientSecret.length > 0,
      expected: 'clientSecret: non-empty string',
      actual:
        o.kind === 'ok'
          ? `clientSecret ${o.value?.clientSecret === undefined ? 'absent' : 'present'}`
          : describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  { id: 'DCR-3.2.1-CLIENTID', title: 'two registrations get distinct client ids', level: 'MUST' },
  async (t) => {
    const a = await t.newClient(VALID);
    const b = await t.newClient(VALID);
    t.check({
      requirement: 'DCR-3.2.1-CLIENTID',
      description: `${t.wire('clientId')} of the second registration differs from the first`,
      ok: a.clientId !== b.clientId,
      expected: `two different ${t.wire('clientId')} values`,
      actual: a.clientId === b.clientId ? `both ${show(a.clientId)}` : 'different',
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-SECRET-UNIQUE',
    title: 'two registrations get distinct client secrets',
    level: 'MUST',
    needs: { registration: true },
  },
  async (t) => {
    const a = await t.newClient(VALID);
    const b = await t.newClient(VALID);
    // RFC 7591 §3.2.1: client_secret is OPTIONAL (a public client, token_endpoint_auth_method
    // none, has none). AWS issues one to its public clients: AWS-REG-SECRET-FOR-PUBLIC judges that.
    if (a.clientSecret === undefined && b.clientSecret === undefined)
      t.skip(
        'the server issued no client secret (allowed for this client, RFC 7591 §3.2.1): no uniqueness to judge',
      );
    t.check({
      requirement: 'DCR-3.2.1-SECRET-UNIQUE',
      description: `${t.wire('clientSecret')} of the second registration differs from the first`,
      ok: a.clientSecret !== undefined && a.clientSecret !== b.clientSecret,
      expected: `two different ${t.wire('clientSecret')} values`,
      actual:
        a.clientSecret === undefined
          ? 'no clientSecret'
          : a.clientSecret === b.clientSecret
            ? 'the same secret twice'
            : 'different',
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-EXPIRES-AT',
    title: 'clientSecretExpiresAt is epoch seconds, in the future and not before clientIdIssuedAt',
    level: 'MUST',
    needs: { registration: true },
  },
  async (t) => {
    const { o, c } = await registered(t);
    if (!c) return;
    // REQUIRED only when a secret is issued (§3.2.1); a public client may have none.
    if (c.clientSecret === undefined && o.sent?.clientSecretExpiresAt === undefined)
      t.skip(
        'the server issued no client secret, so no clientSecretExpiresAt is due (RFC 7591 §3.2.1)',
      );
    const now = t.clock.epochSeconds();
    const at = c.clientSecretExpiresAt;
    const integer = typeof at === 'number' && Number.isInteger(at);
    t.check({
      requirement: 'DCR-3.2.1-EXPIRES-AT',
      description: `${t.wire('clientSecretExpiresAt')} is present and an integer`,
      ok: integer,
      expected: 'integer epoch seconds (or 0 = never)',
      actual: show(o.sent?.clientSecretExpiresAt),
      exchange: o.exchange,
    });
    if (!integer || at === 0) return;
    t.check({
      requirement: 'DCR-3.2.1-EXPIRES-AT',
      description: `${t.wire('clientSecretExpiresAt')} is after now and within 10 years (seconds, not milliseconds)`,
      ok: at > now && at < now + TEN_YEARS,
      expected: `between ${Math.floor(now)} and ${Math.floor(now + TEN_YEARS)}`,
      actual: String(at),
      exchange: o.exchange,
    });
    if (typeof c.clientIdIssuedAt === 'number')
      t.check({
        requirement: 'DCR-3.2.1-EXPIRES-AT',
        description: `${t.wire('clientSecretExpiresAt')} is not before ${t.wire('clientIdIssuedAt')}`,
        ok: at >= c.clientIdIssuedAt,
        expected: `>= ${t.wire('clientIdIssuedAt')} ${c.clientIdIssuedAt}`,
        actual: String(at),
        exchange: o.exchange,
      });
  },
);

suite.test(
  {
    id: 'AWS-REG-EXPIRES',
    profiles: ['aws'],
    title:
      'the client secret has a finite lifetime: clientSecretExpiresAt is a future epoch, never 0',
    level: 'MUST',
  },
  async (t) => {
    const { o, c } = await registered(t);
    if (!c) return;
    const now = t.clock.epochSeconds();
    const at = c.clientSecretExpiresAt;
    const ok = typeof at === 'number' && Number.isInteger(at) && at > now && at < now + TEN_YEARS;
    t.check({
      requirement: 'AWS-REG-EXPIRES',
      description: `${t.wire('clientSecretExpiresAt')} is a future epoch in seconds`,
      ok,
      expected: `integer in (${Math.floor(now)}, ${Math.floor(now + TEN_YEARS)})`,
      actual: show(at),
      exchange: o.exchange,
    });
    if (ok)
      t.note(`client secret lifetime: ${((at - now) / 86400).toFixed(1)} days (AWS: about 90)`);
  },
);

suite.test(
  {
    id: 'AWS-REG-SECRET-EXPIRY',
    profiles: ['aws'],
    title:
      'a client secret that states its own expiry agrees with clientSecretExpiresAt (to the second)',
    level: 'SHOULD',
  },
  async (t) => {
    const { o, c } = await registered(t);
    if (!c) return;
    // AWS's secret is an HS384 JWS carrying expirationTimestamp (EVIDENCE.md E3). A client may
    // read either figure to know when to register again; if they disagree, one of them lies.
    const stated = typeof c.clientSecret === 'string' ? jwsExpiry(c.clientSecret) : undefined;
    if (stated === undefined)
      return t.skip(
        'not judged: the clientSecret is opaque (no JWS stating an expiry), so there is nothing to compare with clientSecretExpiresAt',
      );
    const at = c.clientSecretExpiresAt;
    t.check({
      requirement: 'AWS-REG-SECRET-EXPIRY',
      description:
        "the secret's own expiry (exp or expirationTimestamp) equals clientSecretExpiresAt ± 1 s",
      ok: typeof at === 'number' && Math.abs(stated - at) <= 1,
      expected: `${show(at)} ± 1`,
      actual: show(stated),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-ISSUED-AT',
    title: 'clientIdIssuedAt is epoch seconds close to now',
    level: 'SHOULD',
    needs: { registration: true },
  },
  async (t) => {
    const { o, c } = await registered(t);
    if (!c) return;
    const now = t.clock.epochSeconds();
    if (c.clientIdIssuedAt === undefined) {
      t.check({
        requirement: 'DCR-3.2.1-ISSUED-AT',
        level: 'INFO',
        description: `${t.wire('clientIdIssuedAt')} is present (optional in RFC 7591)`,
        ok: false,
        expected: 'present',
        actual: 'absent',
        exchange: o.exchange,
      });
      return;
    }
    t.check({
      requirement: 'DCR-3.2.1-ISSUED-AT',
      description: `${t.wire('clientIdIssuedAt')} is within 300 s of now`,
      ok: Number.isInteger(c.clientIdIssuedAt) && Math.abs(now - c.clientIdIssuedAt) < 300,
      expected: `integer within 300 s of ${Math.floor(now)}`,
      actual: String(c.clientIdIssuedAt),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'AWS-REG-PUBLIC-ONLY',
    profiles: ['aws'],
    title: 'a clientType other than public is refused',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.profile.registerClient({ ...VALID, clientType: 'confidential' });
    expectErrorCode(t, o, {
      requirement: 'AWS-REG-PUBLIC-ONLY',
      description: 'RegisterClient with clientType "confidential" is refused',
      codes: ['invalid_client_metadata', 'invalid_request'],
    });
  },
);

for (const [field, label] of [
  ['clientName', 'without clientName'],
  ['clientType', 'without clientType'],
] as const) {
  suite.test(
    {
      id: 'AWS-REG-REQUIRED',
      profiles: ['aws'],
      slug: `no-${field}`,
      title: `a registration ${label} is refused with invalid_request`,
      level: 'MUST',
    },
    async (t) => {
      const body: Record<string, string> = { ...VALID };
      delete body[field];
      const o = await t.aws.send('RegisterClient', { json: body });
      expectErrorCode(t, o, {
        requirement: 'AWS-REG-REQUIRED',
        description: `RegisterClient ${label}`,
        codes: ['invalid_request'],
      });
    },
  );
}

/**
 * A code-grant registration with one redirect URI; issuerUrl as every AWS client sends it with
 * this grant (EVIDENCE.md E8), so that only the redirect URI can be wrong, whatever a server
 * requires of code clients.
 */
function registerWithRedirect(t: TestContext, uri: string): Promise<Outcome<unknown>> {
  return t.profile.registerClient({
    ...VALID,
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [uri],
    issuerUrl: t.config.startUrl,
  });
}

/** [redirect URI, slug, what is wrong with it]. */
const badRedirects: [string, string, string][] = [
  ['http://127.0.0.1:8080/callback#fragment', 'fragment', 'with a fragment'],
  ['/oauth/callback', 'relative', 'that is relative'],
  [
    'http://example.com/oauth/callback',
    'http-not-loopback',
    'using plain http to a host that is not loopback',
  ],
];
for (const [uri, slug, label] of badRedirects) {
  suite.test(
    {
      id: 'DCR-3.2.2-REDIRECT',
      slug: slug,
      title: `a redirect URI ${label} is refused with invalid_redirect_uri`,
      level: 'MUST',
      needs: { registration: true },
    },
    async (t) => {
      const o = await registerWithRedirect(t, uri);
      expectErrorCode(t, o, {
        requirement: 'DCR-3.2.2-REDIRECT',
        description: `RegisterClient with redirectUris [${show(uri)}]`,
        codes: ['invalid_redirect_uri'],
      });
    },
  );
}

suite.test(
  {
    id: 'DCR-3.2.2-REDIRECT',
    slug: 'loopback-http',
    title: 'a loopback http redirect URI is accepted for a native client',
    level: 'SHOULD',
    needs: { registration: true },
  },
  async (t) => {
    const o = await registerWithRedirect(t, 'http://127.0.0.1:53682/oauth/callback');
    expectSuccess(t, o, {
      requirement: 'DCR-3.2.2-REDIRECT',
      description:
        'RegisterClient with redirectUris ["http://127.0.0.1:53682/oauth/callback"] (RFC 8252 §7.3)',
      expected: `HTTP 200 with ${t.wire('clientId')}`,
    });
  },
);

/**
 * A refused request must name the right error (MUST). Accepting it is a SHOULD-level deviation:
 * RFC 7591 §2 lets a server replace invalid metadata, and the AWS response echoes no metadata
 * to show the substitution (DCR-3.2.1-ECHO).
 */
function refusedWith(
  t: Parameters<Parameters<typeof suite.test>[1]>[0],
  o: Outcome<unknown>,
  requirement: string,
  description: string,
  codes: string[],
): void {
  if (o.kind === 'ok') {
    t.check({
      requirement,
      level: 'SHOULD',
      description,
      ok: false,
      expected: codes.map((c) => `error ${c}`),
      actual: `${describeOutcome(o)} (accepted)`,
      exchange: o.exchange,
    });
    return;
  }
  expectErrorCode(t, o, { requirement, description, codes });
}

suite.test(
  {
    id: 'AWS-REG-ERRORS',
    profiles: ['aws'],
    slug: 'unknown-grant-type',
    title: 'an unknown grant type is refused with unsupported_grant_type',
    level: 'MUST',
    also: ['DCR-3.2.2-METADATA'],
  },
  async (t) => {
    const o = await t.profile.registerClient({
      ...VALID,
      grantTypes: [DEVICE_CODE_GRANT, 'urn:example:bogus-grant'],
    });
    const description = 'RegisterClient with grantTypes containing "urn:example:bogus-grant"';
    refusedWith(t, o, 'DCR-3.2.2-METADATA', description, [
      'unsupported_grant_type',
      'invalid_client_metadata',
    ]);
    // Refused: which name it has is the AWS profile's rule (a success failed the check above).
    if (o.kind === 'error')
      expectErrorCode(t, o, {
        requirement: 'AWS-REG-ERRORS',
        level: 'SHOULD',
        description: 'the AWS profile names this refusal UnsupportedGrantTypeException',
        codes: ['unsupported_grant_type'],
      });
  },
);

suite.test(
  {
    id: 'AWS-REG-ERRORS',
    profiles: ['aws'],
    slug: 'invalid-scope',
    title: 'a syntactically invalid scope is refused with invalid_scope',
    level: 'MUST',
  },
  async (t) => {
    // RFC 6749 §3.3: a scope token never contains a space, '"' or '\'.
    const o = await t.profile.registerClient({
      ...VALID,
      scopes: ['sso:account:access', 'bad"scope\\token'],
    });
    refusedWith(
      t,
      o,
      'AWS-REG-ERRORS',
      'RegisterClient with scopes containing "bad\\"scope\\\\token"',
      ['invalid_scope'],
    );
  },
);

suite.test(
  {
    id: 'DCR-3.1-JSON',
    profiles: ['aws'],
    title: 'a registration body that is not JSON is refused with a 400 error, not a 5xx',
    level: 'MUST',
    also: ['AWS-NO-5XX'],
  },
  async (t) => {
    const o = await t.aws.send('RegisterClient', {
      raw: '{"clientName": "sso-oidc-conformance", clientType: public',
    });
    t.check({
      requirement: 'AWS-NO-5XX',
      description: 'a body that is not JSON gets a client error',
      ok: o.status >= 400 && o.status < 500,
      expected: 'HTTP 4xx',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    expectErrorCode(t, o, {
      requirement: 'DCR-3.1-JSON',
      description: 'a body that is not JSON is refused as malformed',
      codes: ['invalid_request', 'invalid_client_metadata'],
      frontEnd: true,
    });
  },
);

suite.test(
  {
    id: 'AWS-NO-5XX',
    profiles: ['aws'],
    slug: 'wrong-json-type',
    title: 'a registration with a member of the wrong JSON type is refused with invalid_request',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.aws.send('RegisterClient', {
      json: { clientName: 42, clientType: 'public', scopes: 'sso:account:access' },
    });
    t.check({
      requirement: 'AWS-NO-5XX',
      description: 'clientName as a number and scopes as a string get a client error',
      ok: o.status >= 400 && o.status < 500,
      expected: 'HTTP 4xx',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    expectErrorCode(t, o, {
      requirement: 'AWS-NO-5XX',
      level: 'SHOULD',
      description: 'the error is InvalidRequestException',
      codes: ['invalid_request'],
      frontEnd: true,
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-201',
    profiles: ['rfc8628'],
    title: 'a successful registration is answered with HTTP 201 Created',
    level: 'MUST',
    needs: { registration: true },
  },
  async (t) => {
    // AWS answers 200 (AMB-17): AWS-REG-200 judges its wire.
    const o = await t.profile.registerClient(VALID);
    if (o.kind !== 'ok') return t.skip(`the registration was refused (${describeOutcome(o)})`);
    expectStatus(t, o, {
      requirement: 'DCR-3.2.1-201',
      description: 'status of a successful registration (RFC 7591 §3.2.1)',
      statuses: [201],
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-ECHO',
    profiles: ['rfc8628'],
    title: 'the client information returns every metadata member the client registered',
    level: 'MUST',
    needs: { registration: true },
  },
  async (t) => {
    // RFC 7591 §3.2.1: "all registered metadata about the client, including any fields
    // provisioned by the authorization server itself". A server may substitute a value (§2), but
    // the substitution must show: a member sent and not returned hides what the client is.
    // (AWS's RegisterClient returns no metadata at all: its wire is judged by AWS-REG-*.)
    const o = await t.profile.registerClient(VALID);
    if (o.kind !== 'ok') return t.skip(`the registration was refused (${describeOutcome(o)})`);
    const sent = requestMembers(o.exchange.request.body);
    const returned = o.body !== null && typeof o.body === 'object' ? o.body : {};
    const missing = sent.filter((name) => !Object.hasOwn(returned, name));
    t.check({
      requirement: 'DCR-3.2.1-ECHO',
      description: `the client information holds every member registered (${sent.join(', ')})`,
      ok: missing.length === 0,
      expected: sent.map((name) => `${name} present (its value, or the server's substitute)`),
      actual: missing.length === 0 ? 'all present' : `missing: ${missing.join(', ')}`,
      exchange: o.exchange,
    });
  },
);

/** The members of a JSON request body, in order; none when it is not a JSON object. */
function requestMembers(body: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.keys(parsed)
      : [];
  } catch {
    return [];
  }
}

suite.test(
  {
    id: 'DCR-3.2.2-400',
    title: 'a refused registration is answered with HTTP 400 and a JSON error code',
    level: 'MUST',
    needs: { registration: true },
  },
  async (t) => {
    // A relative redirect URI is invalid metadata on every server (RFC 6749 §3.1.2: absolute).
    const o = await registerWithRedirect(t, '/oauth/callback');
    if (o.kind === 'ok')
      return t.skip(
        'the server registered a relative redirect URI, so there is no refusal to judge (DCR-3.2.2-REDIRECT fails it)',
      );
    // RFC 7591 §3.2.2: "HTTP 400 status code unless otherwise specified", a JSON object with
    // `error` (a string) and optionally `error_description`.
    expectStatus(t, o, {
      requirement: 'DCR-3.2.2-400',
      description: 'status of a refused registration',
      statuses: [400],
    });
    t.check({
      requirement: 'DCR-3.2.2-400',
      description: 'the refusal is a JSON object whose error is a string',
      ok: typeof o.error?.code === 'string' && o.error.code !== '',
      expected: 'a JSON body with an error string',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);
