import {
  defineSuite,
  expectErrorCode,
  reportVendorCode,
  expectStatus,
  expectNoSuccess,
  describeOutcome,
  member,
  show,
  DEVICE_CODE_GRANT,
  normaliseUserCode,
  type ClientRegistration,
  type DeviceAuthorization,
  type TestContext,
} from '../harness/api/conformance.ts';

const suite = defineSuite(
  'create-token-device',
  'CreateToken with the device grant (RFC 8628 §3.4-3.5, RFC 6749 §5)',
);

const CONTINUE = ['authorization_pending', 'slow_down'];

suite.test(
  {
    id: 'DA-3.4-GRANT-URN',
    title: 'the device_code grant URN is recognised: the first poll is authorization_pending',
    level: 'MUST',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const o = await t.poll(client, auth);
    t.check({
      requirement: 'DA-3.4-GRANT-URN',
      description: `a poll with grantType ${DEVICE_CODE_GRANT} before approval`,
      ok: o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''),
      expected: CONTINUE.map((c) => `error ${c}`),
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-PENDING',
    slug: 'until-user-acts',
    title: 'until the user acts, polls at the interval get authorization_pending',
    level: 'MUST',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    t.needsPolls(auth, 2, 'two polls before the code expires');
    for (let i = 1; i <= 2; i++) {
      const o = await t.poll(client, auth);
      if (o.error?.code === 'slow_down') continue; // AWS-SLOWDOWN-LOAD: load shedding is allowed
      expectErrorCode(t, o, {
        requirement: 'DA-3.5-PENDING',
        description: `poll ${i} at interval + margin, nobody approved`,
        codes: ['authorization_pending'],
      });
    }
  },
);

suite.test(
  {
    id: 'DA-3.5-STATUS-400',
    title: 'authorization_pending is sent with HTTP 400',
    level: 'MUST',
    also: ['OA-5.2-FORMAT'],
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const o = await t.poll(client, auth);
    if (o.error?.code !== 'authorization_pending' && o.error?.code !== 'slow_down')
      t.skip(`the poll was not pending (${describeOutcome(o)}); DA-3.5-PENDING covers that`);
    expectStatus(t, o, {
      requirement: 'DA-3.5-STATUS-400',
      description: `status of ${o.error?.code}`,
      statuses: [400],
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-SUCCESS',
    title: 'after approval the next poll returns a token response',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    const { client, auth } = await t.authorization();
    await t.approve(auth);
    const { outcome: o } = await t.pollUntilDone(client, auth);
    t.check({
      requirement: 'DA-3.5-SUCCESS',
      description: 'poll after approval',
      ok: o.kind === 'ok' && o.status === 200 && o.value !== undefined,
      expected: `HTTP 200 with ${t.wire('accessToken')} and ${t.wire('tokenType')}`,
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-5.1-FIELDS',
    title:
      'the token response has accessToken and tokenType strings and a relative integer expiresIn',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { outcome: o } = await t.tokens();
    // The members as sent, under the harness's names (the profile maps the wire's).
    for (const name of ['accessToken', 'tokenType'] as const) {
      const v = o.sent?.[name];
      t.check({
        requirement: 'OA-5.1-FIELDS',
        description: `${t.wire(name)} is a non-empty string`,
        ok: typeof v === 'string' && v.length > 0,
        expected: 'non-empty string',
        actual: typeof v === 'string' ? 'string' : show(v),
        exchange: o.exchange,
      });
    }
    const e = o.sent?.expiresIn;
    // RFC 6749 §5.1: expires_in is RECOMMENDED (so is the AWS model's expiresIn: optional).
    if (e === undefined)
      return void t.check({
        requirement: 'OA-5.1-FIELDS',
        level: 'SHOULD',
        description: `${t.wire('expiresIn')} is present (RECOMMENDED: the client cannot tell the lifetime)`,
        ok: false,
        expected: 'integer in (0, 1e8)',
        actual: 'absent',
        exchange: o.exchange,
      });
    // Lifetime in seconds. An epoch timestamp (WIRE.md quirk 1) is ~1.7e9.
    t.check({
      requirement: 'OA-5.1-FIELDS',
      description: `${t.wire('expiresIn')} is a positive integer number of seconds from now (not an epoch)`,
      ok: typeof e === 'number' && Number.isInteger(e) && e > 0 && e < 100_000_000,
      expected: 'integer in (0, 1e8)',
      actual: show(e),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-5.1-TOKENTYPE',
    title: 'tokenType is Bearer, compared case-insensitively',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { tokens, outcome } = await t.tokens();
    t.check({
      requirement: 'OA-5.1-TOKENTYPE',
      description: `${t.wire('tokenType')} (CL-11: case-insensitive)`,
      ok: tokens.tokenType.toLowerCase() === 'bearer',
      expected: 'Bearer',
      actual: show(tokens.tokenType),
      exchange: outcome.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-5.1-NOSTORE',
    title: 'token responses carry Cache-Control: no-store (and Pragma: no-cache)',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { outcome: o } = await t.tokens();
    const cc = o.headers['cache-control'] ?? '';
    t.check({
      requirement: 'OA-5.1-NOSTORE',
      description: 'Cache-Control of the token response',
      ok: /(^|,)\s*no-store\s*(,|$)/i.test(cc),
      expected: 'Cache-Control: no-store',
      actual: cc ? `Cache-Control: ${cc}` : 'no Cache-Control',
      exchange: o.exchange,
    });
    const pragma = o.headers['pragma'] ?? '';
    // AMB-9: Pragma is obsolete in modern HTTP caching; its absence only warns.
    t.check({
      requirement: 'OA-5.1-NOSTORE',
      level: 'SHOULD',
      description: 'Pragma of the token response (AMB-9)',
      ok: /no-cache/i.test(pragma),
      expected: 'Pragma: no-cache',
      actual: pragma ? `Pragma: ${pragma}` : 'no Pragma',
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-5.1-JSON',
    title: 'the token response is a flat JSON object with numbers as JSON numbers',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { outcome: o } = await t.tokens();
    const type = o.headers['content-type'] ?? '';
    t.check({
      requirement: 'OA-5.1-JSON',
      description: 'Content-Type of the token response',
      ok: /^application\/json\s*(;|$)/i.test(type),
      expected: 'application/json',
      actual: show(type || undefined),
      exchange: o.exchange,
    });
    const isStructured = (v: unknown) => v !== null && typeof v === 'object';
    // The token parameters of RFC 6749 §5.1 (and OIDC's id_token) are scalars at the top level,
    // read under the harness's names (o.sent); an extension member may hold any JSON value
    // (RFC 9396's authorization_details is an array) and clients ignore it (CL-10). An
    // extension is a structured body member that is none of the parameters the profile read.
    const parameters = Object.entries(o.sent ?? {});
    const nested = parameters.filter(([, v]) => isStructured(v)).map(([name]) => name);
    const parameterValues = new Set(parameters.map(([, v]) => v));
    const extensions = Object.entries(o.body as Record<string, unknown>)
      .filter(([, v]) => isStructured(v) && !parameterValues.has(v))
      .map(([k]) => k);
    if (extensions.length > 0)
      t.note(`structured extension members (allowed, CL-10): ${extensions.join(', ')}`);
    t.check({
      requirement: 'OA-5.1-JSON',
      description:
        'the token parameters are scalars at the top level (no nested objects or arrays)',
      ok: nested.length === 0,
      expected: 'scalar token parameters',
      actual: nested.length === 0 ? 'scalar token parameters' : `nested: ${nested.join(', ')}`,
      exchange: o.exchange,
    });
    const e = o.sent?.expiresIn;
    t.check({
      requirement: 'OA-5.1-JSON',
      description: `${t.wire('expiresIn')}, when present, is a JSON number, not a string`,
      ok: e === undefined || typeof e === 'number',
      expected: ['absent', 'JSON number'],
      actual: e === undefined ? 'absent' : `${typeof e} ${show(e)}`,
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-5.2-DC-SINGLE-USE',
    title: 'a device code that was redeemed yields no second token',
    level: 'SHOULD',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.tokens();
    // CL-3 allows one deliberate, labelled extra request after a terminal result.
    const o = await t.poll(client, auth);
    expectNoSuccess(t, o, {
      requirement: 'DA-5.2-DC-SINGLE-USE',
      description: 'a second redemption of the same device code (deliberate extra request)',
    });
    if (o.kind === 'error') t.note(`second redemption answered ${describeOutcome(o)} (AMB-7)`);
  },
);

suite.test(
  {
    id: 'DA-3.4-MISSING-DC',
    title: 'a poll without deviceCode is refused with invalid_request',
    level: 'MUST',
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const o = await t.poll(client, auth, { deviceCode: null });
    expectErrorCode(t, o, {
      requirement: 'DA-3.4-MISSING-DC',
      description: `CreateToken with the device grant and no ${t.wire('deviceCode')}`,
      codes: ['invalid_request'],
    });
  },
);

suite.test(
  {
    id: 'DA-3.4-BAD-DC',
    slug: 'unknown',
    title: 'an unknown device code is refused and never reported as pending',
    level: 'MUST',
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const fake = 'Zm9yZ2VkLWRldmljZS1jb2RlLXNzby1vaWRjLWNvbmY';
    const o = await t.poll(client, auth, { deviceCode: fake });
    t.check({
      requirement: 'DA-3.4-BAD-DC',
      description: 'CreateToken with a random 43-character device code',
      ok: o.kind === 'error' && o.error?.code !== undefined && !CONTINUE.includes(o.error.code),
      expected: 'a terminal error (not authorization_pending / slow_down), no token',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    // AMB-4: expired_token and vendor codes are tolerated; invalid_grant is what RFC 6749 names.
    expectErrorCode(t, o, {
      requirement: 'DA-3.4-BAD-DC',
      level: 'SHOULD',
      description: 'the error names the grant as invalid',
      codes: ['invalid_grant'],
    });
  },
);

/**
 * The client authentication of a poll, each probe the test's client with its credentials broken
 * in one way (RFC 6749 §2.3.1, §3.2.1): a valid device code must not get past any of them. The
 * probe is made before the flow starts, so a client it cannot apply to skips at once.
 */
const CLIENT_AUTH_PROBES: {
  slug: string;
  title: string;
  /** Judged on the plain OAuth wire only. */
  rfc8628Only?: boolean;
  probe: (t: TestContext, client: ClientRegistration) => Promise<ClientRegistration>;
  /** What the poll carries besides the device code, as the check's description ends. */
  what: (t: TestContext) => string;
  codes: string[];
  /** A front end's refusal of the request (a missing required member) counts as refused. */
  frontEnd?: true;
}[] = [
  {
    // AMB-6: RFC 6749 allows 400 or 401 for body credentials (AWS's 401 is the test below); on
    // the plain OAuth wire, 401 after HTTP Basic is OA-5.2-401-HEADER's to judge.
    slug: 'wrong-secret',
    title: 'a poll with a wrong client secret is refused with invalid_client',
    probe: async (t, client) => t.withWrongSecret(client),
    what: (t) => ` and a wrong ${t.wire('clientSecret')}`,
    codes: ['invalid_client'],
  },
  {
    // A secret authenticates the client it was issued to, not whoever sends it.
    slug: 'another-clients-secret',
    title: "a poll with another client's secret is refused with invalid_client",
    probe: async (t, client) => t.withSecretOf(client, await t.newClient()),
    what: (t) =>
      `, its client's ${t.wire('clientId')} and the ${t.wire('clientSecret')} of another registered client`,
    codes: ['invalid_client'],
  },
  {
    // Leaving the credentials out does not make a client public; an answer for the grant
    // (authorization_pending) shows it was not authenticated. §5.2 names invalid_client for "no
    // client authentication included"; a missing required parameter is invalid_request. On the
    // AWS wire, AWS-CT-REQUIRED/no-clientSecret sends this very request.
    slug: 'secret-left-out',
    title:
      'a poll that leaves out the client secret is refused with invalid_client or invalid_request',
    rfc8628Only: true,
    probe: async (t, client) => t.withoutSecret(client),
    what: (t) => ` and the ${t.wire('clientId')} alone, no ${t.wire('clientSecret')}`,
    codes: ['invalid_client', 'invalid_request'],
    frontEnd: true,
  },
  {
    // A secret is compared exactly: a case-insensitive comparison (a database collation) accepts
    // what the server never issued, and leaves a mixed-case secret far weaker than it looks.
    slug: 'secret-upper-cased',
    title: 'a poll with the client secret upper-cased is refused with invalid_client',
    probe: async (t, client) => t.withSecretUpperCased(client),
    what: (t) => ` and the ${t.wire('clientSecret')} upper-cased`,
    codes: ['invalid_client'],
  },
];

for (const p of CLIENT_AUTH_PROBES)
  suite.test(
    {
      id: 'DA-3.4-CLIENT-AUTH',
      slug: p.slug,
      title: p.title,
      level: 'MUST',
      ...(p.rfc8628Only ? { profiles: ['rfc8628' as const] } : {}),
    },
    async (t) => {
      const client = await t.client();
      const probe = await p.probe(t, client);
      const { auth } = await t.authorization(client);
      const o = await t.poll(probe, auth);
      expectErrorCode(t, o, {
        requirement: 'DA-3.4-CLIENT-AUTH',
        description: `CreateToken with a valid device code${p.what(t)}`,
        codes: p.codes,
        ...(p.frontEnd ? { frontEnd: p.frontEnd } : {}),
      });
    },
  );

suite.test(
  {
    id: 'AWS-CT-INVALID-CLIENT-401',
    profiles: ['aws'],
    title: 'a poll with a wrong client secret is refused with HTTP 401',
    level: 'MUST',
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const o = await t.poll(
      { clientId: client.clientId, clientSecret: `${client.clientSecret ?? ''}x-wrong` },
      auth,
    );
    // The code is DA-3.4-CLIENT-AUTH's to judge. AMB-6: RFC 6749 allows 400 or 401 for body
    // credentials; the AWS profile models 401.
    expectStatus(t, o, {
      requirement: 'AWS-CT-INVALID-CLIENT-401',
      description: 'status of InvalidClientException on CreateToken (a wrong clientSecret)',
      statuses: [401],
    });
  },
);

for (const field of ['clientId', 'clientSecret', 'grantType'] as const) {
  const codes = field === 'grantType' ? ['invalid_request'] : ['invalid_request', 'invalid_client'];
  // Without clientId a poll names no client at all: RFC 8628 §3.4's own requirement.
  const id = field === 'clientId' ? 'DA-3.4-CLIENTID-PUBLIC' : 'AWS-CT-REQUIRED';
  suite.test(
    {
      id,
      profiles: ['aws'],
      slug: `no-${field}`,
      title: `a CreateToken without ${field} is refused with ${codes.join(' or ')}`,
      level: 'MUST',
      ...(field === 'clientId' ? { also: ['AWS-CT-REQUIRED'] } : {}),
    },
    async (t) => {
      const { client, auth } = await t.authorization();
      const body: Record<string, unknown> = {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: DEVICE_CODE_GRANT,
        deviceCode: auth.deviceCode,
      };
      delete body[field];
      const o = await t.aws.send('CreateToken', { json: body });
      expectErrorCode(t, o, {
        requirement: id,
        description: `CreateToken without ${field}`,
        codes,
      });
    },
  );
}

suite.test(
  {
    id: 'OA-5.2-UNSUPPORTED-GT',
    title: 'an unknown grant type is refused with unsupported_grant_type',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    const o = await t.profile.createToken({
      client,
      grantType: 'urn:example:sso-oidc-conformance:nope',
    });
    expectErrorCode(t, o, {
      requirement: 'OA-5.2-UNSUPPORTED-GT',
      description: 'CreateToken with grantType "urn:example:sso-oidc-conformance:nope"',
      codes: ['unsupported_grant_type'],
    });
  },
);

suite.test(
  {
    id: 'BCP-2.4-NO-ROPC',
    title: 'the resource owner password credentials grant is not offered',
    level: 'SHOULD',
  },
  async (t) => {
    // RFC 9700 §2.4: the password grant MUST NOT be used, so a server should not offer it. A
    // server that has it asks for the username and password (invalid_request) or judges them
    // (invalid_grant); one without it answers unsupported_grant_type, or unauthorized_client
    // when it exists but not for this client.
    const client = await t.client();
    const o = await t.profile.createToken({ client, grantType: 'password' });
    expectErrorCode(t, o, {
      requirement: 'BCP-2.4-NO-ROPC',
      description: 'token request with grant type "password" (no username, no password)',
      codes: ['unsupported_grant_type', 'unauthorized_client'],
    });
  },
);

suite.test(
  {
    id: 'AWS-NO-5XX',
    profiles: ['aws'],
    slug: 'body-not-json',
    title: 'a CreateToken body that is not JSON is refused with invalid_request, not a 5xx',
    level: 'MUST',
  },
  async (t) => {
    const o = await t.aws.send('CreateToken', {
      raw: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code',
    });
    t.check({
      requirement: 'AWS-NO-5XX',
      description: 'a form-encoded body sent to the JSON API gets a client error',
      ok: o.status >= 400 && o.status < 500,
      expected: 'HTTP 4xx',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    // AWS-NO-5XX names the error too (InvalidRequestException); OA-5.2-FORMAT judges the
    // body's shape, not which code it carries.
    expectErrorCode(t, o, {
      requirement: 'AWS-NO-5XX',
      description: 'the malformed request is reported as invalid_request',
      codes: ['invalid_request'],
      frontEnd: true,
    });
  },
);

suite.test(
  {
    id: 'DA-3.4-CROSS-CLIENT',
    slug: 'before-approval',
    title: 'another client cannot redeem a device code before approval',
    level: 'MUST',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { auth } = await t.authorization();
    const other = await t.newClient();
    const o = await t.poll(other, auth);
    t.check({
      requirement: 'DA-3.4-CROSS-CLIENT',
      description: "client B polls with client A's device code before approval",
      ok: o.kind === 'error' && !CONTINUE.includes(o.error?.code ?? ''),
      expected: ['error invalid_grant', 'error invalid_client', 'another terminal error (AMB-13)'],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.4-CROSS-CLIENT',
    slug: 'after-approval',
    title: 'another client gets no token for an approved device code, and its owner still does',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    const { client, auth } = await t.authorization();
    const other = await t.newClient();
    t.needsPolls(auth, 2, "client B's poll, then client A's");
    await t.approve(auth);
    const stolen = await t.poll(other, auth);
    expectNoSuccess(t, stolen, {
      requirement: 'DA-3.4-CROSS-CLIENT',
      description: "client B redeems client A's approved device code",
    });
    const { outcome: own } = await t.pollUntilDone(client, auth);
    t.check({
      requirement: 'DA-3.4-CROSS-CLIENT',
      level: 'SHOULD',
      description: "client A still redeems its own code after B's attempt",
      ok: own.kind === 'ok',
      expected: 'HTTP 200 token response',
      actual: describeOutcome(own),
      exchange: own.exchange,
    });
  },
);

/**
 * A real authorization's device code replaced by a near miss: each must be refused as a code the
 * server does not know (terminal, never pending), or the near miss redeems the grant.
 */
const NEAR_MISSES: {
  slug: string;
  title: string;
  /** The code sent in place of the device code; undefined: nothing to send here (skip). */
  code: (auth: DeviceAuthorization) => string | undefined;
  what: (t: TestContext) => string;
}[] = [
  {
    slug: 'garbled',
    title:
      'a garbled device code (its last character changed) is refused and never reported as pending',
    code: (auth) => auth.deviceCode.slice(0, -1) + (auth.deviceCode.at(-1) === 'A' ? 'B' : 'A'),
    what: () => 'a real device code whose last character was changed',
  },
  {
    // The user code is shown on the device's screen for anyone to read; only the device code,
    // which the device keeps, may redeem the grant (RFC 8628 §3.4, §5.2). A server that issues
    // one value as both codes is DA-5.2-DC-ENTROPY's to judge, not this test's.
    slug: 'user-code',
    title: 'the user code sent as the device code is refused and never reported as pending',
    code: (auth) =>
      normaliseUserCode(auth.userCode) === normaliseUserCode(auth.deviceCode)
        ? undefined
        : auth.userCode,
    what: (t) => `the authorization's ${t.wire('userCode')} as its ${t.wire('deviceCode')}`,
  },
];

for (const miss of NEAR_MISSES)
  suite.test(
    { id: 'DA-3.4-BAD-DC', slug: miss.slug, title: miss.title, level: 'MUST' },
    async (t) => {
      const { client, auth } = await t.authorization();
      const code = miss.code(auth);
      if (code === undefined)
        t.skip('the device code is the user code: there is no other code to send in its place');
      const o = await t.poll(client, auth, { deviceCode: code });
      t.check({
        requirement: 'DA-3.4-BAD-DC',
        description: `CreateToken with ${miss.what(t)}`,
        ok: o.kind === 'error' && o.error?.code !== undefined && !CONTINUE.includes(o.error.code),
        expected: ['error invalid_grant', 'another terminal error (AMB-4)'],
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
      reportVendorCode(t, o, 'DA-3.4-BAD-DC');
    },
  );

suite.test(
  {
    id: 'DA-3.4-CLIENT-AUTH',
    slug: 'wrong-secret-after-approval',
    title: 'a poll of an approved code with a wrong client secret gets no token',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    // The probes above are sent while the code is pending; a server that hands an approved code's
    // tokens out before it authenticates the client (an early return) passes them all.
    const client = await t.client();
    const wrong = t.withWrongSecret(client);
    const { auth } = await t.authorization(client);
    t.needsPolls(auth, 2, "the wrong-secret poll, then the client's own");
    // Declared before any check, so that a tight --max-wait skips the test rather than a result.
    t.needsWait(t.pollInterval(auth) * 2 + 2, "the wrong-secret poll, then the client's own");
    await t.approve(auth);
    const o = await t.poll(wrong, auth);
    expectNoSuccess(t, o, {
      requirement: 'DA-3.4-CLIENT-AUTH',
      description: `CreateToken with an approved device code and a wrong ${t.wire('clientSecret')}`,
    });
    if (o.kind === 'ok')
      return t.note(
        "the wrong secret redeemed the code: the client's own redemption is not judged after it",
      );
    expectErrorCode(t, o, {
      requirement: 'DA-3.4-CLIENT-AUTH',
      description: `the approved code's poll with a wrong ${t.wire('clientSecret')} is refused as a client authentication failure`,
      codes: ['invalid_client'],
    });
    // The client's own polls tell whether the approved state was probed; what they get is not
    // judged here (a server may end a code presented with a wrong secret, AMB-13, and a code
    // that never redeems is DA-3.5-SUCCESS's to judge). Bounded: DECISION_POLLS at most.
    const first = await t.poll(client, auth);
    const own =
      first.error?.code === 'authorization_pending' ? await t.pollForDecision(client, auth) : first;
    if (first.error?.code === 'authorization_pending')
      t.note(
        'the approval showed late: the wrong-secret poll may have met a code still pending, so the approved state may not have been probed',
      );
    if (own.kind !== 'ok')
      t.note(`the client's own poll after the refused one got ${describeOutcome(own)}`);
  },
);

suite.test(
  {
    id: 'DA-3.4-CLIENT-AUTH',
    slug: 'wrong-secret-later-poll',
    title: 'a wrong client secret is refused on a later poll of a code already polled',
    level: 'MUST',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const first = await t.poll(client, auth);
    if (!CONTINUE.includes(first.error?.code ?? ''))
      return t.skip(`the first poll was not pending (${describeOutcome(first)})`);
    const o = await t.poll(t.withWrongSecret(client), auth);
    expectErrorCode(t, o, {
      requirement: 'DA-3.4-CLIENT-AUTH',
      description: `second poll of the same device code with a wrong ${t.wire('clientSecret')}`,
      codes: ['invalid_client'],
    });
  },
);
