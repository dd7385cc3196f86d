import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  member,
  type Outcome,
  type TestContext,
  type TokenSet,
} from '../harness/conformance.ts';

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

/** First refresh of a fresh grant; skips when the server does not rotate (BCP-2.2.2 judges that). */
async function rotation(t: TestContext) {
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
      expected: 'HTTP 200 with accessToken and tokenType',
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
    id: 'OA-6-CLIENT-AUTH',
    title: 'a refresh with a wrong client secret is refused with invalid_client',
    level: 'MUST',
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const o = await t.refresh(
      { clientId: client.clientId, clientSecret: `${client.clientSecret ?? ''}x-wrong` },
      tokens.refreshToken,
    );
    expectErrorCode(t, o, {
      requirement: 'OA-6-CLIENT-AUTH',
      description: 'refresh_token grant with a wrong clientSecret',
      codes: ['invalid_client'],
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

suite.test(
  {
    id: 'OA-6-SCOPE-UP',
    title: 'a refresh cannot widen the scope beyond the original grant',
    level: 'MUST',
    also: ['BCP-4.14.2-SCOPE-BIND'],
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const extra = 'sso-oidc-conformance:not-granted';
    const o = await t.refresh(client, tokens.refreshToken, ['sso:account:access', extra]);
    const scope = member(o.body, 'scope');
    const granted = Array.isArray(scope)
      ? scope
      : typeof scope === 'string'
        ? scope.split(' ')
        : undefined;
    t.check({
      requirement: 'OA-6-SCOPE-UP',
      description: `refresh asking for the original scope plus "${extra}"`,
      ok: o.kind === 'error' ? o.error?.code === 'invalid_scope' : !(granted ?? []).includes(extra),
      expected: ['error invalid_scope', 'a token whose scope does not include the extra scope'],
      actual: `${describeOutcome(o)}${granted ? ` scope ${JSON.stringify(granted)}` : ''}`,
      exchange: o.exchange,
    });
    if (o.kind === 'ok' && granted === undefined)
      t.note(
        'the refresh succeeded without a scope member: AWS documents that scope has no effect on CreateToken (AMB-20)',
      );
  },
);

suite.test(
  {
    id: 'BCP-2.2.2-RT-PUBLIC',
    title: "a public client's refresh token is rotated on use (RFC 9700 §2.2.2)",
    level: 'MUST',
    also: ['AWS-REG-SECRET-FOR-PUBLIC'],
    needs: REFRESH,
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const o = await t.refresh(client, tokens.refreshToken);
    t.check({
      requirement: 'BCP-2.2.2-RT-PUBLIC',
      description:
        'a refresh returns a new refresh token (rotation; bearer tokens are not sender-constrained)',
      ok: rotated(o, tokens.refreshToken),
      expected: 'HTTP 200 with a refreshToken different from the one presented',
      actual: ok(o)
        ? o.value!.refreshToken === undefined
          ? 'no refreshToken returned'
          : 'the same refreshToken returned'
        : describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'BCP-4.14.2-ROTATE',
    title: 'once rotated, the previous refresh token no longer works',
    level: 'MUST',
    also: ['OA-6-ROTATE'],
    needs: REFRESH,
  },
  async (t) => {
    const { client, rt1 } = await rotation(t);
    const replay = await t.refresh(client, rt1);
    expectNoSuccess(t, replay, {
      requirement: 'BCP-4.14.2-ROTATE',
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
    expectErrorCode(t, active, {
      requirement: 'BCP-4.14.2-REUSE-REVOKE',
      description: 'the active refresh token after a replay of its predecessor',
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
    title: 'the refresh grant works and its rotation policy is reported',
    level: 'INFO',
    also: ['OA-6-ROTATE'],
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
