import { describe, expect, it } from 'vitest';
import {
  CODE_GRANT,
  DEVICE_GRANT,
  ERROR_CHARSET,
  REDIRECT_URI,
  SCOPE,
  authorizationCode,
  authorizeUrl,
  browse,
  codeClient,
  codeTokens,
  consentToken,
  errorType,
  pkcePair,
  post,
  redeem,
  redirectQuery,
  refresh,
  register,
  start,
} from './helpers.ts';

/** The path and query of an absolute URL, for `browse`. */
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe('reference server: authorization code grant, the browser step', () => {
  it('consent page -> approve -> code -> token -> refresh', async () => {
    const server = await start();
    const client = await codeClient(server, { clientName: 'My <CLI>' });
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(server, client, {
      code_challenge: challenge,
      scopes: `${SCOPE} codewhisperer:completions`,
    });

    const page = await browse(server, pathOf(url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.text).toContain('My &lt;CLI&gt;');
    expect(page.text).not.toContain('<CLI>');
    expect(page.text).toContain(SCOPE);
    expect(page.text).toContain('codewhisperer:completions');
    expect(page.text).toContain('value="approve"');
    expect(page.text).toContain('value="deny"');
    expect(page.text).toContain('<form method="post" action="/authorize">');
    const consent = consentToken(page.text);
    expect(consent).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const approved = await browse(server, '/authorize', { form: { consent, decision: 'approve' } });
    expect(approved.status).toBe(302);
    expect(approved.headers.get('cache-control')).toBe('no-store');
    expect(approved.location!.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const query = redirectQuery(approved.location);
    expect(query.get('state')).toBe('xyz');
    const code = query.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const token = await redeem(server, client, code, verifier);
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(token.headers.get('pragma')).toBe('no-cache');
    expect(Object.keys(token.json).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'refreshToken',
      'tokenType',
    ]);
    expect(token.json.tokenType).toBe('Bearer');
    expect(token.json.expiresIn).toBe(3600);

    const refreshed = await refresh(server, client, token.json.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
    expect(refreshed.json.refreshToken).not.toBe(token.json.refreshToken);
    expect(errorType(await refresh(server, client, token.json.refreshToken))).toBe(
      'InvalidGrantException',
    );
  });

  it('deny on the consent page redirects with access_denied and the state', async () => {
    const server = await start();
    const client = await codeClient(server);
    const page = await browse(server, pathOf(authorizeUrl(server, client, { state: 'a b&c' })));
    const denied = await browse(server, '/authorize', {
      form: { consent: consentToken(page.text), decision: 'deny' },
    });
    expect(denied.status).toBe(302);
    const query = redirectQuery(denied.location);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('error_description')).toMatch(ERROR_CHARSET);
    expect(query.get('state')).toBe('a b&c');
    expect(query.get('code')).toBeNull();
  });

  it('a consent form cannot be forged, replayed, or answered late', async () => {
    const server = await start();
    const client = await codeClient(server);
    const first = await browse(server, pathOf(authorizeUrl(server, client, { state: 'one' })));
    const second = await browse(server, pathOf(authorizeUrl(server, client, { state: 'two' })));
    const one = consentToken(first.text);
    const two = consentToken(second.text);
    expect(one).not.toBe(two);

    const forged: Record<string, string>[] = [
      { decision: 'approve' },
      { consent: '', decision: 'approve' },
      { consent: 'A'.repeat(43), decision: 'approve' },
      { consent: two, decision: 'maybe' },
      { consent: two },
    ];
    for (const form of forged) {
      const reply = await browse(server, '/authorize', { form });
      expect(reply.status, JSON.stringify(form)).toBe(400);
      expect(reply.location).toBeNull();
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    }
    // Each token answers its own request, once.
    const answered = await browse(server, '/authorize', {
      form: { consent: two, decision: 'approve' },
    });
    expect(redirectQuery(answered.location).get('state')).toBe('two');
    const replayed = await browse(server, '/authorize', {
      form: { consent: two, decision: 'approve' },
    });
    expect(replayed.status).toBe(400);
    // Consent forms live 600 s.
    server.advance(600);
    const late = await browse(server, '/authorize', {
      form: { consent: one, decision: 'approve' },
    });
    expect(late.status).toBe(400);
    expect(late.location).toBeNull();
    // Other methods.
    const put = await browse(server, '/authorize', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('does not redirect when the client or the redirect URI cannot be trusted (400 page)', async () => {
    const server = await start();
    const client = await codeClient(server);
    const other = await codeClient(server, {
      redirectUris: ['http://127.0.0.1:9999/cb'],
    });
    const url = (params: Record<string, string | undefined>) =>
      authorizeUrl(server, client, params);
    const cases: [string, string][] = [
      ['unknown client', url({ client_id: 'nobody' })],
      ['no client_id', url({ client_id: undefined })],
      ['no redirect_uri', url({ redirect_uri: undefined })],
      ['empty redirect_uri', url({ redirect_uri: '' })],
      ['unregistered redirect_uri', url({ redirect_uri: 'https://evil.example/cb' })],
      ["another client's redirect_uri", url({ redirect_uri: 'http://127.0.0.1:9999/cb' })],
      ['not identical: trailing slash', url({ redirect_uri: `${REDIRECT_URI}/` })],
      ['not identical: port', url({ redirect_uri: REDIRECT_URI.replace('8080', '8081') })],
      ['not identical: case', url({ redirect_uri: REDIRECT_URI.toUpperCase() })],
      ['client_id twice', `${url({})}&client_id=${other.clientId}`],
      ['redirect_uri twice', `${url({})}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`],
    ];
    for (const [what, target] of cases) {
      expect(server.authorize(target), what).toEqual({ status: 400 });
      expect(server.authorize(target, 'deny'), what).toEqual({ status: 400 });
      const page = await browse(server, pathOf(target));
      expect(page.status, what).toBe(400);
      expect(page.location, what).toBeNull();
      expect(page.headers.get('content-type'), what).toMatch(/^text\/html/);
    }
    // A client with no redirect URI registered can never be redirected.
    const bare = await register(server, { grantTypes: [CODE_GRANT] });
    expect(server.authorize(authorizeUrl(server, bare))).toEqual({ status: 400 });
  });

  it('redirects every other error to the client, state echoed (RFC 6749 §4.1.2.1, RFC 7636 §4.4.1)', async () => {
    const server = await start();
    const client = await codeClient(server);
    const deviceOnly = await register(server, {
      redirectUris: [REDIRECT_URI],
      grantTypes: [DEVICE_GRANT, 'refresh_token'],
    });
    const { challenge } = pkcePair();
    const cases: [string, string, string][] = [
      [
        'no response_type',
        authorizeUrl(server, client, { response_type: undefined }),
        'invalid_request',
      ],
      [
        'response_type token',
        authorizeUrl(server, client, { response_type: 'token' }),
        'unsupported_response_type',
      ],
      ['not registered for the grant', authorizeUrl(server, deviceOnly), 'unauthorized_client'],
      [
        'no code_challenge',
        authorizeUrl(server, client, {
          code_challenge: undefined,
          code_challenge_method: undefined,
        }),
        'invalid_request',
      ],
      [
        'no code_challenge, S256 method',
        authorizeUrl(server, client, { code_challenge: undefined }),
        'invalid_request',
      ],
      [
        'method plain',
        authorizeUrl(server, client, { code_challenge: challenge, code_challenge_method: 'plain' }),
        'invalid_request',
      ],
      [
        'method absent (plain)',
        authorizeUrl(server, client, { code_challenge_method: undefined }),
        'invalid_request',
      ],
      [
        'method S512',
        authorizeUrl(server, client, { code_challenge_method: 'S512' }),
        'invalid_request',
      ],
      [
        'method s256 (case)',
        authorizeUrl(server, client, { code_challenge_method: 's256' }),
        'invalid_request',
      ],
      [
        'malformed S256 challenge',
        authorizeUrl(server, client, { code_challenge: 'short' }),
        'invalid_request',
      ],
      [
        'unregistered scope',
        authorizeUrl(server, client, { scopes: `${SCOPE} sso:admin` }),
        'invalid_scope',
      ],
      ['state twice', `${authorizeUrl(server, client)}&state=xyz`, 'invalid_request'],
      [
        'code_challenge twice',
        `${authorizeUrl(server, client)}&code_challenge=${challenge}`,
        'invalid_request',
      ],
    ];
    for (const [what, url, error] of cases) {
      for (const decision of ['approve', 'deny'] as const) {
        const result = server.authorize(url, decision);
        expect(result.status, what).toBe(302);
        expect(result.location!.startsWith(`${REDIRECT_URI}?`), what).toBe(true);
        const query = redirectQuery(result.location);
        expect(query.get('error'), what).toBe(error);
        expect(query.get('error_description'), what).toMatch(ERROR_CHARSET);
        expect(query.get('state'), what).toBe('xyz');
        expect(query.get('code'), what).toBeNull();
      }
      const page = await browse(server, pathOf(url));
      expect(page.status, what).toBe(302);
      expect(redirectQuery(page.location).get('error'), what).toBe(error);
    }
    // Without a state, none is sent back.
    const noState = server.authorize(
      authorizeUrl(server, client, { state: undefined, response_type: 'token' }),
    );
    expect(redirectQuery(noState.location).has('state')).toBe(false);
  });

  it('keeps the query of a registered redirect URI, character for character', async () => {
    const server = await start();
    const redirectUri = 'https://app.example.com/cb?x=a%20b';
    const client = await codeClient(server, { redirectUris: [redirectUri] });
    const result = server.authorize(authorizeUrl(server, client, { redirect_uri: redirectUri }));
    expect(result.location!.startsWith(`${redirectUri}&code=`)).toBe(true);
    const query = redirectQuery(result.location);
    expect(query.get('x')).toBe('a b');
    expect(query.get('state')).toBe('xyz');
  });

  it('a loopback IP redirect URI registered without a port takes any port (RFC 8252 §7.3)', async () => {
    const server = await start();
    const client = await codeClient(server, {
      redirectUris: ['http://127.0.0.1/oauth/callback', 'http://localhost/cb'],
    });
    for (const [port, otherPort] of [
      [53682, 49217],
      [49217, 53682],
    ]) {
      const ported = `http://127.0.0.1:${port}/oauth/callback`;
      const { code, verifier, location } = await authorizationCode(server, client, {
        redirect_uri: ported,
      });
      expect(location.startsWith(`${ported}?code=`)).toBe(true);
      // Redeemed with the redirect URI of the request, port included, and only with it.
      const elsewhere = `http://127.0.0.1:${otherPort}/oauth/callback`;
      const wrong = await redeem(server, client, code, verifier, { redirectUri: elsewhere });
      expect(wrong.json.error).toBe('invalid_grant');
      const right = await redeem(server, client, code, verifier, { redirectUri: ported });
      expect(right.status).toBe(200);
    }
    // Only loopback IP literals, only the port, only when none was registered.
    for (const uri of [
      'http://localhost:8080/cb',
      'http://127.0.0.1:8080/oauth/callback/x',
      'http://127.0.0.2:8080/oauth/callback',
    ])
      expect(server.authorize(authorizeUrl(server, client, { redirect_uri: uri })).status).toBe(
        400,
      );
  });

  it('server.authorize: relative URLs, other paths, the default decision', async () => {
    const server = await start();
    const client = await codeClient(server);
    const url = new URL(authorizeUrl(server, client));
    expect(server.authorize(url.pathname + url.search).status).toBe(302);
    expect(server.authorize(`${server.url}/device${url.search}`)).toEqual({ status: 404 });
    expect(redirectQuery(server.authorize(url.toString()).location).get('code')).toBeTruthy();
  });
});

describe('reference server: authorization code grant, CreateToken', () => {
  it('refuses a request without code (InvalidRequest) or from a client without the grant', async () => {
    const server = await start();
    const client = await codeClient(server);
    const missing = await post(server, '/token', { ...client, grantType: CODE_GRANT });
    expect(missing.status).toBe(400);
    expect(errorType(missing)).toBe('InvalidRequestException');
    const empty = await redeem(server, client, '', 'v');
    expect(errorType(empty)).toBe('InvalidRequestException');
    const deviceOnly = await register(server, { grantTypes: [DEVICE_GRANT] });
    const { code, verifier } = await authorizationCode(server, client);
    expect(errorType(await redeem(server, deviceOnly, code, verifier))).toBe(
      'UnauthorizedClientException',
    );
  });

  it('every code error is InvalidGrantException, and leaves the code redeemable', async () => {
    const server = await start();
    const client = await codeClient(server, {
      redirectUris: [REDIRECT_URI, 'http://127.0.0.1:8080/other'],
    });
    const other = await codeClient(server);
    const { code, verifier } = await authorizationCode(server, client);
    const second = await authorizationCode(server, client);
    const cases: [string, Promise<Awaited<ReturnType<typeof redeem>>>][] = [
      ['unknown code', redeem(server, client, 'A'.repeat(43), verifier)],
      ["another client's code", redeem(server, other, code, verifier)],
      [
        'another registered redirectUri',
        redeem(server, client, code, verifier, { redirectUri: 'http://127.0.0.1:8080/other' }),
      ],
      [
        'an unregistered redirectUri',
        redeem(server, client, code, verifier, { redirectUri: 'https://evil.example/cb' }),
      ],
      ['redirectUri omitted', redeem(server, client, code, verifier, { redirectUri: undefined })],
      ['codeVerifier omitted', redeem(server, client, code, undefined)],
      ['a wrong codeVerifier', redeem(server, client, code, pkcePair().verifier)],
      ['the challenge sent as verifier', redeem(server, client, code, second.challenge)],
      ["another flow's verifier (PKCE-4.4-BIND)", redeem(server, client, code, second.verifier)],
      ["this verifier with another flow's code", redeem(server, client, second.code, verifier)],
    ];
    for (const [what, pending] of cases) {
      const reply = await pending;
      expect(reply.status, what).toBe(400);
      expect(errorType(reply), what).toBe('InvalidGrantException');
      expect(reply.json.error, what).toBe('invalid_grant');
      expect(reply.headers.get('cache-control'), what).toBe('no-store');
    }
    expect((await redeem(server, client, code, verifier)).status).toBe(200);
    expect((await redeem(server, client, second.code, second.verifier)).status).toBe(200);
  });

  it('a code is single use, and its second redemption revokes the tokens issued for it', async () => {
    const server = await start();
    const { client, code, verifier, tokens } = await codeTokens(server);
    const rt2 = (await refresh(server, client, tokens.refreshToken)).json.refreshToken;
    expect(rt2).toBeTruthy();
    const again = await redeem(server, client, code, verifier);
    expect(again.status).toBe(400);
    expect(errorType(again)).toBe('InvalidGrantException');
    expect(again.json.accessToken).toBeUndefined();
    // The whole family is gone, the rotated token included.
    expect(errorType(await refresh(server, client, rt2))).toBe('InvalidGrantException');
    // Another grant of the same client is untouched.
    const other = await authorizationCode(server, client);
    const fresh = await redeem(server, client, other.code, other.verifier);
    expect((await refresh(server, client, fresh.json.refreshToken)).status).toBe(200);
  });

  it('a code lives 600 s on the server clock', async () => {
    const server = await start();
    const client = await codeClient(server);
    const early = await authorizationCode(server, client);
    const late = await authorizationCode(server, client);
    server.advance(599.999);
    expect((await redeem(server, client, early.code, early.verifier)).status).toBe(200);
    server.advance(0.001);
    const expired = await redeem(server, client, late.code, late.verifier);
    expect(errorType(expired)).toBe('InvalidGrantException');
  });

  it('a client without the refresh grant gets no refresh token', async () => {
    const server = await start();
    const client = await codeClient(server, { grantTypes: [CODE_GRANT] });
    const { code, verifier } = await authorizationCode(server, client);
    const token = await redeem(server, client, code, verifier);
    expect(token.status).toBe(200);
    expect(token.json.refreshToken).toBeUndefined();
    expect(errorType(await refresh(server, client, 'x'))).toBe('UnauthorizedClientException');
    // Nor may it use the device grant.
    const sda = await post(server, '/device_authorization', {
      ...client,
      startUrl: 'https://x/start',
    });
    expect(errorType(sda)).toBe('UnauthorizedClientException');
  });

  it('CreateToken scope has no effect and the response carries no scope', async () => {
    const server = await start();
    const client = await codeClient(server);
    const { code, verifier } = await authorizationCode(server, client, { scopes: SCOPE });
    const token = await redeem(server, client, code, verifier, { scope: ['sso:admin'] });
    expect(token.status).toBe(200);
    expect(token.json.scope).toBeUndefined();
    const refreshed = await post(server, '/token', {
      ...client,
      grantType: 'refresh_token',
      refreshToken: token.json.refreshToken,
      scope: [SCOPE, 'sso:admin'],
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope).toBeUndefined();
  });
});

describe('reference server: registration expiry on every grant', () => {
  it('after clientSecretExpiresAt: /authorize 400, code grant and refresh 401', async () => {
    const server = await start({ clientSecretLifetime: 1000 });
    const { client, tokens } = await codeTokens(server);
    const pending = await authorizationCode(server, client);
    const page = await browse(server, pathOf(authorizeUrl(server, client)));
    const consent = consentToken(page.text);
    server.advance(999);
    expect(server.authorize(authorizeUrl(server, client)).status).toBe(302);
    server.advance(1);
    expect(server.authorize(authorizeUrl(server, client))).toEqual({ status: 400 });
    expect((await browse(server, pathOf(authorizeUrl(server, client)))).status).toBe(400);
    // A consent page shown before the expiry cannot be approved after it.
    const late = await browse(server, '/authorize', { form: { consent, decision: 'approve' } });
    expect(late.status).toBe(400);
    expect(late.location).toBeNull();
    for (const reply of [
      await redeem(server, client, pending.code, pending.verifier),
      await refresh(server, client, tokens.refreshToken),
    ]) {
      expect(reply.status).toBe(401);
      expect(errorType(reply)).toBe('InvalidClientException');
    }
  });
});

describe('reference server: /__admin/authorize', () => {
  it('approves or denies, and answers what the browser would get', async () => {
    const server = await start();
    const client = await codeClient(server);
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(server, client, { code_challenge: challenge });
    const approved = await post(server, '/__admin/authorize', { url, decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe(302);
    const code = redirectQuery(approved.json.location).get('code')!;
    expect((await redeem(server, client, code, verifier)).status).toBe(200);

    const byDefault = await post(server, '/__admin/authorize', { url });
    expect(redirectQuery(byDefault.json.location).get('code')).toBeTruthy();
    const denied = await post(server, '/__admin/authorize', { url, decision: 'deny' });
    expect(redirectQuery(denied.json.location).get('error')).toBe('access_denied');
    const unknown = await post(server, '/__admin/authorize', {
      url: authorizeUrl(server, { clientId: 'nobody', clientSecret: '' }),
    });
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ status: 400 });
  });

  it('rejects bad input and cross-origin requests', async () => {
    const server = await start();
    const client = await codeClient(server);
    const url = authorizeUrl(server, client);
    for (const body of [{}, { url: '' }, { url: 5 }, { url, decision: 'maybe' }]) {
      const reply = await post(server, '/__admin/authorize', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.ok).toBe(false);
    }
    const foreign = await fetch(`${server.url}/__admin/authorize`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ url }),
    });
    expect(foreign.status).toBe(403);
    const get = await fetch(`${server.url}/__admin/authorize`);
    expect(get.status).toBe(405);
  });
});
