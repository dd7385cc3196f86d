/**
 * Reading the user code out of a verification URI (RFC 8628 §3.2, §3.3). A server may carry it
 * in the query (`https://device.example/?user_code=WDJB-MJHT`) or, as AWS's access portal does
 * (EVIDENCE.md E2, EXCHANGES.md X3), in the query of the fragment
 * (`https://portal.awsapps.com/start/#/device?user_code=GPNW-SHFH`), which a URL parser's
 * `searchParams` does not see. Only whole components count: a code that merely appears inside a
 * host name or a longer value is not carried by the URI.
 */

/** The user code as a person would type it: separators and case do not matter (§6.1). */
export function normaliseUserCode(code: string): string {
  return code.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/** Path segments and query values of a path with an optional query (`/a/b?x=1&y=2`). */
function componentsOf(pathAndQuery: string): string[] {
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? '' : pathAndQuery.slice(q + 1);
  const segments = path.split('/').map(decodeLeniently);
  return [...segments, ...new URLSearchParams(query).values()];
}

function decodeLeniently(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Whether the URI carries `userCode`: as a path segment or a query value, of the URI itself or
 * of its fragment (normalised both sides, §6.1). A substring of a host, segment or value does
 * not count, nor does an opaque handle standing for the code.
 */
export function carriesUserCode(uri: string, userCode: string): boolean {
  const code = normaliseUserCode(userCode);
  if (code.length === 0 || !URL.canParse(uri)) return false;
  const url = new URL(uri);
  const components = [
    ...componentsOf(url.pathname + url.search),
    ...componentsOf(url.hash.slice(1)),
  ];
  return components.some((c) => normaliseUserCode(c) === code);
}
