import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  newCodeVerifier,
  UNSUPPORTED_PKCE_METHOD,
} from '../harness/api/conformance.ts';

/**
 * CreateToken with the authorization code grant and PKCE (RFC 7636, RFC 9700 §2.1.1,
 * RFC 6749 §4.1). The browser step goes through the approver (reference, exec or manual).
 */
const suite = defineSuite(
  'authorization-code',
  'Authorization code with PKCE (RFC 7636, RFC 9700 §2.1.1, RFC 6749 §4.1)',
);

/**
 * Every test here is `profiles: ['aws']`: the flow is the AWS CLI's and Toolkit's (EVIDENCE.md
 * E8), the browser sent to `<target>/authorize`, which AWS names nowhere; the plain OAuth
 * profile has no authorization request (yet). Declared, so that `list --uncovered` and the
 * reports say "does not apply" rather than count them as judged and then skip them.
 */
const BROWSER = { approver: true } as const;

suite.test(
  {
    id: 'PKCE-4.2-S256',
    title: 'a code issued for an S256 challenge is redeemed with its verifier',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { code, verifier, redirectUri } = await t.issuedCode(client);
    const o = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
    t.check({
      requirement: 'PKCE-4.2-S256',
      description: 'CreateToken with the code, its redirectUri and the matching codeVerifier',
      ok: o.kind === 'ok' && o.value !== undefined,
      expected: 'HTTP 200 token response',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

/** Two ports a native client might listen on: one request each, both must work. */
const LOOPBACK_PORTS = [53682, 49217];

suite.test(
  {
    id: 'NAT-7.3-LOOPBACK-PORT',
    title:
      'a loopback redirect URI registered without a port works with any port, as the AWS CLI uses it',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    // The AWS CLI's flow (EVIDENCE.md E8): registered http://127.0.0.1/oauth/callback, sent
    // with the port it listens on, redeemed with that same ported redirectUri.
    const client = await t.codeClient();
    for (const port of LOOPBACK_PORTS) {
      const { code, verifier, redirectUri } = await t.issuedCode(client, port);
      const o = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
      t.check({
        requirement: 'NAT-7.3-LOOPBACK-PORT',
        description: `CreateToken with a code issued for ${redirectUri} (registered without the port) and that redirectUri`,
        // Whether the redirectUri was accepted; the body's shape is AWS-WIRE-RESPONSE's.
        ok: o.kind === 'ok',
        expected: 'HTTP 200',
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
    }
  },
);

suite.test(
  {
    id: 'PKCE-4.6-MISMATCH',
    slug: 'authorization-code',
    title: 'a wrong code verifier is refused with invalid_grant',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { code, redirectUri } = await t.issuedCode(client);
    const o = await t.redeemCode(client, { code, redirectUri, codeVerifier: newCodeVerifier() });
    expectErrorCode(t, o, {
      requirement: 'PKCE-4.6-MISMATCH',
      description: 'CreateToken with another well-formed codeVerifier',
      codes: ['invalid_grant'],
    });
  },
);

suite.test(
  {
    id: 'PKCE-9700-MISSING-VERIFIER',
    title: 'a code issued for a challenge is not redeemed without a verifier',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { code, redirectUri } = await t.issuedCode(client);
    const o = await t.redeemCode(client, { code, redirectUri });
    expectErrorCode(t, o, {
      requirement: 'PKCE-9700-MISSING-VERIFIER',
      description: 'CreateToken without codeVerifier',
      codes: ['invalid_grant', 'invalid_request'],
    });
  },
);

suite.test(
  {
    id: 'PKCE-9700-DOWNGRADE',
    title: 'a verifier is accepted only for a code whose request carried a challenge',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
    also: ['PKCE-4.4.1-REQUIRED'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { response, redirectUri } = await t.authorizeCode(client, { pkce: 'none' });
    if (response.code === undefined) {
      // The server requires PKCE (RFC 9700 §2.1.1): no code without a challenge, no downgrade.
      t.check({
        requirement: 'PKCE-9700-DOWNGRADE',
        description: 'an authorization request without code_challenge',
        ok: response.error !== undefined,
        expected: ['error invalid_request (PKCE required)', 'a code that no verifier redeems'],
        actual: `error=${response.error ?? 'none'}`,
      });
      // RFC 7636 §4.4.1: a server that requires PKCE answers a missing challenge so.
      t.check({
        requirement: 'PKCE-4.4.1-REQUIRED',
        description: 'the error of an authorization request without code_challenge',
        ok: response.error === 'invalid_request',
        expected: 'error=invalid_request',
        actual: `error=${response.error ?? '(none)'}`,
      });
      return t.note(
        `the server requires PKCE: a request without a challenge got error=${response.error ?? '(none)'}`,
      );
    }
    const o = await t.redeemCode(client, {
      code: response.code,
      redirectUri,
      codeVerifier: newCodeVerifier(),
    });
    expectNoSuccess(t, o, {
      requirement: 'PKCE-9700-DOWNGRADE',
      description: 'CreateToken with a codeVerifier for a code issued without a challenge',
    });
  },
);

suite.test(
  {
    id: 'PKCE-4.4.1-METHOD',
    title:
      'an authorization request with an unsupported code_challenge_method gets invalid_request',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { response } = await t.authorizeCode(client, { pkce: 'unsupported-method' });
    t.check({
      requirement: 'PKCE-4.4.1-METHOD',
      description: `an authorization request with code_challenge_method ${UNSUPPORTED_PKCE_METHOD}`,
      ok: response.code === undefined && response.error === 'invalid_request',
      expected: 'a redirect carrying error=invalid_request',
      actual: response.code !== undefined ? 'a code' : `error=${response.error ?? '(none)'}`,
    });
  },
);

suite.test(
  {
    id: 'PKCE-4.4-BIND',
    title: "a code is not redeemed with another authorization's verifier",
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const first = await t.issuedCode(client);
    const second = await t.issuedCode(client);
    const o = await t.redeemCode(client, {
      code: first.code,
      redirectUri: first.redirectUri,
      codeVerifier: second.verifier,
    });
    expectErrorCode(t, o, {
      requirement: 'PKCE-4.4-BIND',
      description: 'code of authorization 1 with the verifier of authorization 2',
      codes: ['invalid_grant'],
    });
  },
);

suite.test(
  {
    id: 'OA-4.1.3-REDIRECT-MATCH',
    title: 'a code is not redeemed with a redirectUri other than the one authorized',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { code, verifier } = await t.issuedCode(client);
    const o = await t.redeemCode(client, {
      code,
      redirectUri: 'http://127.0.0.1:53683/oauth/callback',
      codeVerifier: verifier,
    });
    expectErrorCode(t, o, {
      requirement: 'OA-4.1.3-REDIRECT-MATCH',
      description: 'CreateToken with redirectUri on another port',
      codes: ['invalid_grant'],
    });
  },
);

suite.test(
  {
    id: 'OA-4.1.3-CLIENT-BIND',
    title: 'a code is not redeemed by a client other than the one it was issued to',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const other = await t.codeClient();
    const { code, verifier, redirectUri } = await t.issuedCode(client);
    // Everything else right: the verifier and redirect URI of the authorization.
    const o = await t.redeemCode(other, { code, redirectUri, codeVerifier: verifier });
    expectErrorCode(t, o, {
      requirement: 'OA-4.1.3-CLIENT-BIND',
      description:
        "another client redeeming the code, with the authorization's verifier and redirectUri",
      codes: ['invalid_grant'],
    });
  },
);

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." */
const CODE_LIFETIME_RECOMMENDED = 600;

suite.test(
  {
    id: 'OA-4.1.2-CODE-EXPIRY',
    title:
      'an authorization code older than 10 minutes (the RECOMMENDED longest lifetime) is refused',
    level: 'SHOULD',
    needs: { approver: true, wait: 'expiry' },
    profiles: ['aws'],
  },
  async (t) => {
    // Before the registration and the browser step: a run that cannot wait spends neither.
    const wait = CODE_LIFETIME_RECOMMENDED + 10;
    t.needsWait(wait, 'the RECOMMENDED longest authorization code lifetime plus a margin');
    const client = await t.codeClient();
    const { code, verifier, redirectUri } = await t.issuedCode(client);
    await t.sleep(wait, 'until the authorization code is older than 10 minutes');
    const o = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
    // "MUST expire shortly"; the 10 minutes are RECOMMENDED: a code alive then is a SHOULD.
    expectErrorCode(t, o, {
      requirement: 'OA-4.1.2-CODE-EXPIRY',
      level: 'SHOULD',
      description: `a redemption ${wait} s after the code was issued, with its verifier and redirectUri`,
      codes: ['invalid_grant'],
    });
  },
);

suite.test(
  {
    id: 'OA-4.1.2-CODE-SINGLE-USE',
    title: 'an authorization code is redeemed at most once',
    level: 'MUST',
    needs: BROWSER,
    profiles: ['aws'],
  },
  async (t) => {
    const client = await t.codeClient();
    const { code, verifier, redirectUri } = await t.issuedCode(client);
    const first = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
    t.require({
      requirement: 'PKCE-4.2-S256',
      description: 'the first redemption succeeds (precondition)',
      ok: first.kind === 'ok',
      expected: 'HTTP 200 token response',
      actual: describeOutcome(first),
      exchange: first.exchange,
    });
    const again = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
    expectErrorCode(t, again, {
      requirement: 'OA-4.1.2-CODE-SINGLE-USE',
      description: 'a second redemption of the same code',
      codes: ['invalid_grant'],
    });
    const rt = first.value?.refreshToken;
    if (rt === undefined) return;
    // RFC 6749 §4.1.2: the server SHOULD revoke the tokens issued from a code used twice.
    const after = await t.refresh(client, rt);
    t.check({
      requirement: 'OA-4.1.2-CODE-SINGLE-USE',
      level: 'SHOULD',
      description: 'the refresh token issued from the code after the code was replayed',
      ok: after.kind === 'error',
      expected: 'an error (tokens from a replayed code revoked)',
      actual: describeOutcome(after),
      exchange: after.exchange,
    });
  },
);
