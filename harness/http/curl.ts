import type { Exchange } from './exchange.ts';

/** Headers curl sets by itself (or that belong to one connection): never repeated. */
const SKIPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'proxy-connection',
]);

/**
 * SigV4 headers: a recorded signature is redacted and would be stale anyway, so a signed request
 * is re-signed by curl itself (`--aws-sigv4`, curl 7.75+) with credentials from the environment.
 */
const SIGV4_HEADERS = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
]);

/** The curl options that sign as the harness did: signing name sso-oauth (WIRE.md §1.4). */
const CURL_SIGV4 = [
  '--aws-sigv4',
  '"aws:amz:${AWS_REGION:?set AWS_REGION}:sso-oauth"',
  '--user',
  '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
];

function isSigV4(headers: Record<string, string>): boolean {
  const names = Object.keys(headers).map((n) => n.toLowerCase());
  return names.includes('authorization') && names.includes('x-amz-date');
}

/** Quote a string for a POSIX shell: single quotes, `'` written as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A single-line POSIX shell command reproducing the (already redacted) request of an exchange.
 * A body with control characters (newlines ...) is fed through `printf` on stdin so the command
 * stays on one line and the bytes are exact. A SigV4-signed request (CreateTokenWithIAM) is
 * re-signed by curl from AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
 * AWS_SESSION_TOKEN when the original carried a session token).
 */
export function curlFor(exchange: Exchange): string {
  const { method, url, headers, body } = exchange.request;
  const parts = ['curl', '-sS', '-i'];
  if (method !== 'GET' || body !== undefined) parts.push('-X', shellQuote(method));
  parts.push(shellQuote(url));
  const signed = isSigV4(headers);
  for (const [name, value] of Object.entries(headers)) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    if (signed && SIGV4_HEADERS.has(name.toLowerCase())) continue;
    parts.push('-H', shellQuote(`${name}: ${oneLineHeader(value)}`));
  }
  if (signed) {
    parts.push(...CURL_SIGV4);
    if (Object.keys(headers).some((n) => n.toLowerCase() === 'x-amz-security-token'))
      parts.push('-H', '"x-amz-security-token: $AWS_SESSION_TOKEN"');
  }
  if (body === undefined) return parts.join(' ');
  if (!/[\u0000-\u001f\u007f]/.test(body)) {
    parts.push('--data-raw', shellQuote(body));
    return parts.join(' ');
  }
  parts.push('--data-binary', '@-');
  return `printf ${shellQuote(printfFormat(body))} | ${parts.join(' ')}`;
}

/** A printf format that prints `s` exactly: `\` and `%` escaped, control characters in octal. */
function printfFormat(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '%') out += '%%';
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out;
}

/** Header values cannot hold line breaks; show them as spaces rather than break the command. */
function oneLineHeader(v: string): string {
  return v.replace(/[\r\n]+/g, ' ');
}
