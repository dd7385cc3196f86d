/**
 * A password in a URL's userinfo (`https://user:password@host`) is a secret: the redactor hides
 * it wherever it appears, and the reports name such a URL without it.
 */

/** The password of a URL's userinfo, decoded as it is sent; undefined when there is none. */
export function passwordOf(url: string): string | undefined {
  const password = URL.canParse(url) ? new URL(url).password : '';
  return password === '' ? undefined : decodeURIComponent(password);
}

/** The URL as the reports show it: without its userinfo's password. */
export function withoutPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '';
  return parsed.href.replace(/\/$/, url.endsWith('/') ? '/' : '');
}
