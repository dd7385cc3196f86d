import {
  defineSuite,
  type ClientRegistration,
  type DeviceAuthorization,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  member,
  type Outcome,
  type Level,
  type TestContext,
  type TokenSet,
} from '../harness/api/conformance.ts';

/**
 * RFC 6749 §6 (refresh) and RFC 9700 §4.14.2 (rotation and replay). Each test works on a grant
 * of its own, so a test that revokes a token family (REUSE-REVOKE) touches no other test. The
 * server's policy is reported as observed (AMB-8); only what the RFCs require fails.
 */
const suite = defineSuite(
  'refresh-token',
  'CreateToken with the refresh_token grant (RFC 6749 §6, RFC 9700 §4.14.2)',
);

const REFRESH = { approver: true, wait: 'interval' } as const;
const ok = (o: Outcome<TokenSet>) => o.kind === 'ok' && o.value !== undefined;
const rotated = (o: Outcome<TokenSet>, presented: string) =>
  ok(o) && typeof o.value!.refreshToken === 'string' && o.value!.refreshToken !== presented;

/**
 * RFC 9700 §2.2.2 asks rotation or sender-constraining only of public clients in the sense of
 * RFC 6749 §2.1: clients without credentials. An AWS "public" registration gets a secret it
 * presents on every refresh (AWS-REG-SECRET-FOR-PUBLIC); for it no rotation is only observed
 * and an old token that stays valid only warns (AMB-8). That holds only if the server checks
 * the secret: where a wrong one refreshes too, the refresh token alone is a bearer credential.
 * Called only when the level matters, so a conformant rotating server is spared the probe.
 */
async function rotationLevel(
  t: TestContext,
  client: ClientRegistration,
  refreshToken: string,
  withCredentials: Level,
): Promise<Level> {
  if (!t.profile.sendsSecret(client)) {
    t.note('the client has no credentials: rotation is a MUST (RFC 9700 §2.2.2)');
    return 'MUST';
  }
  const probe = await t.refresh(t.withWrongSecret(client), refreshToken);
  if (ok(probe)) {
    t.note(
      'a wrong clientSecret refreshes too: the refresh token alone is a bearer credential, so rotation is a MUST (RFC 9700 §2.2.2)',
    );
    return 'MUST';
  }
  t.note(
    `the server requires the client's secret on refresh (a wrong one got ${describeOutcome(probe)}): ${withCredentials} (AMB-8)`,
  );
  return withCredentials;
}

/** A fresh grant refreshed once, which must succeed (precondition, OA-6-REFRESH). */
async function firstRefresh(t: TestContext) {
  const { client, tokens } = await t.refreshable();
  const first = await t.refresh(client, tokens.refreshToken);
  t.require({
    requirement: 'OA-6-REFRESH',
    level: 'MUST',
    description: 'the first refresh of a fresh grant succeeds (precondition)',
    ok: ok(first),
    expected: 'HTTP 200 token response',
    actual: describeOutcome(first),
    exchange: first.exchange,
  });
  return { client, tokens, first };
}

/** First refresh of a fresh grant; skips when the server does not rotate (BCP-2.2.2 judges that). */
async function rotation(t: TestContext) {
  const { client, tokens, first } = await firstRefresh(t);
  if (!rotated(first, tokens.refreshToken))
    t.skip(
      'the server issued no new refresh token: it does not rotate (BCP-2.2.2-RT-PUBLIC judges that)',
    );
  return { client, rt1: tokens.refreshToken, rt2: first.value!.refreshToken! };
}

