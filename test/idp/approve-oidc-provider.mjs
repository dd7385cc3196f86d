#!/usr/bin/env node
// An exec approver (DESIGN.md, "The exec approver") for oidc-provider's device flow pages, as
// started by test/idp/oidc-provider-server.ts. Plain Node (no tsx): the harness runs it through
// `sh -c` with SSOC_DECISION (approve|deny), SSOC_USER_CODE, SSOC_VERIFICATION_URI and
// SSOC_VERIFICATION_URI_COMPLETE (empty when absent) in the environment.
//
// It behaves as a browser would: GET the verification page, keep cookies, POST each form with
// its hidden fields (oidc-provider's xsrf token among them), follow redirects by hand. The pages
// it meets, in order:
//   1. the user-code page (a form with a `user_code` text field), or, from
//      verification_uri_complete, a self-submitting form that already carries the code;
//   2. the confirmation page (form `op.deviceConfirmForm`): approve submits it; deny submits it
//      with the Abort button (`abort=yes`), after which oidc-provider marks the device code
//      access_denied and shows the user-code page again saying the request was interrupted;
//   3. (approve) devInteractions' login form (`prompt=login`) and consent form (`prompt=consent`);
//   4. (approve) the success page.
// Exit 0 when the decision was made; otherwise exit 1 with a one-line reason on stderr.
// Every request has a timeout (5 s; SSOC_APPROVER_TIMEOUT_MS, in ms, overrides it for tests).
// Nothing secret is printed: cookies, xsrf tokens and the password stay in memory.

const LOGIN = 'conformance-user'; // TEST_USER in oidc-provider-server.ts
const PASSWORD = 'any'; // devInteractions accepts any password
// Per request; SSOC_APPROVER_TIMEOUT_MS shortens it for the approver's own tests.
const REQUEST_TIMEOUT_MS = Number(process.env.SSOC_APPROVER_TIMEOUT_MS) || 5000;
const MAX_STEPS = 20; // bound on pages, and on redirects per page (approve: 6 pages, 9 requests)

class StepFailed extends Error {}

async function decide(choice) {
  const browser = new Browser();
  // The complete URI is what a user scanning a QR code would open; prefer it when given.
  let page = verificationUriComplete
    ? await browser.get(verificationUriComplete)
    : await browser.get(verificationUri);

  for (let step = 0; step < MAX_STEPS; step++) {
    const forms = parseForms(page.html, page.url);
    const confirm = forms.find((form) => form.id === 'op.deviceConfirmForm');
    // The user-code page: `user_code` is a field to type in (elsewhere it is hidden).
    const codeEntry = forms.find((form) => form.textFields.includes('user_code'));
    const login = forms.find((form) => form.fields.prompt === 'login');
    const consent = forms.find((form) => form.fields.prompt === 'consent');

    if (confirm && choice === 'deny') {
      page = await browser.post(confirm.action, { ...confirm.fields, abort: 'yes' });
      if (!/request was interrupted/i.test(page.html)) {
        throw new StepFailed(`after Abort, expected the "interrupted" page, got ${describe(page)}`);
      }
      return;
    }
    if (confirm) {
      page = await browser.post(confirm.action, confirm.fields);
    } else if (login) {
      page = await browser.post(login.action, {
        ...login.fields,
        login: LOGIN,
        password: PASSWORD,
      });
    } else if (consent) {
      page = await browser.post(consent.action, consent.fields);
    } else if (codeEntry) {
      if (step > 0) throw new StepFailed(`the user code page came back: ${describe(page)}`);
      page = await browser.post(codeEntry.action, { ...codeEntry.fields, user_code: userCode });
    } else if (isSelfSubmitting(page.html) && forms.length === 1) {
      // verification_uri_complete answers with a form that a script submits on load.
      page = await browser.post(forms[0].action, forms[0].fields);
    } else if (choice === 'approve' && /<title>Sign-in Success<\/title>/.test(page.html)) {
      return;
    } else {
      throw new StepFailed(`no form to act on: ${describe(page)}`);
    }
  }
  throw new StepFailed(`still not done after ${MAX_STEPS} pages`);
}

// A one-line account of a page for the failure reason: status, URL path, title and (on
// oidc-provider's error page) the error lines. No cookie or form value.
function describe(page) {
  const title = /<title>([^<]*)<\/title>/i.exec(page.html)?.[1] ?? '(no title)';
  const message = /<p class="message">([^<]*)<\/p>/.exec(page.html)?.[1];
  const details = [...page.html.matchAll(/<pre>(error(?:_description)?: [^<]*)<\/pre>/g)].map(
    (m) => m[1],
  );
  // Interaction ids in the path are session handles: shown as :uid.
  const path = new URL(page.url).pathname.replace(/[A-Za-z0-9_-]{20,}/g, ':uid');
  return [`HTTP ${page.status} ${path} "${title}"`, ...(message ? [message] : []), ...details].join(
    '; ',
  );
}

function isSelfSubmitting(html) {
  return /document\.forms\[0\]\.submit\(\)/.test(html);
}

