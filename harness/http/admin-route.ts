import { deadline } from './deadline.ts';

/**
 * POSTs JSON to a reference server's admin route (`serve`: /__admin/authorize,
 * /__admin/assertion) within `timeoutMs`, and returns the parsed answer (`{}` when it is not
 * JSON). The admin routes are the harness's own back door, not the server under test, so a
 * failure is the caller's error (`fail(message)`), never a verdict.
 */
export async function postAdminRoute(
  url: string,
  body: unknown,
  opts: { signal: AbortSignal; timeoutMs: number; fail(message: string, status?: number): Error },
): Promise<unknown> {
  const limit = deadline(opts.signal, opts.timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: limit.signal,
      });
    } catch (e) {
      throw opts.fail(`could not reach ${url}: ${oneLine(e)}`);
    }
    if (!res.ok) throw opts.fail(`${url} answered ${res.status}`, res.status);
    return await res.json().catch(() => ({}));
  } finally {
    limit.done();
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}