suite.test(
  {
    id: 'OA-6-REFRESH',
    title: 'a refresh token obtained by the device flow yields a new access token',
    level: 'MUST',
    also: ['OA-5.1-NOSTORE'],
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const o = await t.refresh(client, tokens.refreshToken);
    t.check({
      requirement: 'OA-6-REFRESH',
      description: 'CreateToken with grantType refresh_token and the issued refresh token',
      ok: ok(o) && o.value!.accessToken.length > 0,
      expected: `HTTP 200 with ${t.wire('accessToken')} and ${t.wire('tokenType')}`,
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    if (!ok(o)) return;
    const cc = o.headers['cache-control'] ?? '';
    t.check({
      requirement: 'OA-5.1-NOSTORE',
      description: 'Cache-Control of the refresh response',
      ok: /(^|,)\s*no-store\s*(,|$)/i.test(cc),
      expected: 'Cache-Control: no-store',
      actual: cc ? `Cache-Control: ${cc}` : 'no Cache-Control',
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'AWS-CT-REFRESH-RT',
    profiles: ['aws'],
    title: 'a refresh response carries a refreshToken, which AWS SDKs store over the old one',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { tokens, first: o } = await firstRefresh(t);
    // RFC 6749 §6 makes it optional; the JS and Go SDKs overwrite the cached refresh token
    // with the response's unconditionally (EVIDENCE.md E6), so a missing one logs users out.
    const rt = o.value!.refreshToken;
    t.check({
      requirement: 'AWS-CT-REFRESH-RT',
      description: `the refresh response carries a ${t.wire('refreshToken')} (new, or the presented one again)`,
      ok: typeof rt === 'string' && rt.length > 0,
      expected: 'refreshToken: non-empty string',
      actual:
        rt === undefined ? 'no refreshToken' : rt === '' ? 'refreshToken empty' : 'a refreshToken',
      exchange: o.exchange,
    });
  },
);

/**
 * RFC 6749 §6: a client that was issued credentials authenticates to refresh; without them the
 * refresh token alone would be a bearer credential. Each probe is made before the flow is
 * approved, so a client it cannot apply to skips at once.
 */
const REFRESH_AUTH_PROBES: {
  /** Absent: the test keeps its first identity, the bare ID. */
  slug?: string;
  title: string;
  probe: (t: TestContext, client: ClientRegistration) => ClientRegistration;
  what: (t: TestContext) => string;
  codes: string[];
  /** A front end's refusal of the request (a missing required member) counts as refused. */
  frontEnd?: true;
}[] = [
  {
    title: 'a refresh with a wrong client secret is refused with invalid_client',
    probe: (t, client) => t.withWrongSecret(client),
    what: (t) => `a wrong ${t.wire('clientSecret')}`,
    codes: ['invalid_client'],
  },
  {
    // §5.2 names invalid_client for "no client authentication included"; a missing required
    // member (AWS) is invalid_request.
    slug: 'secret-left-out',
    title:
      'a refresh that leaves out the client secret is refused with invalid_client or invalid_request',
    probe: (t, client) => t.withoutSecret(client),
    what: (t) => `the ${t.wire('clientId')} alone, no ${t.wire('clientSecret')}`,
    codes: ['invalid_client', 'invalid_request'],
    frontEnd: true,
  },
];

for (const p of REFRESH_AUTH_PROBES)
  suite.test(
    {
      id: 'OA-6-CLIENT-AUTH',
      ...(p.slug ? { slug: p.slug } : {}),
      title: p.title,
      level: 'MUST',
      needs: REFRESH,
    },
    async (t) => {
      const client = await t.sessionClient();
      const probe = p.probe(t, client);
      const { tokens } = await t.refreshable(client);
      const o = await t.refresh(probe, tokens.refreshToken);
      expectErrorCode(t, o, {
        requirement: 'OA-6-CLIENT-AUTH',
        description: `refresh_token grant with ${p.what(t)}`,
        codes: p.codes,
        ...(p.frontEnd ? { frontEnd: p.frontEnd } : {}),
      });
    },
  );

suite.test(
  {
    id: 'OA-6-RT-BINDING',
    title: "another client cannot use a client's refresh token",
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { tokens } = await t.refreshable();
    const other = await t.newClient();
    const o = await t.refresh(other, tokens.refreshToken);
    expectNoSuccess(t, o, {
      requirement: 'OA-6-RT-BINDING',
      description: "client B refreshes with client A's refresh token",
    });
    if (o.kind === 'error')
      expectErrorCode(t, o, {
        requirement: 'OA-6-RT-BINDING',
        level: 'SHOULD',
        description: 'the error names the grant as invalid',
        codes: ['invalid_grant'],
      });
  },
);

suite.test(
  {
    id: 'OA-6-RT-INVALID',
    slug: 'unknown',
    title: 'an unknown refresh token is refused with invalid_grant',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    const o = await t.refresh(client, 'Zm9yZ2VkLXJlZnJlc2gtdG9rZW4tc3NvLW9pZGMtY29uZm9ybWFuY2U');
    expectErrorCode(t, o, {
      requirement: 'OA-6-RT-INVALID',
      description: 'refresh_token grant with a refresh token nobody issued',
      codes: ['invalid_grant'],
    });
  },
);

/** `token` with one character changed in its middle, where any encoding carries data. */
function garble(token: string): string {
  const i = Math.floor(token.length / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

/**
 * What a refresh must refuse in place of the refresh token, from a grant of its own: a near miss,
 * or another credential of the same grant. One lookup for every credential of a grant (the code
 * it came from, its tokens) would let the device code, which lives in the device's logs and
 * memory, or the access token, sent to every resource server, refresh the grant.
 */
const NOT_REFRESH_TOKENS: {
  slug: string;
  title: string;
  token: (grant: {
    auth: DeviceAuthorization;
    tokens: TokenSet & { refreshToken: string };
  }) => string;
  what: (t: TestContext) => string;
}[] = [
  {
    slug: 'one-character-changed',
    title: 'an issued refresh token with one character changed is refused',
    token: ({ tokens }) => garble(tokens.refreshToken),
    what: () => 'the issued refresh token garbled in one character',
  },
  {
    slug: 'access-token',
    title: 'an access token presented as a refresh token is refused',
    token: ({ tokens }) => tokens.accessToken,
    what: () => 'the access token of the same grant',
  },
  {
    slug: 'device-code',
    title: 'the redeemed device code presented as a refresh token is refused',
    token: ({ auth }) => auth.deviceCode,
    what: (t) => `the ${t.wire('deviceCode')} the grant was redeemed from`,
  },
];

for (const wrong of NOT_REFRESH_TOKENS)
  suite.test(
    { id: 'OA-6-RT-INVALID', slug: wrong.slug, title: wrong.title, level: 'MUST', needs: REFRESH },
    async (t) => {
      const { client, ...grant } = await t.refreshable();
      const o = await t.refresh(client, wrong.token(grant));
      expectErrorCode(t, o, {
        requirement: 'OA-6-RT-INVALID',
        description: `refresh_token grant with ${wrong.what(t)}`,
        codes: ['invalid_grant'],
      });
    },
  );

suite.test(
  {
    id: 'OA-6-SCOPE-UP',
    slug: 'refresh',
    title: 'a refresh cannot widen the scope beyond the original grant',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const extra = 'sso-oidc-conformance:not-granted';
    const o = await t.refresh(client, tokens.refreshToken, ['sso:account:access', extra]);
    const scope = o.sent?.scope;
    const granted = Array.isArray(scope)
      ? scope
      : typeof scope === 'string'
        ? scope.split(' ')
        : undefined;
    // AWS CreateToken returns no scope (AMB-20) and nothing else on the wire shows what a
    // token may do: a success without scope proves neither widening nor its absence.
    if (o.kind === 'ok' && granted === undefined) {
      t.note(
        'the refresh succeeded without a scope member: AWS documents that scope has no effect on CreateToken (AMB-20), and nothing on the wire shows whether the grant widened',
      );
      return t.skip(
        'not judged: the refresh asking for an extra scope succeeded, and its response carries no scope to compare (AMB-20)',
      );
    }
    t.check({
      requirement: 'OA-6-SCOPE-UP',
      description: `refresh asking for the original scope plus "${extra}"`,
      ok: o.kind === 'error' ? o.error?.code === 'invalid_scope' : !(granted ?? []).includes(extra),
      expected: ['error invalid_scope', 'a token whose scope does not include the extra scope'],
      actual: `${describeOutcome(o)}${granted ? ` scope ${JSON.stringify(granted)}` : ''}`,
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'BCP-2.2.2-RT-PUBLIC',
    title: "a public client's refresh token is rotated on use (RFC 9700 §2.2.2)",
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens, first: o } = await firstRefresh(t);
    const isRotated = rotated(o, tokens.refreshToken);
    t.check({
      requirement: 'BCP-2.2.2-RT-PUBLIC',
      level: isRotated ? 'MUST' : await rotationLevel(t, client, tokens.refreshToken, 'INFO'),
      description:
        'a refresh returns a new refresh token (rotation; bearer tokens are not sender-constrained)',
      ok: isRotated,
      expected: `HTTP 200 with a ${t.wire('refreshToken')} different from the one presented`,
      actual: isRotated
        ? 'a new refreshToken'
        : o.value!.refreshToken === undefined
          ? 'no refreshToken returned'
          : 'the same refreshToken returned',
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'BCP-4.14.2-ROTATE',
    slug: 'refresh',
    title: 'once rotated, the previous refresh token no longer works',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, rt1 } = await rotation(t);
    const replay = await t.refresh(client, rt1);
    // RFC 6749 §6 leaves revoking the old token to the server; RFC 9700 §4.14.2 makes it a
    // SHOULD for a client that authenticates, a MUST for one without credentials (AMB-8).
    expectNoSuccess(t, replay, {
      requirement: 'BCP-4.14.2-ROTATE',
      level: ok(replay) ? await rotationLevel(t, client, rt1, 'SHOULD') : 'MUST',
      description: 'refresh with the refresh token that was just rotated away',
    });
    if (replay.kind === 'error')
      expectErrorCode(t, replay, {
        requirement: 'BCP-4.14.2-ROTATE',
        level: 'SHOULD',
        description: 'the replay is refused as an invalid grant',
        codes: ['invalid_grant'],
      });
  },
);

suite.test(
  {
    id: 'BCP-4.14.2-ROTATE-CHAIN',
    title:
      'a server that invalidates rotated refresh tokens invalidates every one, not only the first',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, rt1, rt2 } = await rotation(t);
    const second = await t.refresh(client, rt2);
    t.require({
      requirement: 'OA-6-REFRESH',
      level: 'MUST',
      description: 'the second refresh of the grant succeeds (precondition)',
      ok: ok(second),
      expected: 'HTTP 200 token response',
      actual: describeOutcome(second),
      exchange: second.exchange,
    });
    if (!rotated(second, rt2))
      return t.skip('the second refresh issued no new refresh token: nothing was rotated away');
    // RT2 first: a conformant server refuses it and revokes the grant, which would make RT1's
    // refusal prove nothing. Only when RT2 works does RT1 tell whether the server invalidates.
    const replay = await t.refresh(client, rt2);
    if (ok(replay)) {
      const first = await t.refresh(client, rt1);
      if (ok(first))
        return t.skip(
          'rotated refresh tokens stay valid: the server does not invalidate them (BCP-4.14.2-ROTATE judges that)',
        );
    }
    expectNoSuccess(t, replay, {
      requirement: 'BCP-4.14.2-ROTATE-CHAIN',
      description: "refresh with the grant's second refresh token after it was rotated away",
    });
  },
);

suite.test(
  {
    id: 'BCP-4.14.2-REUSE-REVOKE',
    title: 'replaying a retired refresh token revokes the active one',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, rt1, rt2 } = await rotation(t);
    const replay = await t.refresh(client, rt1);
    if (replay.kind === 'ok')
      return t.skip('the retired refresh token still works (BCP-4.14.2-ROTATE judges that)');
    const active = await t.refresh(client, rt2);
    // The MUST is the revocation: the active token refused. How the refusal is named is
    // RFC 6749 §5.2's rule (OA-6-RT-INVALID, OA-5.2-FORMAT judge it), a SHOULD here as in ROTATE.
    expectNoSuccess(t, active, {
      requirement: 'BCP-4.14.2-REUSE-REVOKE',
      description: 'the active refresh token after a replay of its predecessor',
    });
    if (active.kind === 'error')
      expectErrorCode(t, active, {
        requirement: 'BCP-4.14.2-REUSE-REVOKE',
        level: 'SHOULD',
        description: 'the active refresh token is refused as an invalid grant',
        codes: ['invalid_grant'],
      });
  },
);

suite.test(
  {
    id: 'BCP-4.14.2-CONCURRENT',
    title: 'two simultaneous refreshes with one refresh token (observed, not judged)',
    level: 'INFO',
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    // CL-13 exception: this test alone sends two refreshes with one token at the same time.
    const [a, b] = await Promise.all([
      t.refresh(client, tokens.refreshToken),
      t.refresh(client, tokens.refreshToken),
    ]);
    const wins = [a, b].filter(ok).length;
    t.check({
      requirement: 'BCP-4.14.2-CONCURRENT',
      level: 'MUST',
      description: 'the server answered both concurrent refreshes without a 5xx',
      ok: a.status < 500 && b.status < 500,
      expected: 'two answers below 500',
      actual: `${describeOutcome(a)}; ${describeOutcome(b)}`,
      exchange: a.exchange,
    });
    t.note(
      wins === 2
        ? 'both concurrent refreshes succeeded (grace window or no rotation)'
        : wins === 1
          ? 'one of two concurrent refreshes succeeded (strict rotation)'
          : 'neither concurrent refresh succeeded (the race revoked the family)',
    );
  },
);

suite.test(
  {
    id: 'AWS-CT-REFRESH',
    profiles: ['aws'],
    title: 'the refresh grant works and its rotation policy is reported',
    level: 'INFO',
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const first = await t.refresh(client, tokens.refreshToken);
    t.check({
      requirement: 'AWS-CT-REFRESH',
      level: 'MUST',
      description: 'a refresh of a fresh grant succeeds',
      ok: ok(first),
      expected: 'HTTP 200 token response',
      actual: describeOutcome(first),
      exchange: first.exchange,
    });
    if (!ok(first)) return;
    if (!rotated(first, tokens.refreshToken))
      return t.note('policy: no rotation (the refresh token is reused)');
    const replay = await t.refresh(client, tokens.refreshToken);
    if (ok(replay))
      return t.note(
        'policy: rotation with a grace window or without revocation (the old refresh token still works)',
      );
    const active = await t.refresh(client, first.value!.refreshToken!);
    t.note(
      ok(active)
        ? 'policy: rotation (a replay is refused, the active token survives)'
        : 'policy: rotation with family revocation (a replay revokes the active token)',
    );
  },
);