// --- a minimal browser: cookies by name and path, redirects followed by hand ---------------

class Browser {
  #cookies = new Map(); // `${path} ${name}` -> { name, value, path }

  get(url) {
    return this.#navigate('GET', url, undefined);
  }

  post(url, fields) {
    return this.#navigate('POST', url, new URLSearchParams(fields).toString());
  }

  async #navigate(method, url, body) {
    for (let redirects = 0; redirects < MAX_STEPS; redirects++) {
      const response = await this.#request(method, url, body);
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        if (!location) {
          throw new StepFailed(
            `HTTP ${response.status} without Location at ${new URL(url).pathname}`,
          );
        }
        // 303 (and, as browsers do, 301/302 after a POST) continue with GET.
        url = new URL(location, url).href;
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { status: response.status, url, html: response.text };
    }
    throw new StepFailed(`more than ${MAX_STEPS} redirects`);
  }

  // One request, body read in full, within REQUEST_TIMEOUT_MS. The timer is an ordinary
  // (referenced) one on purpose: AbortSignal.timeout() does not keep Node alive, and when a
  // server hangs up at once undici sometimes leaves the fetch pending with no handle, so the
  // process would exit with code 13 and no reason instead of timing out (seen on Node 20).
  async #request(method, url, body) {
    const target = new URL(url);
    const headers = { accept: 'text/html' };
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(target, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await response.text();
      this.#remember(response.headers.getSetCookie(), target);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      const why = controller.signal.aborted
        ? `no answer in ${REQUEST_TIMEOUT_MS} ms`
        : `${error?.message}${error?.cause?.code ? ` (${error.cause.code})` : ''}`;
      throw new StepFailed(`${method} ${target.pathname}: ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }

  #remember(setCookies, target) {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(target);
      let expired = false;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.trim().split('=');
        const attributeValue = rest.join('=');
        if (/^path$/i.test(key) && attributeValue.startsWith('/')) path = attributeValue;
        if (/^max-age$/i.test(key) && Number(attributeValue) <= 0) expired = true;
        if (/^expires$/i.test(key) && Date.parse(attributeValue) <= Date.now()) expired = true;
      }
      const key = `${path} ${name}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  #cookieHeader(target) {
    return [...this.#cookies.values()]
      .filter((cookie) => pathMatches(target.pathname, cookie.path))
      .sort((a, b) => b.path.length - a.path.length) // longer paths first (RFC 6265 §5.4)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }
}

// RFC 6265 §5.1.4: the directory of the request path.
function defaultPath(target) {
  const slash = target.pathname.lastIndexOf('/');
  return slash > 0 ? target.pathname.slice(0, slash) : '/';
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

// --- forms: just enough HTML reading for oidc-provider's pages ------------------------------

// Each <form>: its id, absolute action, hidden and other named input values, and the names of
// its text inputs. Controls outside a form that point at it with form="id" (oidc-provider's
// buttons do) are not submitted here: the only such named control is the Abort button, whose
// `abort=yes` the caller adds itself.
function parseForms(html, pageUrl) {
  const forms = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = parseAttributes(match[1]);
    const fields = {};
    const textFields = [];
    for (const input of match[2].matchAll(/<input\b([^>]*)>/gi)) {
      const field = parseAttributes(input[1]);
      if (!field.name) continue;
      const type = (field.type ?? 'text').toLowerCase();
      if (type === 'text' || type === 'password') textFields.push(field.name);
      fields[field.name] = field.value ?? '';
    }
    forms.push({
      id: attributes.id,
      action: new URL(attributes.action ?? pageUrl, pageUrl).href,
      fields,
      textFields,
    });
  }
  return forms;
}

function parseAttributes(text) {
  const attributes = {};
  for (const match of text.matchAll(
    /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g,
  )) {
    attributes[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, entity) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower];
  });
}

// Run after the whole module is evaluated (the Browser class below is not hoisted).
const decision = process.env.SSOC_DECISION;
const userCode = process.env.SSOC_USER_CODE ?? '';
const verificationUri = process.env.SSOC_VERIFICATION_URI ?? '';
const verificationUriComplete = process.env.SSOC_VERIFICATION_URI_COMPLETE ?? '';

try {
  if (decision !== 'approve' && decision !== 'deny') {
    throw new StepFailed(
      `SSOC_DECISION must be approve or deny, got ${JSON.stringify(decision ?? '')}`,
    );
  }
  if (!verificationUriComplete && !(verificationUri && userCode)) {
    throw new StepFailed(
      'need SSOC_VERIFICATION_URI_COMPLETE, or SSOC_VERIFICATION_URI and SSOC_USER_CODE',
    );
  }
  await decide(decision);
  process.exit(0); // idle keep-alive connections must not hold the harness waiting
} catch (error) {
  const reason =
    error instanceof StepFailed ? error.message : `unexpected: ${error?.message ?? error}`;
  process.stderr.write(`approve-oidc-provider: ${decision ?? '?'} failed: ${reason}\n`);
  process.exit(1);
}
