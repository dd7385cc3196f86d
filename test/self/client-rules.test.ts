import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/engine/results.ts';
import { runEmbedded } from './run-embedded.ts';

/**
 * The harness obeys the client rules (REQUIREMENTS.md CL-*) over a whole run, judged from the
 * exchanges it recorded against the reference server in its strictest mode: a client rule the
 * harness broke would pass unseen in the verdicts, since a conformant server answers a too-fast
 * poll with slow_down and the poller then waits longer, as CL-2 asks.
 */

/** Tests that break the interval on purpose (CL-1: "Only DA-3.5-SLOWDOWN-* may ..."). */
const BREAKS_INTERVAL = /^DA-3\.5-SLOWDOWN-/;
/** The one test that sends two client authentication methods on purpose (CL-7). */
const TWO_METHODS = 'OA-2.3-ONE-METHOD';

/** `test id: count` for every test with a response that is slow_down (either wire). */
function slowDowns(run: RunResult): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const t of run.tests)
    for (const e of t.exchanges)
      if (/"error":"slow_down"|SlowDownException/.test(e.response?.body ?? ''))
        seen[t.id] = (seen[t.id] ?? 0) + 1;
  return seen;
}

const strictRun = (profile: 'aws' | 'rfc8628') =>
  runEmbedded({ profile, slowDown: 'strict', exchanges: 'all' });

describe('the harness obeys the client rules over a run', () => {
  for (const profile of ['aws', 'rfc8628'] as const) {
    it(`${profile}: only the slow_down tests poll faster than the interval (CL-1)`, async () => {
      const run = await strictRun(profile);
      const seen = slowDowns(run);
      // The slow_down tests did provoke it: the server in this mode sends it.
      expect(Object.keys(seen).some((id) => BREAKS_INTERVAL.test(id))).toBe(true);
      expect(Object.keys(seen).filter((id) => !BREAKS_INTERVAL.test(id))).toEqual([]);
    }, 60_000);
  }

  it('rfc8628: one client authentication method per request, client_id when none (CL-7, CL-8)', async () => {
    const run = await strictRun('rfc8628');
    const twoMethods: string[] = [];
    const unnamed: string[] = [];
    let judged = 0;
    for (const t of run.tests)
      for (const e of t.exchanges) {
        const { url, headers, body = '' } = e.request;
        if (!/\/oauth\/(token|device_authorization)$/.test(new URL(url).pathname)) continue;
        judged++;
        const basic = headers.authorization !== undefined;
        const post = /(^|&)client_secret=/.test(body);
        if (basic && post && t.id !== TWO_METHODS) twoMethods.push(`${t.id} ${url}`);
        if (!basic && !/(^|&)client_id=/.test(body)) unnamed.push(`${t.id} ${url}`);
      }
    expect(judged).toBeGreaterThan(100);
    expect(twoMethods).toEqual([]);
    expect(unnamed).toEqual([]);
  }, 60_000);
});
