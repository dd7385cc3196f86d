import type { ServerContext } from './context.ts';
import { escapeHtml, HTML_HEADERS } from './html.ts';
import { userCodeOfHandle, type WireResponse } from './wire.ts';

/**
 * GET /device (and /start/, the portal path): a minimal verification page for humans using
 * `serve` (set the verification URI to `{url}/device`). It shows the user code and the client asking, and its Approve and
 * Deny buttons post to the admin routes, so it works only from the server's own machine.
 */

export function isVerificationPagePath(pathname: string): boolean {
  // /start/: the access-portal path of verification-uri-portal-fragment (AWS's form).
  return ['/device', '/device/', '/start', '/start/'].includes(pathname);
}

// A code in the fragment (`#/device?user_code=…`) never reaches the server: the page's script
// reads it, as AWS's portal does, and fills the field the user would otherwise type into.
const SCRIPT = `
const fragmentCode = new URLSearchParams(location.hash.split('?')[1] || '').get('user_code');
const field = document.querySelector('#verify input[name=userCode]');
if (fragmentCode && !field.value) field.value = fragmentCode;
document.getElementById('verify').addEventListener('submit', async (event) => {
  event.preventDefault();
  const decision = event.submitter && event.submitter.value === 'deny' ? 'deny' : 'approve';
  const userCode = new FormData(event.target).get('userCode');
  const result = document.getElementById('result');
  try {
    const response = await fetch('/__admin/' + decision, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userCode }),
    });
    result.textContent = response.ok
      ? (decision === 'approve' ? 'Approved.' : 'Denied.') + ' You can return to your device.'
      : 'This code is unknown, expired or already used.';
  } catch {
    result.textContent = 'The server could not be reached.';
  }
});
`;

export function verificationPage(ctx: ServerContext, query: URLSearchParams): WireResponse {
  const handle = query.get('handle');
  const requested =
    query.get('user_code') ?? (handle === null ? '' : (userCodeOfHandle(handle) ?? ''));
  const info = requested ? ctx.state.describeUserCode(requested) : undefined;
  const code = info?.userCode ?? requested;
  const about = info
    ? `<p>The application <strong>${escapeHtml(info.clientName)}</strong> asks for access from a
device. Approve only if that device is yours and it shows this code (state: ${info.state}).</p>`
    : '<p>Enter the code your device shows.</p>';
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorize a device (reference server)</title></head>
<body>
<h1>Authorize a device</h1>
${about}
<form id="verify">
<label>User code <input name="userCode" value="${escapeHtml(code)}" autocomplete="off" required></label>
<button type="submit" value="approve">Approve</button>
${ctx.state.offersDenial() ? '<button type="submit" value="deny">Deny</button>\n' : ''}</form>
<p id="result" role="status"></p>
<script>${SCRIPT}</script>
</body>
</html>
`;
  return {
    status: 200,
    headers: { ...HTML_HEADERS },
    body,
  };
}
