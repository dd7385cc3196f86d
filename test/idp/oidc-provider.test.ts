// A real IdP, end to end, with nothing of the harness in between (issue 12 part 4 groundwork):
// oidc-provider (test/idp/oidc-provider-server.ts) driven by plain form-encoded requests
// (RFC 8628 §3.1 and §3.4, RFC 6749 §6) and approved or denied by the exec approver
// (test/idp/approve-oidc-provider.mjs) run through `sh -c` as the harness runs it.
//
// Besides proving that the server and the approver work, these tests pin down what
// oidc-provider 9.13.3 sends, because the plain RFC 8628 profile must judge exactly this as
// legitimate. Each fact is asserted where it is observed and summarised in test/idp/FACTS.md.
//
// Time: oidc-provider omits `interval`, so a client waits the RFC 8628 §3.5 default of 5 s
// between polls. These tests never need that wait: the approver runs BEFORE the first poll
// that should succeed, so one poll suffices. oidc-provider does not enforce the interval
// (it never answers slow_down), so the one early poll in the denial test is not penalised.

import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  startOidcProvider,
  type RunningOidcProvider,
  type TestClient,
} from './oidc-provider-server.ts';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const APPROVER = fileURLToPath(new URL('./approve-oidc-provider.mjs', import.meta.url));
const REQUEST_TIMEOUT_MS = 5000;
const APPROVER_TIMEOUT_MS = 15_000;

let idp: RunningOidcProvider;

beforeAll(async () => {
  idp = await startOidcProvider({ deviceCodeLifetimeSeconds: 30 });
});
afterAll(async () => {
  await idp?.close();
});

interface WireResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A form-encoded POST (RFC 6749 §3.2 / RFC 8628 §3.1), as a device client sends it. */
async function postForm(
  url: string,
  fields: Record<string, string>,
  client?: TestClient,
): Promise<WireResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(fields);
  if (client?.tokenEndpointAuthMethod === 'client_secret_basic') {
    headers.authorization = basicAuthorization(client.clientId, client.clientSecret ?? '');
  } else if (client) {
    form.set('client_id', client.clientId);
  }
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: form,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
function basicAuthorization(id: string, secret: string): string {
  const encode = (text: string) => new URLSearchParams({ x: text }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
}

async function authorizeDevice(client: TestClient, scope?: string): Promise<DeviceAuthorization> {
  const response = await postForm(`${idp.issuer}/device/auth`, scope ? { scope } : {}, client);
  // RFC 8628 §3.2: 200, JSON, no-store. oidc-provider sends exactly five members: no
  // `interval` (the §3.5 default of 5 s applies), `verification_uri_complete` always present,
  // `expires_in` equal to the configured device-code lifetime. No Pragma header.
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(Object.keys(response.body).sort()).toEqual([
    'device_code',
    'expires_in',
    'user_code',
    'verification_uri',
    'verification_uri_complete',
  ]);
  expect(response.body.expires_in).toBe(30);
  const authorization = response.body as unknown as DeviceAuthorization;
  expect(authorization.verification_uri).toBe(`${idp.issuer}/device`);
  expect(authorization.verification_uri_complete).toBe(
    `${idp.issuer}/device?user_code=${encodeURIComponent(authorization.user_code)}`,
  );
  // The user code is 8 letters from a consonant-only alphabet, shown as XXXX-XXXX.
  expect(authorization.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  return authorization;
}

function pollToken(client: TestClient, deviceCode: string): Promise<WireResponse> {
  return postForm(
    `${idp.issuer}/token`,
    { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode },
    client,
  );
}

function refresh(client: TestClient, refreshToken: string): Promise<WireResponse> {
  return postForm(
    `${idp.issuer}/token`,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    client,
  );
}

interface ApproverOutcome {
  exitCode: number;
  stderr: string;
}

/** The exec approver contract (DESIGN.md): `sh -c <command>` with the SSOC_* variables. */
function runApprover(
  decision: 'approve' | 'deny',
  authorization: DeviceAuthorization,
  useCompleteUri = true,
): Promise<ApproverOutcome> {
  return runApproverWith({
    SSOC_DECISION: decision,
    SSOC_USER_CODE: authorization.user_code,
    SSOC_VERIFICATION_URI: authorization.verification_uri,
    SSOC_VERIFICATION_URI_COMPLETE: useCompleteUri
      ? (authorization.verification_uri_complete ?? '')
      : '',
    SSOC_TARGET: idp.issuer,
  });
}

function runApproverWith(variables: Record<string, string>): Promise<ApproverOutcome> {
  const env = { ...process.env, ...variables };
  const command = `'${process.execPath}' '${APPROVER}'`;
  return new Promise((resolve) => {
    // Asynchronous on purpose: the IdP runs in this process and must keep answering.
    execFile(
      'sh',
      ['-c', command],
      { env, timeout: APPROVER_TIMEOUT_MS, encoding: 'utf8' },
      (error, _stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, stderr });
      },
    );
  });
}

