import type { IncomingMessage } from 'node:http';
import {
  AUTHORIZE_PATH,
  type AuthorizationCheck,
  type AuthorizationRequest,
  type AuthorizeDecision,
  type AuthorizeResult,
} from './authorization.ts';
import { readBody } from './body.ts';
import type { ServerContext } from './context.ts';
import { escapeHtml, HTML_HEADERS } from './html.ts';
import type { WireResponse } from './wire.ts';

/**
 * /authorize, the browser endpoint RegisterClient's authorizationEndpoint names (outside the
 * sso-oidc model): GET validates the request and shows a consent page, whose form POSTs back
 * with a single-use consent token and the decision; the answer is a 302 to the client's
 * redirect URI, or a 400 page when the browser must not be sent back (RFC 6749 §4.1.2.1).
 */

export function isAuthorizePath(pathname: string): boolean {
  return pathname === AUTHORIZE_PATH;
}

interface PageReply {
  response: WireResponse;
  closeConnection: boolean;
}

export async function handleAuthorize(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
): Promise<PageReply> {
  const done = (response: WireResponse, closeConnection = false) => ({
    response,
    closeConnection,
  });
  if (req.method === 'GET' || req.method === 'HEAD') {
    return done(answer(ctx, ctx.state.checkAuthorization(url.searchParams)));
  }
  if (req.method !== 'POST') {
    const response = errorPage(405, 'Use GET to ask for authorization, POST to decide.');
    response.headers.Allow = 'GET, HEAD, POST';
    return done(response);
  }
  const body = await readBody(req);
  if (body.tooLarge) return done(errorPage(400, 'Request too large.'), body.closeConnection);
  const form = new URLSearchParams(body.text);
  const consent = form.getAll('consent');
  const decision = form.get('decision');
  if (consent.length !== 1 || consent[0] === '') {
    return done(errorPage(400, 'This form was not issued by this server.'));
  }
  if (decision !== 'approve' && decision !== 'deny') {
    return done(errorPage(400, 'Choose Approve or Deny.'));
  }
  return done(answer(ctx, ctx.state.completeConsent(consent[0], decision)));
}

/**
 * The harness's approver: the GET's validation and the user's decision in one step, with the
 * answer the browser would get (no consent page, no consent token).
 */
export function authorizeDirect(
  ctx: ServerContext,
  target: string,
  decision: AuthorizeDecision,
): AuthorizeResult {
  let url: URL;
  try {
    url = new URL(target, ctx.url);
  } catch {
    return { status: 400 };
  }
  if (!isAuthorizePath(url.pathname)) return { status: 404 };
  const check = ctx.state.checkAuthorization(url.searchParams);
  const end = check.kind === 'consent' ? ctx.state.decide(check.request, decision) : check;
  return end.kind === 'redirect' ? { status: 302, location: end.location } : { status: 400 };
}

function answer(ctx: ServerContext, check: AuthorizationCheck): WireResponse {
  switch (check.kind) {
    case 'redirect':
      return {
        status: 302,
        headers: { Location: check.location, 'Cache-Control': 'no-store' },
        body: '',
      };
    case 'refused':
      return errorPage(400, check.reason);
    case 'consent':
      return consentPage(check.request, ctx.state.beginConsent(check.request));
  }
}

function page(status: number, title: string, content: string): WireResponse {
  return {
    status,
    headers: { ...HTML_HEADERS, 'Referrer-Policy': 'no-referrer' },
    body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} (reference server)</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${content}
</body>
</html>
`,
  };
}

function errorPage(status: number, reason: string): WireResponse {
  return page(
    status,
    'Authorization failed',
    `<p>${escapeHtml(reason)}</p>\n<p>You are not sent back to the application.</p>`,
  );
}

function consentPage(request: AuthorizationRequest, consent: string): WireResponse {
  const scopes =
    request.scopes.length > 0
      ? `<ul>\n${request.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}\n</ul>`
      : '<p>No scopes.</p>';
  return page(
    200,
    'Allow access?',
    `<p>The application <strong>${escapeHtml(request.clientName)}</strong> asks for access with
these scopes:</p>
${scopes}
<p>You will then be sent to <code>${escapeHtml(request.redirectUri)}</code>.</p>
<form method="post" action="${AUTHORIZE_PATH}">
<input type="hidden" name="consent" value="${escapeHtml(consent)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
