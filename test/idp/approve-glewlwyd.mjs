#!/usr/bin/env node
// An exec approver (DESIGN.md, "The exec approver") for glewlwyd's device verification, as
// started by test/idp/glewlwyd-server.ts. Plain Node (no tsx): the harness runs it through
// `sh -c` with SSOC_DECISION (approve|deny), SSOC_USER_CODE, SSOC_VERIFICATION_URI and
// SSOC_VERIFICATION_URI_COMPLETE (empty when absent) in the environment.
//
// glewlwyd's end-user side is a single-page web app (login.html + login.js) over its JSON API;
// this script makes the requests that app makes, with the session cookie, no browser:
//   1. GET the verification URI with the code (`<verification_uri>?code=XXXX-XXXX`, which is
//      verification_uri_complete; a typed code is first normalised as login.js does: letters
//      and digits only, upper case, a dash after the fourth). glewlwyd answers 302 to
//      login.html with client_id, scope and callback_url, or with prompt=deviceCodeError.
//   2. POST <api>/auth/ {username, password}: the password login (sets the session cookie).
//   3. GET <api>/auth/grant/<client_id>/<scope>, then PUT <api>/auth/grant/<client_id>
//      {scope}: the consent page's check and its "grant" button.
//   4. GET <callback_url>&g_continue: glewlwyd binds the code to the session and answers 302
//      to login.html?prompt=deviceComplete ("Authorization complete").
// glewlwyd's pages offer no way to deny a device authorization (login.js has no such button,
// and its device verification endpoint has no refusal path): `deny` exits 77, the exec approver
// contract's "the server offers no such choice", and the harness skips the test saying why.
// Exit 0 when the decision was made; otherwise exit 1 with a one-line reason on stderr.
// Every request has a timeout (5 s; SSOC_APPROVER_TIMEOUT_MS, in ms, overrides it).
// Nothing secret is printed: the session cookie and the password stay in memory.

const LOGIN = 'conformance-user'; // TEST_USER in glewlwyd-server.ts
const PASSWORD = 'conformance-user-password'; // TEST_USER_PASSWORD in glewlwyd-server.ts
const DECISION_UNAVAILABLE = 77; // DECISION_UNAVAILABLE_EXIT in harness/approvers/approver.ts
const REQUEST_TIMEOUT_MS = Number(process.env.SSOC_APPROVER_TIMEOUT_MS) || 5000;

class StepFailed extends Error {}

async function approve() {
  const session = new Session();
  const codeUrl =
    verificationUriComplete || withCode(verificationUri, typedAsLoginJsDoes(userCode));
  const api = new URL('..', codeUrl); // <api>/oidc/device -> <api>/

  // 1. The code: glewlwyd sends the browser to its login page with what it is about.
  const login = await session.redirectOf('GET', codeUrl);
  const loginParams = login.searchParams;
  if (loginParams.get('prompt'))
    throw new StepFailed(
      `the code was refused: login page with prompt=${loginParams.get('prompt')}`,
    );
  const clientId = loginParams.get('client_id');
  const scope = loginParams.get('scope');
  const callback = loginParams.get('callback_url');
  if (!clientId || !scope || !callback)
    throw new StepFailed(`the login page was given no client_id, scope or callback_url`);

  // 2. Password login; 3. consent to the scopes asked for.
  await session.json('POST', new URL('auth/', api), { username: LOGIN, password: PASSWORD });
  await session.json(
    'GET',
    new URL(`auth/grant/${encodeURIComponent(clientId)}/${encodeURIComponent(scope)}`, api),
  );
  await session.json('PUT', new URL(`auth/grant/${encodeURIComponent(clientId)}`, api), { scope });

  // 4. Back to the verification endpoint, as login.js does once the user is logged in.
  const done = await session.redirectOf(
    'GET',
    callback + (callback.includes('?') ? '&g_continue' : '?g_continue'),
  );
  const prompt = done.searchParams.get('prompt');
  if (prompt !== 'deviceComplete')
    throw new StepFailed(`after consent, expected prompt=deviceComplete, got prompt=${prompt}`);
}

// login.js's handleChangeCode: what a user types becomes XXXX-XXXX.
function typedAsLoginJsDoes(typed) {
  let code = typed.replace(/[\W\s._-]+/g, '').toUpperCase();
  if (code.length > 8) code = code.substring(0, 8);
  if (code.length >= 4) code = `${code.substring(0, 4)}-${code.substring(4)}`;
  return code;
}

function withCode(uri, code) {
  const url = new URL(uri);
  url.searchParams.set('code', code);
  return url.href;
}

// --- one user session: the GLEWLWYD2_SESSION_ID cookie (glewlwyd sets it at path /) --------

class Session {
  #cookies = new Map();

  /** A request glewlwyd must answer with a redirect; resolves with its Location. */
  async redirectOf(method, url) {
    const response = await this.#request(method, url);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location)
      throw new StepFailed(
        `${method} ${path(url)}: expected a redirect, got HTTP ${response.status}`,
      );
    return new URL(location, url);
  }

  /** A JSON API call that must answer 200. */
  async json(method, url, body) {
    const response = await this.#request(method, url, body);
    if (response.status !== 200)
      throw new StepFailed(
        `${method} ${path(url)}: HTTP ${response.status} ${response.text.slice(0, 200)}`,
      );
  }

  // One request, body read in full, within REQUEST_TIMEOUT_MS (an ordinary timer: see
  // approve-oidc-provider.mjs for why not AbortSignal.timeout).
  async #request(method, url, body) {
    const headers = { accept: 'application/json' };
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await response.text();
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0];
        const eq = pair.indexOf('=');
        if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      const why = controller.signal.aborted
        ? `no answer in ${REQUEST_TIMEOUT_MS} ms`
        : `${error?.message}${error?.cause?.code ? ` (${error.cause.code})` : ''}`;
      throw new StepFailed(`${method} ${path(url)}: ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

// The path only: the query carries the user code, which is fine, but keep messages short.
function path(url) {
  return new URL(url).pathname;
}

const decision = process.env.SSOC_DECISION;
const userCode = process.env.SSOC_USER_CODE ?? '';
const verificationUri = process.env.SSOC_VERIFICATION_URI ?? '';
const verificationUriComplete = process.env.SSOC_VERIFICATION_URI_COMPLETE ?? '';

try {
  if (decision === 'deny') {
    process.stderr.write(
      "approve-glewlwyd: glewlwyd's verification pages offer no way to deny a device authorization (no such button in login.js)\n",
    );
    process.exit(DECISION_UNAVAILABLE);
  }
  if (decision !== 'approve') {
    throw new StepFailed(
      `SSOC_DECISION must be approve or deny, got ${JSON.stringify(decision ?? '')}`,
    );
  }
  if (!verificationUriComplete && !(verificationUri && userCode)) {
    throw new StepFailed(
      'need SSOC_VERIFICATION_URI_COMPLETE, or SSOC_VERIFICATION_URI and SSOC_USER_CODE',
    );
  }
  await approve();
  process.exit(0); // idle keep-alive connections must not hold the harness waiting
} catch (error) {
  const reason =
    error instanceof StepFailed ? error.message : `unexpected: ${error?.message ?? error}`;
  process.stderr.write(`approve-glewlwyd: ${decision ?? '?'} failed: ${reason}\n`);
  process.exit(1);
}