/** RFC 6749 §5.2 error response as oidc-provider sends it: 400 unless said otherwise. */
function expectOAuthError(response: WireResponse, error: string, status = 400) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.body.error).toBe(error);
}

/** RFC 6749 §5.1 successful token response. */
function expectTokens(response: WireResponse, scope: string) {
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope });
  expect(typeof response.body.access_token).toBe('string');
  expect(typeof response.body.refresh_token).toBe('string');
}

describe('oidc-provider as a device-flow IdP', () => {
  it('publishes the device grant in its metadata, at both well-known locations', async () => {
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      const response = await fetch(`${idp.issuer}${path}`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: idp.issuer,
        device_authorization_endpoint: `${idp.issuer}/device/auth`,
        token_endpoint: `${idp.issuer}/token`,
      });
      expect(metadata.grant_types_supported).toContain(DEVICE_CODE_GRANT);
      // All five methods are listed whatever the clients use; no registration_endpoint
      // (dynamic registration is off by default).
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
      );
      expect(metadata).not.toHaveProperty('registration_endpoint');
    }
  });

  it('public client: approve, one poll gives tokens, refresh rotates and the old refresh token is refused', async () => {
    const client = idp.clients.public;
    const authorization = await authorizeDevice(client, 'openid offline_access');

    const approver = await runApprover('approve', authorization);
    expect(approver).toEqual({ exitCode: 0, stderr: '' });

    // RFC 8628 §3.5: 200 with an RFC 6749 §5.1 body; `offline_access` brings a refresh token,
    // `openid` an id_token.
    const tokens = await pollToken(client, authorization.device_code);
    expectTokens(tokens, 'openid offline_access');
    expect(typeof tokens.body.id_token).toBe('string');

    // RFC 6749 §6 with rotation: a new refresh token, and the one used is refused after.
    const refreshed = await refresh(client, tokens.body.refresh_token as string);
    expectTokens(refreshed, 'openid offline_access');
    expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const replayed = await refresh(client, tokens.body.refresh_token as string);
    expectOAuthError(replayed, 'invalid_grant');
    // Replaying a rotated-out refresh token revokes the whole grant (reuse detection): the
    // newest refresh token dies with it.
    const newest = await refresh(client, refreshed.body.refresh_token as string);
    expectOAuthError(newest, 'invalid_grant');
  });

  it('confidential client (client_secret_basic): through the user-code page; rotation; a replayed device code revokes the grant', async () => {
    const client = idp.clients.confidential;
    const authorization = await authorizeDevice(client, 'offline_access');

    // Without verification_uri_complete: the approver types the user code.
    const approver = await runApprover('approve', authorization, false);
    expect(approver).toEqual({ exitCode: 0, stderr: '' });

    const tokens = await pollToken(client, authorization.device_code);
    // Without `openid` there is no id_token.
    expectTokens(tokens, 'offline_access');
    expect(tokens.body).not.toHaveProperty('id_token');

    const refreshed = await refresh(client, tokens.body.refresh_token as string);
    expectTokens(refreshed, 'offline_access');
    expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);

    // The device code is single use: redeemed again, invalid_grant with a generic description
    // (the real reason, "device code already consumed", stays in the server). Like a replayed
    // authorization code (RFC 6749 §4.1.2), the replay also revokes everything issued from it:
    // the refresh token that was valid a moment ago is refused after.
    const again = await pollToken(client, authorization.device_code);
    expectOAuthError(again, 'invalid_grant');
    expect(again.body.error_description).toBe('grant request is invalid');
    expectOAuthError(
      await refresh(client, refreshed.body.refresh_token as string),
      'invalid_grant',
    );
  });

  it('a wrong Basic secret is 401 invalid_client with WWW-Authenticate; an unknown public client is 401 without it', async () => {
    const wrongSecret: TestClient = { ...idp.clients.confidential, clientSecret: 'not-the-secret' };
    for (const path of ['/device/auth', '/token']) {
      const response = await postForm(
        `${idp.issuer}${path}`,
        { grant_type: DEVICE_CODE_GRANT, device_code: 'unused' },
        wrongSecret,
      );
      // RFC 6749 §5.2: Basic was used, so 401 and WWW-Authenticate naming the scheme.
      expectOAuthError(response, 'invalid_client', 401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Basic realm="${idp.issuer}", error="invalid_client", error_description="client authentication failed"`,
      );
    }
    const unknown = await postForm(
      `${idp.issuer}/device/auth`,
      {},
      { clientId: 'nobody', tokenEndpointAuthMethod: 'none' },
    );
    expectOAuthError(unknown, 'invalid_client', 401);
    expect(unknown.headers.get('www-authenticate')).toBeNull();
  });

  it('request errors: RFC 6749 §5.2 codes, all 400; rapid polls never answer slow_down', async () => {
    const client = idp.clients.public;
    const authorization = await authorizeDevice(client, 'openid');
    const token = `${idp.issuer}/token`;

    // Polling far faster than 5 s: authorization_pending every time, never slow_down.
    for (let poll = 0; poll < 3; poll++) {
      expectOAuthError(await pollToken(client, authorization.device_code), 'authorization_pending');
    }
    // Another client's device code, or one that never existed: invalid_grant.
    const otherClient = await pollToken(idp.clients.confidential, authorization.device_code);
    expectOAuthError(otherClient, 'invalid_grant');
    expectOAuthError(await pollToken(client, 'no-such-device-code'), 'invalid_grant');
    // A missing parameter: invalid_request naming it.
    const missing = await postForm(token, { grant_type: DEVICE_CODE_GRANT }, client);
    expectOAuthError(missing, 'invalid_request');
    expect(missing.body.error_description).toBe("missing required parameter 'device_code'");
    // A grant type it does not know (or does not offer): unsupported_grant_type.
    expectOAuthError(
      await postForm(token, { grant_type: 'password' }, client),
      'unsupported_grant_type',
    );
    // No client identification at all: invalid_request (not invalid_client), 400.
    const anonymous = await postForm(`${idp.issuer}/device/auth`, {});
    expectOAuthError(anonymous, 'invalid_request');
    expect(anonymous.body.error_description).toBe('no client authentication mechanism provided');
    // A JSON body instead of a form: invalid_request.
    const json = await fetch(`${idp.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: client.clientId }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as Record<string, unknown>).error).toBe('invalid_request');
  });

  it('is lenient where RFC 8628 lets it be: unknown scopes dropped, client_secret_post for a Basic client', async () => {
    // An unknown scope is silently dropped (RFC 6749 §3.3 allows ignoring it), not invalid_scope.
    await authorizeDevice(idp.clients.public, 'openid no-such-scope');
    // The confidential client is registered with client_secret_basic, yet its secret in the
    // form body is accepted too (oidc-provider does not pin the registered method).
    const { clientId, clientSecret } = idp.clients.confidential;
    const viaPost = await postForm(`${idp.issuer}/device/auth`, {
      client_id: clientId,
      client_secret: clientSecret ?? '',
      scope: 'openid',
    });
    expect(viaPost.status).toBe(200);
  });

  it('deny: pending before, access_denied once, then invalid_grant', async () => {
    const client = idp.clients.public;
    const authorization = await authorizeDevice(client, 'openid');

    // Before the user acts (RFC 8628 §3.5).
    const pending = await pollToken(client, authorization.device_code);
    expectOAuthError(pending, 'authorization_pending');

    const approver = await runApprover('deny', authorization);
    expect(approver).toEqual({ exitCode: 0, stderr: '' });

    const denied = await pollToken(client, authorization.device_code);
    expectOAuthError(denied, 'access_denied');
    expect(denied.body.error_description).toBe('End-User aborted interaction');
    // The denial is delivered once; the device code is then consumed.
    expectOAuthError(await pollToken(client, authorization.device_code), 'invalid_grant');
  });

  it('approving a request with no scope at all ends in access_denied (a scope must be sent)', async () => {
    const client = idp.clients.public;
    const authorization = await authorizeDevice(client);

    // oidc-provider finishes the login and consent, then refuses a grant with no scope
    // ("authorization request resolved without requesting interactions but no scope was
    // granted") and shows the "interrupted" page: the approver reports that approval failed.
    const approver = await runApprover('approve', authorization);
    expect(approver.exitCode).toBe(1);
    expect(approver.stderr).toMatch(/^approve-oidc-provider: approve failed: .*interrupted\n$/);

    const denied = await pollToken(client, authorization.device_code);
    expectOAuthError(denied, 'access_denied');
    expect(denied.body).not.toHaveProperty('error_description');
  });
});

