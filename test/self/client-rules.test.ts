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
/**
 * The tests that leave the secret out on purpose: CL-8's exceptions, one request each (the
 * probe); their fixtures' requests still carry the secret.
 */
const SECRET_LEFT_OUT = /\/secret-left-out$/;

/** `test id: count` for every test with a response that is slow_down (either wire). */
function slowDowns(run: RunResult): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const t of run.tests)
    for (const e of t.exchanges)
      if (/"error":"slow_down"|SlowDownException/.test(e.response?.body ?? ''))
        seen[t.id] = (seen[t.id] ?? 0) + 1;
  return seen;
}

/** A member of a recorded request or response body, JSON (aws) or form (rfc8628). */
function bodyMember(body: string | undefined, names: string[]): string | undefined {
  if (!body) return undefined;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const found = names.map((n) => json[n]).find((v) => typeof v === 'string');
    return found as string | undefined;
  } catch {
    const form = new URLSearchParams(body);
    return names.map((n) => form.get(n)).find((v) => v !== null) ?? undefined;
  }
}

/**
 * `test id: polls` for every poll sent after a terminal answer (an error other than
 * authorization_pending and slow_down) to the same client for the same device code, beyond
 * the one a test may send on purpose to see that the answer stays (CL-3). The device codes and
 * the client's credentials are redacted alike wherever they appear, so their markers compare.
 */
function pollsAfterTerminal(run: RunResult): { extra: Record<string, number>; terminal: number } {
  const extra: Record<string, number> = {};
  let terminal = 0;
  for (const t of run.tests) {
    const after = new Map<string, number>();
    for (const e of t.exchanges) {
      const code = bodyMember(e.request.body, ['deviceCode', 'device_code']);
      if (code === undefined) continue;
      const client =
        bodyMember(e.request.body, ['clientId', 'client_id']) ?? e.request.headers.authorization;
      const key = `${client} ${code}`;
      const seen = after.get(key);
      if (seen !== undefined) {
        after.set(key, seen + 1);
        if (seen + 1 > 1) extra[t.id] = (extra[t.id] ?? 0) + 1;
        continue;
      }
      const error = bodyMember(e.response?.body, ['error']);
      if (error !== undefined && !['authorization_pending', 'slow_down'].includes(error)) {
        after.set(key, 0);
        terminal++;
      }
    }
  }
  return { extra, terminal };
}

/**
 * `test id: pairs` of refreshes with the same refresh token in flight at once (CL-13), and how
 * many refreshes were looked at.
 */
function concurrentRefreshes(run: RunResult): { pairs: Record<string, number>; refreshes: number } {
  const pairs: Record<string, number> = {};
  let count = 0;
  for (const t of run.tests) {
    const refreshes = t.exchanges.flatMap((e) => {
      const token = bodyMember(e.request.body, ['refreshToken', 'refresh_token']);
      const start = Date.parse(e.startedAt);
      // Times are whole milliseconds: 2 ms of slack keeps back-to-back requests apart.
      return token === undefined ? [] : [{ token, start, end: start + e.durationMs - 2 }];
    });
    count += refreshes.length;
    for (const [i, a] of refreshes.entries())
      for (const b of refreshes.slice(i + 1))
        if (a.token === b.token && a.start < b.end && b.start < a.end)
          pairs[t.id] = (pairs[t.id] ?? 0) + 1;
  }
  return { pairs, refreshes: count };
}

/** One run per profile, with every exchange kept, for all the checks of this file. */
const runs = new Map<string, Promise<RunResult>>();
function strictRun(profile: 'aws' | 'rfc8628'): Promise<RunResult> {
  let run = runs.get(profile);
  if (!run) {
    run = runEmbedded({ profile, slowDown: 'strict', exchanges: 'all' });
    runs.set(profile, run);
  }
  return run;
}

describe('the harness obeys the client rules over a run', () => {
  // The reference's strict mode holds every code to its interval, approved and denied ones too:
  // a poll that came too early gets slow_down whatever the code's state.
  for (const profile of ['aws', 'rfc8628'] as const) {
    it(`${profile}: only the slow_down tests poll faster than the interval (CL-1)`, async () => {
      const run = await strictRun(profile);
      const seen = slowDowns(run);
      // The slow_down tests did provoke it: the server in this mode sends it.
      expect(Object.keys(seen).some((id) => BREAKS_INTERVAL.test(id))).toBe(true);
      expect(Object.keys(seen).filter((id) => !BREAKS_INTERVAL.test(id))).toEqual([]);
    }, 60_000);
  }

  for (const profile of ['aws', 'rfc8628'] as const) {
    it(`${profile}: no poll after a terminal answer but one on purpose (CL-3)`, async () => {
      const run = await strictRun(profile);
      const { extra, terminal } = pollsAfterTerminal(run);
      // Terminal answers were seen (denials, expiries, refusals): the check had something to judge.
      expect(terminal).toBeGreaterThan(5);
      expect(extra).toEqual({});
    }, 60_000);

    it(`${profile}: no two refreshes with one token at once, but in the test of that (CL-13)`, async () => {
      const run = await strictRun(profile);
      const { pairs, refreshes } = concurrentRefreshes(run);
      expect(refreshes).toBeGreaterThan(10);
      // Sending them is that test's purpose (whether its overlap shows in whole milliseconds
      // depends on the machine's speed, so it is not asserted).
      delete pairs['BCP-4.14.2-CONCURRENT'];
      expect(pairs).toEqual({});
    }, 60_000);
  }

  it('rfc8628: one client authentication method per request, the secret when it holds one, client_id when none (CL-7, CL-8)', async () => {
    const run = await strictRun('rfc8628');
    const twoMethods: string[] = [];
    const unnamed: string[] = [];
    const secretKept: string[] = [];
    let judged = 0;
    let probes = 0;
    for (const t of run.tests) {
      // The clients this test registered that were issued a secret.
      const withSecret = new Set<string>();
      const kept: string[] = [];
      for (const e of t.exchanges) {
        const { url, headers, body = '' } = e.request;
        const path = new URL(url).pathname;
        if (path === '/oauth/register') {
          const issued = bodyMember(e.response?.body, ['client_secret']);
          const id = bodyMember(e.response?.body, ['client_id']);
          if (issued !== undefined && id !== undefined) withSecret.add(id);
        }
        if (!/\/oauth\/(token|device_authorization)$/.test(path)) continue;
        judged++;
        const basic = headers.authorization !== undefined;
        const post = /(^|&)client_secret=/.test(body);
        const id = bodyMember(body, ['client_id']);
        if (basic && post && t.id !== TWO_METHODS) twoMethods.push(`${t.id} ${url}`);
        if (!basic && id === undefined) unnamed.push(`${t.id} ${url}`);
        if (!basic && !post && id !== undefined && withSecret.has(id))
          kept.push(`${t.slug} ${url}`);
      }
      // The one probe of a test that leaves the secret out on purpose, and no other request.
      if (SECRET_LEFT_OUT.test(t.slug) && t.verdict === 'passed') {
        expect(kept, t.slug).toHaveLength(1);
        probes++;
      } else secretKept.push(...kept);
    }
    expect(probes).toBe(3);
    expect(judged).toBeGreaterThan(100);
    expect(twoMethods).toEqual([]);
    // CL-8: a client that holds credentials authenticates with them.
    expect(secretKept).toEqual([]);
    expect(unnamed).toEqual([]);
  }, 60_000);
});