describe('the approver, when a step does not go as expected', () => {
  // Exit 1 and exactly one line on stderr, naming the step; never a cookie or xsrf value.
  const oneLine = /^approve-oidc-provider: \w+ failed: [^\n]+\n$/;

  it('refuses a decision other than approve or deny', async () => {
    const outcome = await runApproverWith({ SSOC_DECISION: 'maybe' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(oneLine);
    expect(outcome.stderr).toContain('SSOC_DECISION must be approve or deny');
  });

  it('reports a user code the server does not know', async () => {
    const outcome = await runApproverWith({
      SSOC_DECISION: 'approve',
      SSOC_USER_CODE: 'BCDF-GHJK',
      SSOC_VERIFICATION_URI: `${idp.issuer}/device`,
      SSOC_VERIFICATION_URI_COMPLETE: '',
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(oneLine);
    expect(outcome.stderr).toContain('The code you entered is incorrect');
    expect(outcome.stderr).not.toMatch(/xsrf|_session/);
  });

  it('gives up within its request timeout on a server that never answers', async () => {
    // Accepts the connection, reads the request, says nothing.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const outcome = await runApproverWith({
        SSOC_DECISION: 'deny',
        SSOC_USER_CODE: 'BCDF-GHJK',
        SSOC_VERIFICATION_URI: `http://127.0.0.1:${port}/device`,
        SSOC_VERIFICATION_URI_COMPLETE: '',
        SSOC_APPROVER_TIMEOUT_MS: '300',
      });
      expect(outcome.exitCode).toBe(1);
      expect(outcome.stderr).toBe(
        'approve-oidc-provider: deny failed: GET /device: no answer in 300 ms\n',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('names the page it cannot act on', async () => {
    const broken = createHttpServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway'),
    );
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const { port } = broken.address() as AddressInfo;
    try {
      const outcome = await runApproverWith({
        SSOC_DECISION: 'approve',
        SSOC_USER_CODE: 'BCDF-GHJK',
        SSOC_VERIFICATION_URI: `http://127.0.0.1:${port}/device`,
        SSOC_VERIFICATION_URI_COMPLETE: '',
      });
      expect(outcome.exitCode).toBe(1);
      expect(outcome.stderr).toBe(
        'approve-oidc-provider: approve failed: no form to act on: HTTP 502 /device "(no title)"\n',
      );
    } finally {
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});

describe('oidc-provider device code expiry', () => {
  it('answers expired_token after expires_in, and keeps answering it', async () => {
    const shortLived = await startOidcProvider({ deviceCodeLifetimeSeconds: 1 });
    try {
      const client = shortLived.clients.public;
      const started = await postForm(
        `${shortLived.issuer}/device/auth`,
        { scope: 'openid' },
        client,
      );
      expect(started.body.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      for (let poll = 0; poll < 2; poll++) {
        const expired = await postForm(
          `${shortLived.issuer}/token`,
          { grant_type: DEVICE_CODE_GRANT, device_code: started.body.device_code as string },
          client,
        );
        expectOAuthError(expired, 'expired_token');
        expect(expired.body.error_description).toBe('device code is expired');
      }
    } finally {
      await shortLived.close();
    }
  });
});
